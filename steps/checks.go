package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/safetext"
	"github.com/kairos-conformance/kairos-conformance/internal/spec"
)

// Every check carries the rule it tests (h2spec style). Most test the
// scenario's own rule, the one its @spec tag cites; a few are incidental,
// held against every answer whatever the scenario is about, and cite their
// own section: the Content-Type and the HTTP status, SPEC.md 4.3, which
// SPEC.md marks [ref]. So a @doc scenario can fail on this project's
// reading alone. Such a failure waits for the scenario's last step, so
// that every check of its own [doc] rule still runs; the failed step then
// attaches the rules its failed checks test (evidence.AttachCheckRules),
// and under strictness: documented the reports call the scenario a
// deviation when every one of them is [ref].

// ruleResponses is SPEC.md 4.3, HTTP statuses and content type [ref].
const ruleResponses = "4.3"

// checkLog is what the scenario's checks left for its last step.
type checkLog struct {
	step    string // the step running now, as the feature file says it
	last    string // the id of the scenario's last step
	current string // the id of the step running now
	// deferred are the failed checks of a @doc scenario that test only
	// [ref] rules, in the order they failed.
	deferred []failedChecks
}

// failedChecks are one step's mismatches.
type failedChecks struct {
	step string
	x    *exchange
	v    verdict
}

// ruleText is how a failure cites a section: "SPEC.md 4.3 [ref]: HTTP
// statuses and content type".
func ruleText(number string) string {
	if s, ok := spec.Lookup(number); ok {
		return s.String()
	}
	return spec.File + " " + number + ": (no such section)"
}

// ruleOf is the section a mismatch tests and that section's mark: its own,
// or the scenario's rule with the scenario's mark (@doc or @ref).
func (st *scenario) ruleOf(m mismatch) (string, spec.Mark) {
	if m.rule != "" {
		if s, ok := spec.Lookup(m.rule); ok {
			return s.Number, s.Mark
		}
		return m.rule, ""
	}
	var mark spec.Mark
	switch {
	case st.meta.tags[spec.Ref.Tag()]:
		mark = spec.Ref
	case st.meta.tags[spec.Doc.Tag()]:
		mark = spec.Doc
	}
	return st.meta.spec, mark
}

// incidentalOnly reports whether v, in a @doc scenario, holds only checks
// of rules SPEC.md marks [ref]: not the scenario's own rule.
func (st *scenario) incidentalOnly(v verdict) bool {
	if !st.meta.tags[spec.Doc.Tag()] || len(v) == 0 {
		return false
	}
	for _, m := range v {
		if _, mark := st.ruleOf(m); m.rule == "" || mark != spec.Ref {
			return false
		}
	}
	return true
}

// attachRules attaches, one line each, the section and mark of every check
// that failed in this step and earlier in the scenario ("4.3 [ref]"): the
// reports' strictness judges the failure by them.
func (st *scenario) attachRules(v verdict) {
	var b strings.Builder
	for _, d := range append(st.checks.deferred, failedChecks{v: v}) {
		for _, m := range d.v {
			number, mark := st.ruleOf(m)
			fmt.Fprintf(&b, "%s [%s]\n", number, mark)
		}
	}
	st.checks.deferred = nil
	st.evidence.pending = append(st.evidence.pending, godog.Attachment{FileName: evidence.AttachCheckRules, MediaType: "text/plain", Body: []byte(b.String())})
}

// beforeStep notes which step runs, for the failures it may leave.
func (st *scenario) beforeStep(ctx context.Context, step *godog.Step) (context.Context, error) {
	st.checks.step, st.checks.current = step.Text, step.Id
	return ctx, nil
}

// deferredFailure is the failure of a @doc scenario whose own checks all
// held while checks of [ref] rules did not: its last step's error, once
// that step passed. Nil when there is none.
func (st *scenario) deferredFailure() error {
	if len(st.checks.deferred) == 0 || st.checks.current != st.checks.last {
		return nil
	}
	var b strings.Builder
	b.WriteString(ruleText(st.checks.deferred[0].v[0].rule))
	fmt.Fprintf(&b, "\nThe scenario's own rule held (%s); only checks of this project's readings failed.", st.requirement())
	for i, d := range st.checks.deferred {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "\nAt %q:", d.step)
		st.writeChecks(&b, d.x, d.v)
	}
	st.attachRules(nil)
	return errors.New(safetext.Clean(st.mask(b.String())))
}
