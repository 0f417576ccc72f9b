package reporting

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// TestStrictnessDocumented: a failed @ref scenario becomes a deviation,
// everywhere, and counts as no failure; a failed @doc scenario, and a @ref
// one whose step is undefined, still fail.
func TestStrictnessDocumented(t *testing.T) {
	const refRow = 34 // "invalid contact numbers are refused", the 210 row: @spec-5.21 @ref
	reference := buildSample(t, Options{})
	if sc := scenarioNamed(t, reference, "invalid contact numbers are refused", refRow); sc.Outcome != Failed {
		t.Fatalf("under the default strictness the @ref failure is %q, want failed", sc.Outcome)
	}
	if reference.Meta.Strictness != protocol.StrictnessReference || reference.Counts().Deviation != 0 {
		t.Errorf("default: strictness %q, %d deviations", reference.Meta.Strictness, reference.Counts().Deviation)
	}

	run := buildSample(t, Options{Strictness: protocol.StrictnessDocumented})
	dev := scenarioNamed(t, run, "invalid contact numbers are refused", refRow)
	if dev.Outcome != Deviation || dev.Outcome.IsFailure() {
		t.Errorf("@ref failure under documented: %q", dev.Outcome)
	}
	if !strings.Contains(dev.Reason, "SPEC.md 5.21 [ref]") {
		t.Errorf("the deviation's reason does not cite its rule: %q", dev.Reason)
	}
	for name, want := range map[string]Outcome{
		"a wrong security id is refused": Failed, // @doc
		"an undefined step":              Failed, // @ref, but the harness is at fault
		"a healthy flow accepts a call":  Passed,
	} {
		if sc := scenarioNamed(t, run, name, 0); sc.Outcome != want {
			t.Errorf("%s: %q under documented, want %q", name, sc.Outcome, want)
		}
	}
	c := run.Counts()
	if c.Deviation != 1 || c.Failures() != reference.Counts().Failures()-1 {
		t.Errorf("counts %+v; under reference %+v", c, reference.Counts())
	}

	var console bytes.Buffer
	WriteSummary(&console, run, nil)
	out := console.String()
	for _, want := range []string{
		"Deviations from this project's reading (strictness: documented; warnings, not failures): 1",
		"DEVIATION  features/encrypted.feature:34  invalid contact numbers are refused",
		"Expected: api-response-code 205",
		"FAILED: ", ", 1 deviation from this project's reading\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}

	data, err := JUnitXML(run)
	if err != nil {
		t.Fatal(err)
	}
	var j parsedJUnit
	if err := xml.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	if j.Failures != c.Failures() || j.Errors != 0 {
		t.Errorf("junit: %d failures, %d errors; want %d, 0", j.Failures, j.Errors, c.Failures())
	}
	for _, tc := range j.Suites[0].Cases {
		if tc.Name == "invalid contact numbers are refused (line 34)" &&
			(tc.Failure != nil || tc.Skipped != nil || !strings.HasPrefix(tc.SystemOut, "DEVIATION") || !strings.Contains(tc.SystemOut, "Expected: api-response-code 205")) {
			t.Errorf("junit deviation: %+v", tc)
		}
	}

	page, err := HTML(run)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<section id="deviations">`, `href="#deviations"`, `class="cell deviation"`, `<i class="sw deviation">`, `<div class="stat deviation"><span class="num">1</span>`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("report.html lacks %s", want)
		}
	}
	if bytes.Contains(mustHTML(t, reference), []byte(`id="deviations"`)) {
		t.Error("report.html under reference strictness shows a deviations section")
	}
}

// TestOnlyDeviationsPass: a run whose only non-passes are deviations passes.
func TestOnlyDeviationsPass(t *testing.T) {
	run := &Run{Meta: Meta{Strictness: protocol.StrictnessDocumented}, Scenarios: []*Scenario{
		{Name: "a", Outcome: Passed}, {Name: "b", Outcome: Deviation, Tags: []string{"@ref"}},
	}}
	if run.Verdict() != "PASSED" || run.Counts().Failures() != 0 {
		t.Errorf("verdict %s, counts %+v", run.Verdict(), run.Counts())
	}
	var console bytes.Buffer
	WriteSummary(&console, run, nil)
	if !strings.HasSuffix(console.String(), "PASSED: 1 passed, 0 failed, 0 skipped, 1 deviation from this project's reading\n") {
		t.Errorf("console:\n%s", console.String())
	}
}

func mustHTML(t *testing.T, run *Run) []byte {
	t.Helper()
	page, err := HTML(run)
	if err != nil {
		t.Fatal(err)
	}
	return page
}

// TestIncidentalRefChecks: a failed @doc scenario is a deviation under
// strictness documented only when every check its failed step reports
// (the check-rules attachment) tests a section SPEC.md marks [ref].
func TestIncidentalRefChecks(t *testing.T) {
	for _, c := range []struct {
		name, rules string
		attach      bool
		want        Outcome
	}{
		{"the Content-Type alone (4.3 [ref])", "4.3 [ref]\n", true, Deviation},
		{"4.3 twice", "4.3 [ref]\n4.3 [ref]\n", true, Deviation},
		{"4.3 and the scenario's own [doc] rule", "4.3 [ref]\n5.8 [doc]\n", true, Failed},
		{"a mark SPEC.md does not give the section", "4.3 [doc]\n", true, Failed},
		{"a [doc+ref] section", "4 [ref]\n", true, Failed},
		{"no such section", "9.9 [ref]\n", true, Failed},
		{"an empty list", "", true, Failed},
		{"no list: a step error that is no check", "", false, Failed},
	} {
		sc := &Scenario{Name: c.name, Status: "failed", Outcome: Failed, Tags: []string{"@status-202", "@spec-5.8", "@doc"},
			Steps: []*Step{{Keyword: "Then ", Text: "the response code is 202 INVALID_SECURITY_ID", Status: "failed", Error: "SPEC.md 4.3 [ref]: ..."}}}
		if c.attach {
			sc.Steps[0].Attachments = []Attachment{{Name: evidence.AttachCheckRules, MimeType: "text/plain", Data: []byte(c.rules)}}
		}
		toDeviation(sc)
		if sc.Outcome != c.want {
			t.Errorf("%s: %q, want %q", c.name, sc.Outcome, c.want)
		}
		if c.want == Deviation && !strings.Contains(sc.Reason, "SPEC.md 4.3 [ref]: HTTP statuses and content type") {
			t.Errorf("%s: the reason does not cite the rule: %q", c.name, sc.Reason)
		}
	}
}
