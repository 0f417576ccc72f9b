// Package reporting turns a godog run into the reports people and CI read:
// cucumber.json (godog's own format, redacted), junit.xml, a self-contained
// report.html and the console summary.
//
// Data flows one way: Build parses godog's cucumber JSON into a model, judges
// every scenario (passed, failed, skipped with its reason, failed as
// expected, security warning, not run), and redacts every string in it; the
// renderers only ever see the redacted model, so no renderer can leak a
// secret by forgetting to call the redactor.
//
// The conventions it reads are the step definitions' (features/, steps/):
//   - tags @status-NNN and one @endpoint-* tag place a scenario in the
//     status-code matrix;
//   - an attachment named "skip-reason" says why a skipped scenario was
//     skipped (godog drops the error of a step that returns godog.ErrSkip);
//   - attachments "request", "response" and "payload" are evidence;
//   - an attachment "security-finding" on a passing scenario makes it a
//     warning, never a plain pass;
//   - a failing step's error is h2spec style: the requirement, then
//     "Expected: ..." and "Actual: ..." lines.
package reporting
