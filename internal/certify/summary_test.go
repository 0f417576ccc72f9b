package certify

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/spec"
)

// TestWriteSummary pins the console summary of runner certify-client: the
// failures grouped, each group's diagnosis indented, at most six of its
// scenarios listed by name, then the verdict line, the problem, the report
// paths and, unredacted, the warning.
func TestWriteSummary(t *testing.T) {
	start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	results := []*ScenarioResult{{Feature: "F", Name: "passes", Verdict: VerdictPassed}, {Feature: "F", Name: "optional", Verdict: VerdictSkipped}}
	for i := range 8 {
		results = append(results, &ScenarioResult{Feature: "F", Name: fmt.Sprint("big ", i), Verdict: VerdictFailed, Diagnosis: "spec 3: first line\nsecond line"})
	}
	results = append(results, &ScenarioResult{Feature: "G", Name: "small", Verdict: VerdictFailed, Diagnosis: "client contract: other"})
	r := NewReport(Meta{HarnessVersion: "test", Started: start, Finished: start.Add(2500 * time.Millisecond), Problem: "the run was interrupted",
		RSAPaddings: []string{"pkcs1v15", "oaep-sha256"}}, results)

	var b strings.Builder
	r.WriteSummary(&b, []string{"reports/certification.json", "reports/certification.html"})
	want := `
8 scenario(s) failed with:
    spec 3: first line
    second line
  - F / big 0
  - F / big 1
  - F / big 2
  - F / big 3
  - F / big 4
  - F / big 5
  - ... and 2 more (see the report)

1 scenario(s) failed with:
    client contract: other
  - G / small

NOT CERTIFIED: 1 of 11 scenarios passed (1 skipped: optional, not declared) in 2.5s (harness test, spec ` + spec.Digest() + `, RSA paddings pkcs1v15, oaep-sha256)
the run was interrupted
Reports: reports/certification.json, reports/certification.html
Redaction is OFF (--no-redact): these reports contain secrets; do not share them.
`
	if b.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", b.String(), want)
	}

	// Seven in a group are listed whole; redacted, no warning; no paths,
	// no Reports line.
	r = NewReport(Meta{Started: start, Finished: start}, results[2:9]).Redact(fakeRedactor{"x"}, true)
	b.Reset()
	r.WriteSummary(&b, nil)
	if got := b.String(); !strings.Contains(got, "  - F / big 6\n") || strings.Contains(got, "more (see the report)") ||
		strings.Contains(got, "Reports:") || strings.Contains(got, "Redaction is OFF") {
		t.Errorf("summary:\n%s", got)
	}
}
