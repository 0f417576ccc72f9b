package reporting

import (
	"fmt"
	"strings"
)

// TallyItem is one count of a run in the words every report uses.
type TallyItem struct {
	// Key names the count in summary.json ("security_warnings").
	Key string
	// Label is the word after the number ("security warnings").
	Label string
	// Class is the CSS class of the HTML report's tile and bar segment.
	Class string
	N     int
	// Always items are shown even when zero: the three a CI log is read for.
	Always bool
}

// Tally is the run's counts, in the one order and the one wording that the
// console's summary line, the HTML report's tiles and bar, JUnit's
// "summary" property and summary.json all use, so that they cannot
// disagree. The items add up to Counts.Total: "failed" counts every outcome
// that fails the run (a known failure that passed is one), and a scenario
// that passed with a security finding is counted once, as a security
// warning, not as passed too.
func (c Counts) Tally() []TallyItem {
	return []TallyItem{
		{Key: "passed", Label: "passed", Class: "passed", N: c.Passed, Always: true},
		{Key: "failed", Label: "failed", Class: "failed", N: c.Failures(), Always: true},
		{Key: "skipped", Label: "skipped", Class: "skipped", N: c.Skipped, Always: true},
		{Key: "not_run", Label: "not run", Class: "not-run", N: c.NotRun},
		{Key: "failed_as_expected", Label: "failed as expected", Class: "failed-as-expected", N: c.FailedAsExpected},
		{Key: "security_warnings", Label: plural(c.Warning, "security warning", "security warnings"), Class: "warning", N: c.Warning},
		{Key: "deviations", Label: plural(c.Deviation, "deviation", "deviations") + " from this project's reading", Class: "deviation", N: c.Deviation},
	}
}

// Shown is the tally without the zero counts that are not Always shown.
func (c Counts) Shown() []TallyItem {
	var out []TallyItem
	for _, it := range c.Tally() {
		if it.Always || it.N > 0 {
			out = append(out, it)
		}
	}
	return out
}

// Text is the tally as one phrase: "325 passed, 0 failed, 0 skipped, 6
// security warnings". The console's last line is the verdict and this text.
func (c Counts) Text() string { return c.text(Plain) }

// text is Text with each non-zero count painted in its outcome's class.
func (c Counts) text(paint Paint) string {
	var parts []string
	for _, it := range c.Shown() {
		phrase := fmt.Sprintf("%d %s", it.N, it.Label)
		if it.N > 0 {
			phrase = paint(it.Class, phrase)
		}
		parts = append(parts, phrase)
	}
	if c.KnownFailurePassed > 0 {
		parts[1] += fmt.Sprintf(" (%d of them %s)", c.KnownFailurePassed, plural(c.KnownFailurePassed, "a listed known failure that passed", "listed known failures that passed"))
	}
	return strings.Join(parts, ", ")
}

// VerdictLine is the console's closing line, the one CI logs are grepped
// for: "PASSED: 325 passed, 0 failed, 0 skipped, 6 security warnings".
func (r *Run) VerdictLine() string { return r.Verdict() + ": " + r.Counts().Text() }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
