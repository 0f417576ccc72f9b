package console

import (
	"fmt"
	"io"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

// WriteHeader prints what a run is about to do, before anything runs: the
// harness, the target, the profile and the selection. meta must be
// redacted already (its Target, say, may carry credentials).
func WriteHeader(w io.Writer, meta reporting.Meta, selected int, reportsDir string, paint reporting.Paint) {
	if paint == nil {
		paint = reporting.Plain
	}
	fmt.Fprintf(w, "%s %s\n", paint("bold", "kairos-conformance"), meta.HarnessVersion)
	fmt.Fprintf(w, "  target   %s\n", paint("bold", meta.Target))
	profile := meta.ProfileName
	switch {
	case profile == "":
		profile = meta.Profile
	case meta.Profile != "" && meta.Profile != profile:
		profile += "  (" + meta.Profile + ")"
	}
	fmt.Fprintf(w, "  profile  %s\n", profile)
	var sel []string
	sel = append(sel, fmt.Sprintf("%d %s", selected, plural(selected, "scenario", "scenarios")))
	if meta.Tags != "" {
		sel = append(sel, "tags "+meta.Tags)
	}
	if meta.Name != "" {
		sel = append(sel, "name "+meta.Name)
	}
	sel = append(sel, fmt.Sprintf("concurrency %d", meta.Concurrency), fmt.Sprintf("request timeout %s", meta.Timeout))
	if meta.Seed != 0 {
		sel = append(sel, fmt.Sprintf("seed %d", meta.Seed))
	}
	if meta.Strictness != "" {
		sel = append(sel, "strictness "+string(meta.Strictness))
	}
	fmt.Fprintf(w, "  run      %s\n", strings.Join(sel, " · "))
	if t := meta.Traffic; t != nil {
		pace := "no request limit"
		if t.RequestLimit > 0 {
			pace = fmt.Sprintf("at most %d requests a minute", t.RequestLimit)
		}
		budget := "no call budget"
		if t.CallBudget > 0 {
			budget = fmt.Sprintf("call budget %d accepted %s (the scenarios that place calls run last)", t.CallBudget, plural(t.CallBudget, "call", "calls"))
		}
		fmt.Fprintf(w, "  pacing   %s · %s\n", pace, budget)
	}
	if reportsDir != "" {
		fmt.Fprintf(w, "  reports  %s\n", reportsDir)
	}
	if !meta.Redacted {
		fmt.Fprintf(w, "  %s\n", paint("failed", "redaction OFF (--no-redact): secrets will be shown"))
	}
	fmt.Fprintln(w)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
