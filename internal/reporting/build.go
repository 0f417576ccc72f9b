package reporting

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/spec"
)

// Options say how Build judges and redacts a run.
type Options struct {
	// Redactor masks secrets in everything Build returns; nil masks the
	// built-in patterns (see redact.Redactor), redact.Disabled() nothing.
	Redactor *redact.Redactor
	// KnownFailing lists the scenarios expected to fail; nil lists none.
	KnownFailing *KnownFailing
	// InterruptCause is the text of the cancellation's cause (context.Cause,
	// e.g. "interrupt signal received"): in an interrupted run, a failure
	// that quotes it, or "context canceled", was cut short, not judged.
	InterruptCause string
	// Strictness is the profile's knob: under StrictnessDocumented a failed
	// @ref scenario is a Deviation, not a failure. "" is the default,
	// StrictnessReference.
	Strictness protocol.Strictness
}

// Build parses godog's cucumber JSON, judges each scenario, redacts the
// result and makes every string of it safe to show (package safetext):
// whatever the target sent is escaped before any report holds it. An
// interrupted or stopped run (meta.Interrupted, meta.Stopped) may hand over
// partial or empty JSON; its cut-short scenarios become NotRun rather than
// failures, in every report including the cucumber JSON (see finishCucumber).
func Build(meta Meta, cucumberJSON []byte, opts Options) (*Run, error) {
	scenarios, err := ParseCucumber(cucumberJSON)
	if err != nil {
		return nil, err
	}
	meta.Redacted = opts.Redactor.Enabled()
	meta.Strictness = opts.Strictness
	if meta.Strictness == "" {
		meta.Strictness = protocol.DefaultStrictness
	}
	run := &Run{Meta: meta, Scenarios: scenarios}
	redactor := opts.Redactor
	if redactor.Enabled() {
		redactor = redactor.With(literalSecrets(scenarios)...)
	}
	cut := cutOff{interrupted: meta.Interrupted, stopped: meta.Stopped, cause: opts.InterruptCause}
	for _, sc := range scenarios {
		judge(sc, cut, opts.KnownFailing)
		if meta.Strictness == protocol.StrictnessDocumented {
			toDeviation(sc)
		}
		redactScenario(sc, redactor)
		cleanScenario(sc)
	}
	run.cucumber, err = finishCucumber(cucumberJSON, redactor, scenarios)
	if err != nil {
		return nil, err
	}
	run.Meta.Target = cleanText(redactor.String(meta.Target))
	run.Meta.Name = cleanText(redactor.String(meta.Name))
	run.Meta.Stopped = cleanText(redactor.String(meta.Stopped))
	run.Meta.Diagnosis = cleanText(redactor.String(meta.Diagnosis))
	run.Meta.Notes = append([]string(nil), meta.Notes...)
	for i, n := range run.Meta.Notes {
		run.Meta.Notes[i] = cleanText(redactor.String(n))
	}
	return run, nil
}

// cutOff is how a run ended early, if it did.
type cutOff struct {
	interrupted bool
	stopped     string // Meta.Stopped
	cause       string // the cancellation's cause, as Options.InterruptCause
}

// literalSecrets are the secrets the scenarios' steps write literally
// (redact.StepSecrets): masked there and wherever else the run carries them.
func literalSecrets(scenarios []*Scenario) []string {
	var out []string
	for _, sc := range scenarios {
		for _, st := range sc.Steps {
			out = append(out, redact.StepSecrets(st.Text)...)
		}
	}
	return out
}

// judge sets the scenario's Outcome and Reason from godog's status and the
// harness's conventions (see Outcome).
func judge(sc *Scenario, cut cutOff, known *KnownFailing) {
	skipReason := attachmentText(sc, evidence.AttachSkipReason)
	sc.Findings = sc.AttachmentTexts(evidence.AttachSecurityFinding)
	pattern := known.Match(sc)
	if reason, ok := notRunMark(sc); ok { // a report of ours, read again
		sc.Outcome, sc.Reason = NotRun, reason
		return
	}
	switch sc.Status {
	case "passed":
		switch {
		case pattern != "":
			sc.Outcome = KnownFailurePassed
			sc.Reason = fmt.Sprintf("listed as known failing (pattern %q) but passed: remove it from the list", pattern)
		case len(sc.Findings) > 0:
			sc.Outcome = Warning
		default:
			sc.Outcome = Passed
		}
	case "skipped":
		switch {
		case cut.stopped != "" && skipReason == "":
			sc.Outcome, sc.Reason = NotRun, cut.stopped
		case cut.interrupted && (skipReason == "" || strings.Contains(strings.ToLower(skipReason), "interrupt")):
			sc.Outcome, sc.Reason = NotRun, "the run was interrupted"
		case skipReason == "":
			// A skip must say why; a silent one could hide a whole area.
			sc.Outcome, sc.Reason = Failed, "skipped without a reason"
		default:
			sc.Outcome, sc.Reason = Skipped, skipReason
		}
	default: // failed, undefined, pending, ambiguous: all failures (strict)
		switch {
		case cut.stopped != "" && cutShort(sc, cut.cause):
			sc.Outcome, sc.Reason = NotRun, cut.stopped
		case cut.interrupted && cutShort(sc, cut.cause):
			sc.Outcome, sc.Reason = NotRun, "the run was interrupted while it ran"
		case pattern != "":
			sc.Outcome = FailedAsExpected
			sc.Reason = fmt.Sprintf("failed as expected (known-failing pattern %q)", pattern)
		default:
			sc.Outcome = Failed
			if sc.Status != "failed" {
				sc.Reason = "a step is " + sc.Status
			}
		}
	}
}

