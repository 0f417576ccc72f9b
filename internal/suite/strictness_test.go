package suite_test

import (
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// runWholeSuite runs every scenario against a reference server with fault,
// the profile's knobs changed by knobs, and returns godog's cucumber JSON.
func runWholeSuite(t *testing.T, faultName string, knobs func(*protocol.MessageCheck)) []byte {
	t.Helper()
	fault, err := refserver.ParseFault(faultName)
	if err != nil {
		t.Fatal(err)
	}
	tg := startReference(t, fault)
	prof := *tg.Profile
	if knobs != nil {
		knobs(&prof.Knobs.MessageCheck)
	}
	ctx, cancel := runContext(t)
	defer cancel()
	res, err := suite.Run(ctx, suite.Config{Steps: redacted(tg, &prof)})
	if err != nil {
		t.Fatal(err)
	}
	return res.CucumberJSON
}

func judge(t *testing.T, cucumber []byte, strictness protocol.Strictness) *reporting.Run {
	t.Helper()
	run, err := reporting.Build(reporting.Meta{}, cucumber, reporting.Options{Redactor: redact.Disabled(), Strictness: strictness})
	if err != nil {
		t.Fatal(err)
	}
	if run.Counts().Total != wantScenarios {
		t.Errorf("%d scenarios ran, want %d", run.Counts().Total, wantScenarios)
	}
	return run
}

// TestStrictnessDocumentedForgivesARefOnlyDifference: a server that differs
// from the reference only on a [ref] rule (an empty call list answered with
// 210, not 302: SPEC.md 5.10) passes under strictness: documented, with the
// difference reported as deviations, and fails under reference.
func TestStrictnessDocumentedForgivesARefOnlyDifference(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite against a faulty server")
	}
	t.Parallel()
	cucumber := runWholeSuite(t, "empty-call-list-as-210", nil)

	reference := judge(t, cucumber, protocol.StrictnessReference)
	if reference.Verdict() != "FAILED" || reference.Counts().Deviation != 0 {
		t.Errorf("under reference: %s, counts %+v; want FAILED", reference.Verdict(), reference.Counts())
	}

	documented := judge(t, cucumber, protocol.StrictnessDocumented)
	c := documented.Counts()
	if documented.Verdict() != "PASSED" || c.Failures() != 0 || c.Deviation == 0 {
		t.Errorf("under documented: %s, counts %+v; want PASSED with deviations", documented.Verdict(), c)
	}
	if c.Deviation != reference.Counts().Failed {
		t.Errorf("%d deviations under documented, %d failures under reference: every failure should be a deviation", c.Deviation, reference.Counts().Failed)
	}
	for _, sc := range documented.Select(reporting.Failed, reporting.Deviation) {
		if !sc.HasTag("@spec-5.10") || !sc.HasTag("@ref") || sc.Outcome != reporting.Deviation {
			t.Errorf("%s %s (%s): only the @ref scenarios of rule 5.10 should deviate", sc.Location(), sc.Name, sc.Outcome)
		}
	}
	t.Logf("under documented: %d passed, %d deviations; under reference: %d failed", c.Passed, c.Deviation, reference.Counts().Failed)
}

// TestMessageCheckCaseInsensitive: a server whose messages are Phonon's in
// another case passes every scenario under message-check: case-insensitive,
// and fails under exact (the fault matrix shows the latter on @status-202;
// here it is the whole suite).
func TestMessageCheckCaseInsensitive(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite against a faulty server")
	}
	t.Parallel()
	insensitive := judge(t, runWholeSuite(t, "upper-case-messages", func(m *protocol.MessageCheck) { *m = protocol.MessageCaseInsensitive }), protocol.StrictnessReference)
	if c := insensitive.Counts(); insensitive.Verdict() != "PASSED" || c.Failures() != 0 {
		for _, sc := range insensitive.Select(reporting.Failed) {
			t.Errorf("case-insensitive: %s %s failed: %s", sc.Location(), sc.Name, firstError(sc))
		}
		t.Errorf("case-insensitive: %s, counts %+v", insensitive.Verdict(), c)
	}
}

func firstError(sc *reporting.Scenario) string {
	if st := sc.FailedStep(); st != nil {
		return st.Error
	}
	return sc.Reason
}
