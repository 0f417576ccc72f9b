package reporting

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// Paint styles a piece of console text by the class of what it says
// ("passed", "failed", "skipped", "warning", "deviation", "not-run",
// "failed-as-expected", "bold", "dim"): ANSI colours on a terminal. Plain
// is the identity.
type Paint func(class, text string) string

// Plain paints nothing.
func Plain(_, text string) string { return text }

// WriteSummary prints the after-run console report, plain.
func WriteSummary(w io.Writer, run *Run, reportPaths []string) {
	WriteSummaryPainted(w, run, reportPaths, Plain)
}

// WriteSummaryPainted prints the after-run console report: the failures
// grouped by cause, then each failure with its Expected / Actual, the known
// failures, the deviations from this project's readings (strictness:
// documented), the warnings, the skip reasons, then the counts in the words
// of every other report (Counts.Tally), where the reports are, and a last
// line CI logs can be grepped for. The target and profile were printed
// before the run (WriteHeader).
func WriteSummaryPainted(w io.Writer, run *Run, reportPaths []string, paint Paint) {
	if paint == nil {
		paint = Plain
	}
	m := run.Meta
	failures := run.Select(Failed, KnownFailurePassed)
	causes := Causes(failures)
	if len(failures) > 0 {
		writeCauses(w, "Failures", causes, len(failures), paint)
	}
	for _, sc := range failures {
		fmt.Fprintf(w, "\n%s  %s  %s  %s\n", paint("failed", strings.ToUpper(string(sc.Outcome))), sc.Location(), paint("bold", sc.Name), strings.Join(sc.Tags, " "))
		writeFailure(w, sc)
	}
	if expected := run.Select(FailedAsExpected); len(expected) > 0 {
		fmt.Fprintf(w, "\n%s: %d\n", paint("failed-as-expected", "Failed as expected (known-failing list)"), len(expected))
		for _, sc := range expected {
			fmt.Fprintf(w, "  %s  %s\n", sc.Location(), sc.Name)
		}
	}
	if deviations := run.Select(Deviation); len(deviations) > 0 {
		fmt.Fprintf(w, "\n%s: %d\n", paint("deviation", "Deviations from this project's reading (strictness: documented; warnings, not failures)"), len(deviations))
		for _, sc := range deviations {
			fmt.Fprintf(w, "\n%s  %s  %s  %s\n", paint("deviation", "DEVIATION"), sc.Location(), sc.Name, strings.Join(sc.Tags, " "))
			writeFailure(w, sc)
		}
	}
	for _, sc := range run.Select(Warning) {
		fmt.Fprintf(w, "\n%s  %s  %s: passed, with a security finding\n", paint("warning", "WARNING"), sc.Location(), sc.Name)
		for _, f := range sc.Findings {
			fmt.Fprintf(w, "%s\n", indent(f, "    "))
		}
	}
	writeReasons(w, paint("skipped", "Skipped"), run.Select(Skipped))
	writeReasons(w, paint("not-run", "Not run"), run.Select(NotRun))

	writeTiming(w, run, paint)

	if m.Diagnosis != "" {
		fmt.Fprintf(w, "\n%s\n", m.Diagnosis)
	}
	c := run.Counts()
	fmt.Fprintln(w)
	for _, n := range m.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	elapsed := ""
	if d := m.elapsed(); d > 0 {
		elapsed = fmt.Sprintf(" in %s", d.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "%d scenarios%s against %s (profile %s)", c.Total, elapsed, m.Target, m.profileText())
	if len(failures) > 0 {
		fmt.Fprintf(w, "; %d %s from %d %s (listed above the failures)", len(failures), plural(len(failures), "failure", "failures"), len(causes), plural(len(causes), "cause", "causes"))
	}
	fmt.Fprintln(w)
	if m.Strictness == protocol.StrictnessDocumented {
		fmt.Fprintln(w, "Strictness documented: a failed @ref scenario is a deviation from this project's reading, not a failure.")
	}
	if t := m.TrafficText(); t != "" {
		fmt.Fprintln(w, t)
	}
	if m.Seed != 0 {
		fmt.Fprintf(w, "Scenario order: --seed %d repeats it.\n", m.Seed)
	}
	if m.Stopped != "" {
		fmt.Fprintf(w, "The harness stopped the run: %s. Scenarios it had not finished are not run.\n", m.Stopped)
	}
	if m.Interrupted {
		fmt.Fprintln(w, "The run was interrupted: the reports hold what ran until then.")
	}
	if len(reportPaths) > 0 {
		fmt.Fprintf(w, "Reports: %s\n", strings.Join(reportPaths, ", "))
	}
	if !m.Redacted {
		fmt.Fprintln(w, paint("failed", "Redaction is OFF (--no-redact): these reports contain secrets; do not share them."))
	}
	// The line CI logs are read for, in the words and numbers of every
	// report (Counts.Tally): they add up to the scenarios run.
	fmt.Fprintln(w, paintVerdict(run, paint))
}

// paintVerdict is VerdictLine with the verdict and each non-zero count in
// its colour.
func paintVerdict(run *Run, paint Paint) string {
	verdict := run.Verdict()
	class := "passed"
	switch verdict {
	case "FAILED":
		class = "failed"
	case "INTERRUPTED", "EMPTY", "STOPPED":
		class = "warning"
	}
	return paint(class, paint("bold", verdict)) + ": " + run.Counts().text(paint)
}

// profileText is the profile's name and, when it differs, its file.
func (m Meta) profileText() string {
	switch {
	case m.ProfileName == "":
		return m.Profile
	case m.Profile == "" || m.Profile == m.ProfileName:
		return m.ProfileName
	default:
		return m.ProfileName + ", " + m.Profile
	}
}

// writeCauses lists the distinct causes of what scenarios (failures, or
// deviations) share, the most frequent first.
func writeCauses(w io.Writer, what string, causes []*Cause, total int, paint Paint) {
	fmt.Fprintf(w, "\n%s by cause: %d %s from %d distinct %s\n", paint("bold", what), total,
		strings.ToLower(what), len(causes), plural(len(causes), "cause", "causes"))
	for i, c := range causes {
		head := c.Heading(6)
		fmt.Fprintf(w, "\n  %s %s\n", paint("failed", fmt.Sprintf("%4d ×", c.Count())), indentAfterFirst(head, "         "))
		if c.Expected != "" || c.Actual != "" {
			fmt.Fprintf(w, "         Expected: %s\n", indentAfterFirst(c.Expected, "                   "))
			fmt.Fprintf(w, "         Actual:   %s\n", indentAfterFirst(c.Actual, "                   "))
		}
		var where []string
		if len(c.Codes) > 0 {
			where = append(where, "codes "+strings.Join(c.Codes, ", "))
		}
		if len(c.Endpoints) > 0 {
			where = append(where, "endpoints "+strings.Join(c.Endpoints, ", "))
		}
		where = append(where, "first "+c.Scenarios[0].Location())
		fmt.Fprintf(w, "         %s\n", paint("dim", fmt.Sprintf("[cause %d] %s", i+1, strings.Join(where, " · "))))
	}
}

func writeFailure(w io.Writer, sc *Scenario) {
	if sc.Reason != "" {
		fmt.Fprintf(w, "    %s\n", sc.Reason)
	}
	st := sc.FailedStep()
	if st == nil {
		return
	}
	fmt.Fprintf(w, "    step: %s %s (line %d)\n", st.Keyword, st.Text, st.Line)
	v := SplitError(st.Error)
	if v.Requirement != "" {
		fmt.Fprintf(w, "%s\n", indent(v.Requirement, "    "))
	}
	for _, m := range v.Mismatches {
		fmt.Fprintf(w, "    Expected: %s\n", indentAfterFirst(m.Expected, "              "))
		fmt.Fprintf(w, "    Actual:   %s\n", indentAfterFirst(m.Actual, "              "))
		for _, d := range m.Details {
			fmt.Fprintf(w, "              %s\n", d)
		}
	}
	for _, n := range v.Notes {
		fmt.Fprintf(w, "%s\n", indent(n, "    "))
	}
}

// writeReasons groups scenarios by reason, most frequent first.
func writeReasons(w io.Writer, title string, scenarios []*Scenario) {
	if len(scenarios) == 0 {
		return
	}
	count := map[string]int{}
	for _, sc := range scenarios {
		count[sc.Reason]++
	}
	reasons := make([]string, 0, len(count))
	for r := range count {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if count[reasons[i]] != count[reasons[j]] {
			return count[reasons[i]] > count[reasons[j]]
		}
		return reasons[i] < reasons[j]
	})
	fmt.Fprintf(w, "\n%s (%d):\n", title, len(scenarios))
	for _, r := range reasons {
		fmt.Fprintf(w, "  %3d × %s\n", count[r], r)
	}
}

func indentAfterFirst(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// writeTiming counts the scenarios that measured answer times, by outcome,
// and names the ones that did not pass (the medians are in report.html).
func writeTiming(w io.Writer, run *Run, paint Paint) {
	views := timingViews(run)
	if len(views) == 0 {
		return
	}
	var c Counts
	for _, v := range views {
		c.Add(v.Scenario.Outcome)
	}
	fmt.Fprintf(w, "\n%s: %d %s measured answer times: %s (medians in report.html, Timing uniformity)\n",
		paint("bold", "Timing uniformity"), len(views), plural(len(views), "scenario", "scenarios"), c.text(paint))
	for _, v := range views {
		if v.Scenario.Outcome != Passed {
			fmt.Fprintf(w, "  %s  %s  %s\n", paint(v.Scenario.Outcome.Class(), string(v.Scenario.Outcome)), v.Scenario.Location(), v.Scenario.Name)
		}
	}
}
