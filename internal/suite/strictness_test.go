package suite_test

import (
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/internal/testworld"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// runWholeSuite runs every scenario against a reference server with fault,
// the profile's knobs changed by knobs, and returns godog's cucumber JSON.
func runWholeSuite(t *testing.T, faultName string, knobs func(*protocol.MessageCheck)) []byte {
	t.Helper()
	return runSuiteUnder(t, faultName, "", knobs)
}

// runSuiteUnder is runWholeSuite for the scenarios tags selects ("": all).
// The server has testworld's 2048-bit flow keys (these tests judge knobs,
// not key sizes), so the scenarios that need 4096-bit flows are left out.
func runSuiteUnder(t *testing.T, faultName, tags string, knobs func(*protocol.MessageCheck)) []byte {
	t.Helper()
	fault, err := refserver.ParseFault(faultName)
	if err != nil {
		t.Fatal(err)
	}
	tg := startTestWorld(t, fault)
	prof := *tg.Profile
	if knobs != nil {
		knobs(&prof.Knobs.MessageCheck)
	}
	ctx, cancel := runContext(t)
	defer cancel()
	cfg := suite.Config{Steps: redacted(tg, &prof), Tags: withoutTestWorldTag(t, tags)}
	if tags != "" {
		cfg.FeatureFS, cfg.FeaturePaths = featureFilesOf(t, cfg.Tags)
	}
	res, err := suite.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res.CucumberJSON
}

func judge(t *testing.T, cucumber []byte, strictness protocol.Strictness) *reporting.Run {
	t.Helper()
	run := judgeSome(t, cucumber, strictness)
	if want := wantScenarios - testWorldLeavesOut(t); run.Counts().Total != want {
		t.Errorf("%d scenarios ran, want %d (all but %s)", run.Counts().Total, want, testworld.Tag)
	}
	return run
}

// judgeSome is judge for a run of part of the suite.
func judgeSome(t *testing.T, cucumber []byte, strictness protocol.Strictness) *reporting.Run {
	t.Helper()
	run, err := reporting.Build(reporting.Meta{}, cucumber, reporting.Options{Redactor: redact.Disabled(), Strictness: strictness})
	if err != nil {
		t.Fatal(err)
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

// TestStrictnessDocumentedForgivesIncidentalRefChecks: every scenario also
// checks the answer's Content-Type and HTTP status, SPEC.md 4.3 [ref]. A
// server that differs from the reference only there (Content-Type
// text/plain: the whole suite; the HTTP status mirroring the body code: the
// @doc families whose codes are HTTP statuses that may carry a body) fails
// under reference, @doc scenarios included, and passes under documented:
// every failure a deviation, each @doc one citing 4.3 with its Expected /
// Actual and the Rule of the failed check.
func TestStrictnessDocumentedForgivesIncidentalRefChecks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite against faulty servers")
	}
	t.Parallel()
	for _, c := range []struct{ fault, tags, expected string }{
		{"content-type-text-plain", "", "Expected: Content-Type: application/json (SPEC.md 4.3)"},
		// 204 and 304 are left out: those HTTP statuses carry no body, so
		// the code itself is lost, and that is a failure under any strictness.
		{"http-status-mirror", "@doc && ~@status-204 && ~@status-304", "Expected: HTTP status 200 (SPEC.md 4.3: every processed request gets HTTP 200)"},
	} {
		t.Run(c.fault, func(t *testing.T) {
			t.Parallel()
			cucumber := runSuiteUnder(t, c.fault, c.tags, nil)
			reference := judgeSome(t, cucumber, protocol.StrictnessReference)
			if want := wantScenarios - testWorldLeavesOut(t); c.tags == "" && reference.Counts().Total != want {
				t.Errorf("%d scenarios ran, want %d (all but %s)", reference.Counts().Total, want, testworld.Tag)
			}
			docFailed := 0
			for _, sc := range reference.Select(reporting.Failed) {
				if sc.HasTag("@doc") {
					docFailed++
				}
			}
			if reference.Verdict() != "FAILED" || docFailed == 0 {
				t.Errorf("under reference: %s, %d @doc scenarios failed, counts %+v; want FAILED, @doc ones among them", reference.Verdict(), docFailed, reference.Counts())
			}

			documented := judgeSome(t, cucumber, protocol.StrictnessDocumented)
			d := documented.Counts()
			if documented.Verdict() != "PASSED" || d.Failures() != 0 || d.Deviation != reference.Counts().Failed {
				for _, sc := range documented.Select(reporting.Failed) {
					t.Errorf("under documented, %s %s failed: %s", sc.Location(), sc.Name, firstError(sc))
				}
				t.Errorf("under documented: %s, counts %+v; want PASSED, the %d failures under reference as deviations", documented.Verdict(), d, reference.Counts().Failed)
			}
			docDeviations := 0
			for _, sc := range documented.Select(reporting.Deviation) {
				if !sc.HasTag("@doc") {
					continue
				}
				docDeviations++
				err := firstError(sc)
				if !strings.Contains(sc.Reason, "SPEC.md 4.3 [ref]") || !strings.Contains(err, c.expected) || !strings.Contains(err, "Rule:     SPEC.md 4.3 [ref]: HTTP statuses and content type") {
					t.Errorf("%s %s: reason %q\n%s", sc.Location(), sc.Name, sc.Reason, err)
				}
			}
			if docDeviations != docFailed {
				t.Errorf("%d @doc deviations under documented, %d @doc failures under reference", docDeviations, docFailed)
			}
			t.Logf("under reference: %d failed (%d @doc); under documented: %d passed, %d deviations", reference.Counts().Failed, docFailed, d.Passed, d.Deviation)
		})
	}
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