// toDeviation makes a failed @ref scenario a Deviation: under strictness
// documented, a target that reads one of this project's [ref] rules
// differently is reported, not failed. So is a failed @doc scenario whose
// failed checks all test rules SPEC.md marks [ref] (the Content-Type or
// HTTP status every answer is held to, SPEC.md 4.3), as the failed step's
// check-rules attachment lists them. Only a judged failure qualifies: an
// undefined, pending or ambiguous step is the harness's defect, and a skip
// without a reason hides what ran.
func toDeviation(sc *Scenario) {
	if sc.Outcome != Failed || sc.Status != "failed" {
		return
	}
	if !sc.HasTag(spec.Ref.Tag()) {
		if rules, ok := refChecksOnly(sc); ok {
			sc.Outcome = Deviation
			sc.Reason = "deviates from this project's reading, not from Phonon's pages: the scenario's own rule held, only its checks of " + strings.Join(rules, "; ") + " failed; strictness: documented reports it without failing the run"
		}
		return
	}
	sc.Outcome = Deviation
	rule := "a rule SPEC.md marks [ref]"
	// Cite the [ref] section the scenario names, else its first mixed one.
	for _, want := range []spec.Mark{spec.Ref, spec.Mixed} {
		if s, ok := citedSection(sc, want); ok {
			rule = s.String()
			break
		}
	}
	sc.Reason = "deviates from this project's reading, not from Phonon's pages (" + rule + "); strictness: documented reports it without failing the run"
}

// refChecksOnly returns the rules the failed step's failed checks test
// (evidence.AttachCheckRules, one "4.3 [ref]" a line), if every one of them
// is a section SPEC.md marks [ref]. A failure without that list (a step
// error that is no check) never qualifies.
func refChecksOnly(sc *Scenario) ([]string, bool) {
	st := sc.FailedStep()
	if st == nil {
		return nil, false
	}
	var rules []string
	seen := map[string]bool{}
	for _, a := range st.Attachments {
		if a.Name != evidence.AttachCheckRules {
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(string(a.Data)), "\n") {
			number, mark, ok := strings.Cut(strings.TrimSpace(line), " ")
			s, found := spec.Lookup(number)
			if !ok || !found || mark != "["+string(spec.Ref)+"]" || s.Mark != spec.Ref {
				return nil, false
			}
			if !seen[number] {
				seen[number] = true
				rules = append(rules, s.String())
			}
		}
	}
	return rules, len(rules) > 0
}

func citedSection(sc *Scenario, mark spec.Mark) (spec.Section, bool) {
	for _, n := range sc.TagsWithPrefix("@spec-") {
		if s, ok := spec.Lookup(n); ok && s.Mark == mark {
			return s, true
		}
	}
	return spec.Section{}, false
}

// cutShort reports whether a failure came from the run's cancellation rather
// than from the target.
func cutShort(sc *Scenario, cause string) bool {
	st := sc.FailedStep()
	if st == nil {
		return false
	}
	return strings.Contains(st.Error, context.Canceled.Error()) || cause != "" && strings.Contains(st.Error, cause)
}

func attachmentText(sc *Scenario, name string) string {
	return strings.Join(sc.AttachmentTexts(name), "; ")
}

func redactScenario(sc *Scenario, r *redact.Redactor) {
	sc.Feature = r.String(sc.Feature)
	sc.Name = r.String(sc.Name)
	sc.Reason = r.String(sc.Reason)
	for i, f := range sc.Findings {
		sc.Findings[i] = r.String(f)
	}
	for _, st := range sc.Steps {
		st.Text = r.String(st.Text)
		st.Error = r.String(st.Error)
		st.DocString = r.String(st.DocString)
		for _, row := range st.Rows {
			for i, c := range row {
				row[i] = r.String(c)
			}
		}
		for i := range st.Attachments {
			st.Attachments[i].Name = r.String(st.Attachments[i].Name)
			st.Attachments[i].Data = r.Bytes(st.Attachments[i].Data)
		}
	}
}

func redactJSON(v any, r *redact.Redactor) any {
	switch v := v.(type) {
	case string:
		return r.String(v)
	case []any:
		for i := range v {
			v[i] = redactJSON(v[i], r)
		}
		return v
	case map[string]any:
		_, isEmbedding := v["mime_type"]
		for k, e := range v {
			if s, ok := e.(string); ok && isEmbedding && k == "data" {
				if body, err := base64.StdEncoding.DecodeString(s); err == nil {
					v[k] = base64.StdEncoding.EncodeToString(r.Bytes(body))
					continue
				}
			}
			v[k] = redactJSON(e, r)
		}
		return v
	default:
		return v
	}
}
