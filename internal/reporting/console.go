package reporting

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// WriteSummary prints the after-run console report: each failure with its
// Expected / Actual, the known failures, the deviations from this project's
// readings (strictness: documented), the warnings, the skip reasons, the
// counts, where the reports are, and a last line CI logs can be grepped for.
func WriteSummary(w io.Writer, run *Run, reportPaths []string) {
	m := run.Meta
	fmt.Fprintf(w, "\nKairos conformance against %s (profile %s, harness %s)\n", m.Target, m.Profile, m.HarnessVersion)
	for _, n := range m.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	for _, sc := range run.Select(Failed, KnownFailurePassed) {
		fmt.Fprintf(w, "\n%s  %s  %s  %s\n", strings.ToUpper(string(sc.Outcome)), sc.Location(), sc.Name, strings.Join(sc.Tags, " "))
		writeFailure(w, sc)
	}
	if expected := run.Select(FailedAsExpected); len(expected) > 0 {
		fmt.Fprintf(w, "\nFailed as expected (known-failing list): %d\n", len(expected))
		for _, sc := range expected {
			fmt.Fprintf(w, "  %s  %s\n", sc.Location(), sc.Name)
		}
	}
	if deviations := run.Select(Deviation); len(deviations) > 0 {
		fmt.Fprintf(w, "\nDeviations from this project's reading (strictness: documented; warnings, not failures): %d\n", len(deviations))
		for _, sc := range deviations {
			fmt.Fprintf(w, "\nDEVIATION  %s  %s  %s\n", sc.Location(), sc.Name, strings.Join(sc.Tags, " "))
			writeFailure(w, sc)
		}
	}
	for _, sc := range run.Select(Warning) {
		fmt.Fprintf(w, "\nWARNING  %s  %s: passed, with a security finding\n", sc.Location(), sc.Name)
		for _, f := range sc.Findings {
			fmt.Fprintf(w, "%s\n", indent(f, "    "))
		}
	}
	writeReasons(w, "Skipped", run.Select(Skipped))
	writeReasons(w, "Not run", run.Select(NotRun))

	c := run.Counts()
	elapsed := ""
	if !m.Started.IsZero() && !m.Finished.IsZero() {
		elapsed = fmt.Sprintf(" in %s", m.Finished.Sub(m.Started).Round(time.Millisecond))
	}
	deviations := ""
	if m.Strictness == protocol.StrictnessDocumented {
		deviations = fmt.Sprintf(", %d deviations", c.Deviation)
	}
	fmt.Fprintf(w, "\n%d scenarios%s: %d passed, %d failed, %d skipped, %d failed as expected, %d known failures passed, %d warnings%s, %d not run\n",
		c.Total, elapsed, c.Passed, c.Failed, c.Skipped, c.FailedAsExpected, c.KnownFailurePassed, c.Warning, deviations, c.NotRun)
	if t := m.TrafficText(); t != "" {
		fmt.Fprintln(w, t)
	}
	if m.Seed != 0 {
		fmt.Fprintf(w, "Scenario order: --seed %d repeats it.\n", m.Seed)
	}
	if m.Interrupted {
		fmt.Fprintln(w, "The run was interrupted: the reports hold what ran until then.")
	}
	if len(reportPaths) > 0 {
		fmt.Fprintf(w, "Reports: %s\n", strings.Join(reportPaths, ", "))
	}
	if !m.Redacted {
		fmt.Fprintln(w, "Redaction is OFF (--no-redact): these reports contain secrets; do not share them.")
	}
	// The line CI logs are read for: passed counts what may ship, failed
	// what may not, skipped what was not judged; deviations, when the
	// profile allows them, are named apart: neither passes nor failures.
	last := fmt.Sprintf("%s: %d passed, %d failed, %d skipped", run.Verdict(),
		c.Passed+c.Warning, c.Failures(), c.Skipped+c.FailedAsExpected+c.NotRun)
	if c.Deviation > 0 {
		last += fmt.Sprintf(", %d deviations from this project's reading", c.Deviation)
	}
	fmt.Fprintln(w, last)
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
