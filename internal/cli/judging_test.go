package cli

import (
	"context"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// runWithKnobs runs the tagged scenarios against a reference server with
// fault, through a profile that sets knobs, and returns the exit code, the
// console and junit.xml, report.html and summary.json.
func runWithKnobs(t *testing.T, fault, tags string, knobs ...string) (code int, stdout, reports string) {
	t.Helper()
	f, err := refserver.ParseFault(fault)
	if err != nil {
		t.Fatal(err)
	}
	url, world := startReference(t, refserver.Options{Fault: f})
	profile := writeProfile(t, world, url, nil, nil, knobs...)
	dir := t.TempDir()
	code, stdout, stderr := runRunner(t, context.Background(), "--profile", profile, "--reports", dir, "--tags", tags)
	if stderr != "" {
		t.Logf("stderr: %s", stderr)
	}
	readReports(t, dir, reporting.Meta{})
	junit, err := os.ReadFile(filepath.Join(dir, reporting.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, reporting.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	summary, err := os.ReadFile(filepath.Join(dir, reporting.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	return code, stdout, string(junit) + "\n" + string(html) + "\n" + string(summary)
}

// TestStrictnessKnobDecidesTheExitCode: against a server that answers an
// empty call list with 210 (a [ref] rule read otherwise), strictness
// reference fails the run; documented passes it, with the deviations in the
// console, junit.xml and report.html. The selection is the scenarios the
// fault fails and a family it leaves passing: the suite package's
// whole-suite test shows that no other scenario deviates.
func TestStrictnessKnobDecidesTheExitCode(t *testing.T) {
	t.Parallel()
	const tags = "@status-302,@status-304"
	code, out, _ := runWithKnobs(t, "empty-call-list-as-210", tags)
	if code != exitFailure {
		t.Errorf("strictness reference (default): exit %d, want %d\n%s", code, exitFailure, tail(out, 40))
	}
	code, _, _ = runWithKnobs(t, "empty-call-list-as-210", tags, "strictness: reference")
	if code != exitFailure {
		t.Errorf("strictness: reference: exit %d, want %d", code, exitFailure)
	}
	code, out, reports := runWithKnobs(t, "empty-call-list-as-210", tags, "strictness: documented")
	if code != exitOK {
		t.Errorf("strictness: documented: exit %d, want %d\n%s", code, exitOK, tail(out, 60))
	}
	out += reports
	for _, want := range []string{
		"DEVIATION  features/status_request.feature:",
		"PASSED: ", " from this project's reading\n",
		"DEVIATION (strictness: documented; not a failure)",
		`<section id="deviations">`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the reports lack %q", want)
		}
	}
	// A @doc rule broken the same way still fails under documented.
	code, out, _ = runWithKnobs(t, "wrong-code-202", "@status-202", "strictness: documented")
	if code != exitFailure {
		t.Errorf("a @doc failure under strictness documented: exit %d, want %d\n%s", code, exitFailure, tail(out, 40))
	}
}

// TestStrictnessForIncidentalRefChecks: against a server whose only
// difference is its Content-Type (text/plain: SPEC.md 4.3, [ref]), the 202
// scenarios, @doc and @ref, fail under strictness reference and pass under
// documented as deviations, the @doc ones too: the console, junit.xml,
// report.html and summary.json all say so, each with the failed check's
// Expected / Actual and its rule.
func TestStrictnessForIncidentalRefChecks(t *testing.T) {
	t.Parallel()
	const tags = "@status-202"
	code, out, _ := runWithKnobs(t, "content-type-text-plain", tags)
	if code != exitFailure {
		t.Errorf("strictness reference: exit %d, want %d\n%s", code, exitFailure, tail(out, 40))
	}
	code, out, reports := runWithKnobs(t, "content-type-text-plain", tags, "strictness: documented")
	if code != exitOK {
		t.Errorf("strictness: documented: exit %d, want %d\n%s", code, exitOK, tail(out, 60))
	}
	const rule = "Rule: SPEC.md 4.3 [ref]: HTTP statuses and content type"
	for name, text := range map[string]string{"console": out, "junit.xml, report.html, summary.json": reports} {
		for _, want := range []string{
			"a wrong security-id is refused with 202 (encrypted multicast)", // a @doc scenario
			"the scenario's own rule held, only its checks of SPEC.md 4.3 [ref]: HTTP statuses and content type failed",
			`Expected: Content-Type: application/json (SPEC.md 4.3)`,
		} {
			if !strings.Contains(text, want) && !strings.Contains(text, html.EscapeString(want)) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
	}
	if !strings.Contains(strings.Join(strings.Fields(out), " "), rule) || !strings.Contains(strings.Join(strings.Fields(reports), " "), rule) {
		t.Errorf("the reports do not name the failed check's rule, %q", rule)
	}
	last := regexp.MustCompile(`PASSED: 0 passed, 0 failed, 0 skipped, (\d+) deviations from this project's reading\n$`).FindStringSubmatch(out)
	if last == nil {
		t.Fatalf("the console's last line:\n%s", tail(out, 3))
	}
	for _, want := range []string{"DEVIATION (strictness: documented; not a failure)", `<section id="deviations">`, `"verdict": "PASSED"`, `"deviations": ` + last[1]} {
		if !strings.Contains(reports, want) {
			t.Errorf("the reports lack %q", want)
		}
	}
}

// TestMessageCheckKnob: a server whose messages are Phonon's in upper case
// fails under message-check exact (the default) and passes under
// case-insensitive and off; off still checks the code.
func TestMessageCheckKnob(t *testing.T) {
	t.Parallel()
	const tags = "@status-202"
	for _, c := range []struct {
		fault, knob string
		want        int
	}{
		{"upper-case-messages", "", exitFailure},
		{"upper-case-messages", "message-check: exact", exitFailure},
		{"upper-case-messages", "message-check: case-insensitive", exitOK},
		{"upper-case-messages", "message-check: off", exitOK},
		{"wrong-code-202", "message-check: off", exitFailure},
		{"none", "message-check: exact", exitOK},
	} {
		var knobs []string
		if c.knob != "" {
			knobs = append(knobs, c.knob)
		}
		code, out, _ := runWithKnobs(t, c.fault, tags, knobs...)
		if code != c.want {
			t.Errorf("%s, %q: exit %d, want %d\n%s", c.fault, c.knob, code, c.want, tail(out, 40))
		}
		if c.fault == "upper-case-messages" && code == exitFailure && !strings.Contains(out, fmt.Sprintf(`Expected: api-response-message %q for 202, character for character (SPEC.md section 5's table)`, protocol.InvalidSecurityID.Message())) {
			t.Errorf("%q: the failure does not cite SPEC.md section 5:\n%s", c.knob, tail(out, 40))
		}
	}
}
