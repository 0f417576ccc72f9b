package steps

import (
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
)

func checkScenario(tags ...string) *scenario {
	p := &profile.Profile{}
	st := &scenario{s: &Suite{prof: p, redact: newRedactor(false, p)}}
	st.meta.spec, st.meta.tags = "5.8", map[string]bool{}
	for _, t := range tags {
		st.meta.tags[t] = true
	}
	st.checks.last = "last"
	return st
}

func contentTypeMismatch() verdict {
	var v verdict
	v.addFor(ruleResponses, "Content-Type: application/json (SPEC.md 4.3)", `"text/plain"`, "header Content-Type")
	return v
}

func checkRules(st *scenario) string {
	for _, a := range st.evidence.pending {
		if a.FileName == evidence.AttachCheckRules {
			return string(a.Body)
		}
	}
	return "(none)"
}

// TestIncidentalRefCheckWaitsForTheLastStep: in a @doc scenario a failed
// check of a [ref] rule does not stop the scenario; its last step fails
// with it, citing the rule, and lists the check's rule for the reports.
func TestIncidentalRefCheckWaitsForTheLastStep(t *testing.T) {
	st := checkScenario("@doc")
	st.checks.step, st.checks.current = "the response code is 202 INVALID_SECURITY_ID", "first"
	if err := st.fail(nil, contentTypeMismatch()); err != nil {
		t.Fatalf("a @doc scenario's [ref]-only mismatch failed its step at once: %v", err)
	}
	if err := st.deferredFailure(); err != nil {
		t.Fatalf("not the last step, but it failed: %v", err)
	}
	st.checks.current = "last"
	err := st.deferredFailure()
	if err == nil {
		t.Fatal("the last step did not report the failed check")
	}
	for _, want := range []string{"SPEC.md 4.3 [ref]: HTTP statuses and content type\n", "own rule held (SPEC.md 5.8 [doc]", `Actual:   "text/plain"`, "Rule:     SPEC.md 4.3 [ref]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the failure lacks %q:\n%v", want, err)
		}
	}
	if got := checkRules(st); got != "4.3 [ref]\n" {
		t.Errorf("check-rules %q", got)
	}
}

// TestOwnRuleFailureCarriesTheEarlierRefChecks: when the scenario's own
// rule fails after a [ref] check did, the failure shows both and lists
// both rules, so the reports call it a failure under any strictness.
func TestOwnRuleFailureCarriesTheEarlierRefChecks(t *testing.T) {
	st := checkScenario("@doc")
	st.checks.step = "the response code is 200 SUCCESS"
	st.fail(nil, contentTypeMismatch())
	st.checks.step = "every call-details entry echoes its client-identifier with a phonon-uuid"
	var v verdict
	v.add("a well-formed phonon-uuid (RFC 4122)", `"x"`, "call-details.0.phonon-uuid")
	err := st.fail(nil, v)
	if err == nil || !strings.Contains(err.Error(), "Earlier in this scenario") || !strings.Contains(err.Error(), "header Content-Type") {
		t.Fatalf("failure: %v", err)
	}
	if got := checkRules(st); got != "4.3 [ref]\n5.8 [doc]\n" {
		t.Errorf("check-rules %q", got)
	}
	if len(st.checks.deferred) != 0 {
		t.Error("the earlier checks are still waiting")
	}
}

// TestRefScenarioFailsAtOnce: a @ref scenario's failures are its own
// rule's reading: they fail the step at once, as any check does.
func TestRefScenarioFailsAtOnce(t *testing.T) {
	st := checkScenario("@ref")
	if err := st.fail(nil, contentTypeMismatch()); err == nil {
		t.Fatal("a @ref scenario's mismatch did not fail its step")
	}
	if got := checkRules(st); got != "4.3 [ref]\n" {
		t.Errorf("check-rules %q", got)
	}
}
