package certify

import (
	"fmt"
	"io"
	"strings"
)

// maxListed bounds the scenarios listed under one diagnosis.
const maxListed = 6

// WriteSummary prints the report for a console: the failures grouped by
// diagnosis, then the verdict and where the reports are (paths).
func (r *Report) WriteSummary(w io.Writer, paths []string) {
	for _, g := range r.FailureGroups() {
		fmt.Fprintf(w, "\n%d scenario(s) failed with:\n%s\n", len(g.Scenarios), indentText(g.Diagnosis, "    "))
		for i, name := range g.Scenarios {
			if i == maxListed && len(g.Scenarios) > maxListed+1 {
				fmt.Fprintf(w, "  - ... and %d more (see the report)\n", len(g.Scenarios)-maxListed)
				break
			}
			fmt.Fprintf(w, "  - %s\n", name)
		}
	}
	skipped := ""
	if r.Skipped > 0 {
		skipped = fmt.Sprintf(" (%d skipped: optional, not declared)", r.Skipped)
	}
	fmt.Fprintf(w, "\n%s: %d of %d scenarios passed%s in %.1fs (harness %s, spec %s, RSA paddings %s)\n",
		strings.ToUpper(r.Verdict), r.Passed, r.Scenarios, skipped, r.Seconds, r.HarnessVersion, r.SpecDigest, strings.Join(r.RSAPaddings, ", "))
	if r.Problem != "" {
		fmt.Fprintf(w, "%s\n", r.Problem)
	}
	if len(paths) > 0 {
		fmt.Fprintf(w, "Reports: %s\n", strings.Join(paths, ", "))
	}
	if !r.Redacted {
		fmt.Fprintln(w, "Redaction is OFF (--no-redact): these reports contain secrets; do not share them.")
	}
}

func indentText(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
