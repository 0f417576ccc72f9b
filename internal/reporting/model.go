package reporting

import (
	"strconv"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// Outcome is the harness's verdict on one scenario. It differs from godog's
// status where the harness knows more: a known failure, a security finding,
// a run that was interrupted.
type Outcome string

const (
	Passed Outcome = "passed"
	// Failed is a conformance failure; undefined, pending and ambiguous steps
	// and a skip without a reason count as failures too (strict).
	Failed Outcome = "failed"
	// Skipped always carries a reason (Scenario.Reason).
	Skipped Outcome = "skipped"
	// FailedAsExpected is a failure listed in the known-failing file.
	FailedAsExpected Outcome = "failed as expected"
	// KnownFailurePassed is a listed failure that passed: the list is stale,
	// which fails the run so that it gets updated.
	KnownFailurePassed Outcome = "known failure passed"
	// Warning is a scenario that passed but recorded a security finding.
	Warning Outcome = "warning"
	// Deviation is a failed @ref scenario under strictness: documented: the
	// target reads a rule differently from this project (SPEC.md marks the
	// rule [ref]), which Phonon's pages do not forbid. A warning, not a
	// failure.
	Deviation Outcome = "deviation"
	// NotRun is a scenario cut short, or never started, because the run was
	// interrupted or stopped (Meta.Stopped). It is neither a pass nor a skip:
	// nothing judged it.
	NotRun Outcome = "not run"
)

// Class is the outcome's class for colour and CSS: "failed" for every
// outcome that fails the run, else the outcome with dashes for spaces
// ("failed-as-expected", "not-run").
func (o Outcome) Class() string {
	if o.IsFailure() {
		return "failed"
	}
	return strings.ReplaceAll(string(o), " ", "-")
}

// IsFailure reports whether the outcome fails the run.
func (o Outcome) IsFailure() bool { return o == Failed || o == KnownFailurePassed }

// Meta describes the run itself, for the reports' headers.
type Meta struct {
	Target  string
	Profile string // the profile's file, or a description of a built-in one
	// ProfileName is the profile's name: field; it titles the reports.
	ProfileName    string
	HarnessVersion string
	Started        time.Time
	Finished       time.Time
	// Selection, as the user gave it.
	Tags        string
	Name        string
	Seed        int64
	Concurrency int
	Timeout     time.Duration
	Redacted    bool
	// Interrupted is set when the run was stopped (Ctrl-C, SIGTERM) before
	// it finished: the reports hold what had run until then.
	Interrupted bool
	// Strictness is the profile's strictness knob the run was judged under
	// (set by Build from Options).
	Strictness protocol.Strictness
	// Stopped is set when the harness stopped the run itself: the target
	// stopped answering (the probe got no answer, or several exchanges in a
	// row timed out or were reset), misbehaved during the preflight, or the
	// preflight refused the profile's credentials. It says why, in one
	// line; the scenarios it cut short are NotRun with it as their reason.
	Stopped string
	// Notes are one-line remarks shown in the header, e.g. a slow target.
	Notes []string
	// Traffic counts the requests sent and the calls accepted (nil: not
	// counted).
	Traffic *Traffic
	// Diagnosis is one line about the target as a whole, shown beside the
	// counts: e.g. that it is not speaking Kairos at all.
	Diagnosis string
}

// Run is the judged, redacted model every report is rendered from.
type Run struct {
	Meta      Meta
	Scenarios []*Scenario
	// cucumber is godog's cucumber JSON with every string redacted.
	cucumber []byte
}

// Scenario is one executed pickle (one Scenario, or one Examples row).
type Scenario struct {
	Feature string
	URI     string // the feature file, without godog's ":line" suffix
	Name    string
	Line    int
	Tags    []string // with the leading @
	// Status is godog's: passed, failed, skipped, undefined, pending, ambiguous.
	Status  string
	Outcome Outcome
	// Reason explains Skipped and NotRun outcomes, and names the pattern of a
	// known failure.
	Reason   string
	Findings []string // security findings recorded by the steps
	Steps    []*Step
}

// FullName is how known-failing patterns name a scenario: "Feature/Scenario".
func (s *Scenario) FullName() string { return s.Feature + "/" + s.Name }

// Location is "features/x.feature:12".
func (s *Scenario) Location() string { return s.URI + ":" + strconv.Itoa(s.Line) }

// HasTag reports whether the scenario carries tag (with its @).
func (s *Scenario) HasTag(tag string) bool {
	for _, t := range s.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// TagsWithPrefix returns the tags that start with prefix, prefix removed.
func (s *Scenario) TagsWithPrefix(prefix string) []string {
	var out []string
	for _, t := range s.Tags {
		if rest, ok := strings.CutPrefix(t, prefix); ok {
			out = append(out, rest)
		}
	}
	return out
}

// Duration adds up the steps' durations.
func (s *Scenario) Duration() time.Duration {
	var d time.Duration
	for _, st := range s.Steps {
		d += st.Duration
	}
	return d
}

// FailedStep is the first step that did not pass or skip, or nil.
func (s *Scenario) FailedStep() *Step {
	for _, st := range s.Steps {
		switch st.Status {
		case "passed", "skipped":
		default:
			return st
		}
	}
	return nil
}

// Evidence returns the scenario's attachments with one of names, in step
// order: the request, response and payload that explain a failure.
func (s *Scenario) Evidence(names ...string) []Attachment {
	var out []Attachment
	for _, st := range s.Steps {
		for _, a := range st.Attachments {
			for _, n := range names {
				if a.Name == n {
					out = append(out, a)
				}
			}
		}
	}
	return out
}

// AttachmentTexts are the texts of the scenario's attachments called name,
// in step order, trimmed; empty ones are left out.
func (s *Scenario) AttachmentTexts(name string) []string {
	var out []string
	for _, a := range s.Evidence(name) {
		if t := strings.TrimSpace(string(a.Data)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// FirstError is the first error message a step reported, or "".
func (s *Scenario) FirstError() string {
	for _, st := range s.Steps {
		if st.Error != "" {
			return st.Error
		}
	}
	return ""
}

// ID is "features/x.feature:12 name": unique within a run.
func (s *Scenario) ID() string { return s.Location() + " " + s.Name }

// Step is one executed step.
type Step struct {
	Keyword     string
	Text        string
	Line        int
	Status      string
	Error       string
	Duration    time.Duration
	DocString   string
	Rows        [][]string
	Attachments []Attachment
}

// Attachment is what a step attached with godog.Attach.
type Attachment struct {
	Name     string
	MimeType string
	Data     []byte
}

// evidenceNames are the attachments shown with a failure, in this order.
func evidenceNames() []string {
	return []string{evidence.AttachRequest, evidence.AttachPayload, evidence.AttachResponse, evidence.AttachExchanges, evidence.AttachTiming}
}

// Counts are the run's totals by outcome.
type Counts struct {
	Total, Passed, Failed, Skipped, FailedAsExpected, KnownFailurePassed, Warning, Deviation, NotRun int
}

// Failures counts the outcomes that fail the run.
func (c Counts) Failures() int { return c.Failed + c.KnownFailurePassed }

// Counts totals the run's scenarios by outcome.
func (r *Run) Counts() Counts {
	var c Counts
	for _, s := range r.Scenarios {
		c.Add(s.Outcome)
	}
	return c
}

// Add counts one scenario with outcome o (a console keeps a tally with it
// while a run goes on).
func (c *Counts) Add(o Outcome) {
	c.Total++
	switch o {
	case Passed:
		c.Passed++
	case Failed:
		c.Failed++
	case Skipped:
		c.Skipped++
	case FailedAsExpected:
		c.FailedAsExpected++
	case KnownFailurePassed:
		c.KnownFailurePassed++
	case Warning:
		c.Warning++
	case Deviation:
		c.Deviation++
	case NotRun:
		c.NotRun++
	}
}

// Verdict is the run's one-word result: STOPPED (the target stopped
// answering, whatever had failed before), FAILED, INTERRUPTED or EMPTY.
func (r *Run) Verdict() string {
	c := r.Counts()
	switch {
	case r.Meta.Stopped != "":
		return "STOPPED"
	case c.Failures() > 0:
		return "FAILED"
	case r.Meta.Interrupted:
		return "INTERRUPTED"
	case c.Total == 0:
		return "EMPTY"
	default:
		return "PASSED"
	}
}

// Select returns the scenarios with one of the outcomes, in run order.
func (r *Run) Select(outcomes ...Outcome) []*Scenario {
	var out []*Scenario
	for _, s := range r.Scenarios {
		for _, o := range outcomes {
			if s.Outcome == o {
				out = append(out, s)
				break
			}
		}
	}
	return out
}
