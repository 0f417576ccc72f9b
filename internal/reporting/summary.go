package reporting

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
)

// SummaryFile is the machine-readable summary beside the other reports.
const SummaryFile = "summary.json"

// SummarySchema names the shape of summary.json; it changes only when a
// field is removed or changes meaning (added fields keep it).
const SummarySchema = "kairos-conformance/summary/v1"

// Summary is summary.json: the run's verdict and counts for a CI job or a
// dashboard, in the words of the other reports (Counts.Tally). Everything
// in it is redacted as the other reports are.
type Summary struct {
	Schema         string          `json:"schema"`
	Verdict        string          `json:"verdict"`
	Counts         map[string]int  `json:"counts"`
	Text           string          `json:"text"` // the console's closing line
	Profile        SummaryProfile  `json:"profile"`
	Target         string          `json:"target"`
	HarnessVersion string          `json:"harness_version"`
	Started        *time.Time      `json:"started,omitempty"`
	Finished       *time.Time      `json:"finished,omitempty"`
	DurationSecs   float64         `json:"duration_seconds"`
	Interrupted    bool            `json:"interrupted"`
	Stopped        string          `json:"stopped,omitempty"`   // why the harness stopped the run (Meta.Stopped)
	Diagnosis      string          `json:"diagnosis,omitempty"` // the target as a whole (Meta.Diagnosis)
	Strictness     string          `json:"strictness"`
	Selection      SummarySelect   `json:"selection"`
	Redacted       bool            `json:"redacted"`
	Traffic        *SummaryTraffic `json:"traffic"`
	Causes         []SummaryCause  `json:"failure_causes"`
	Timing         []SummaryTiming `json:"timing"`
	Matrix         []SummaryCell   `json:"matrix"`
	Notes          []string        `json:"notes,omitempty"`
}

// SummaryProfile names the profile the run was aimed with.
type SummaryProfile struct {
	Name string `json:"name"` // the profile's name: field
	File string `json:"file"` // its file, or a description of a built-in one
}

// SummarySelect is what was asked to run.
type SummarySelect struct {
	Tags        string  `json:"tags"`
	Name        string  `json:"name"`
	Seed        int64   `json:"seed"`
	Concurrency int     `json:"concurrency"`
	TimeoutSecs float64 `json:"request_timeout_seconds"`
}

// SummaryTraffic is what the run asked of the target (Traffic). Requests
// counts every request the harness sent under the pacing limit (the probe
// and the preflight included); AcceptedCalls the calls the target accepted
// (an answer with a phonon-uuid): on a real server each rang a test phone;
// UncertainCalls were in requests whose answer did not say what became of
// them (callbudget: none could be read, or a success left them out). A limit
// or budget of 0 is none.
type SummaryTraffic struct {
	Requests          int64   `json:"requests"`
	RequestsPerMinute float64 `json:"requests_per_minute"`
	RequestLimit      int     `json:"request_limit_per_minute"`
	AcceptedCalls     int     `json:"accepted_calls"`
	UncertainCalls    int     `json:"uncertain_calls"`
	CallBudget        int     `json:"call_budget"`
}

// SummaryCause is one distinct cause of failure (see Cause).
type SummaryCause struct {
	Count       int      `json:"count"`
	Requirement string   `json:"requirement"`
	Expected    string   `json:"expected,omitempty"`
	Actual      string   `json:"actual,omitempty"`
	Codes       []string `json:"codes"`
	Endpoints   []string `json:"endpoints"`
	Scenarios   []string `json:"scenarios"` // "features/x.feature:12"
}

// SummaryTiming is one scenario that measured answer times (the timing
// uniformity checks): its outcome, each class's median, and the text the
// HTML report shows.
type SummaryTiming struct {
	Scenario string             `json:"scenario"` // "features/timing.feature:12"
	Name     string             `json:"name"`
	Outcome  string             `json:"outcome"`
	Medians  map[string]float64 `json:"medians_ms"` // by class, e.g. "fails at the RSA padding"
	Text     string             `json:"text"`
}

// SummaryCell is one covered cell of the status-code × endpoint matrix.
type SummaryCell struct {
	Code     int            `json:"code"`
	CodeName string         `json:"code_name"`
	Endpoint string         `json:"endpoint"`
	State    string         `json:"state"`
	Counts   map[string]int `json:"counts"`
}

// NewSummary builds the run's summary.
func NewSummary(run *Run) Summary {
	m := run.Meta
	c := run.Counts()
	s := Summary{
		Schema: SummarySchema, Verdict: run.Verdict(), Counts: map[string]int{"total": c.Total},
		Text:           run.VerdictLine(),
		Profile:        SummaryProfile{Name: m.ProfileName, File: m.Profile},
		Target:         m.Target,
		HarnessVersion: m.HarnessVersion,
		Interrupted:    m.Interrupted,
		Stopped:        m.Stopped,
		Diagnosis:      m.Diagnosis,
		Strictness:     string(m.Strictness),
		Selection:      SummarySelect{Tags: m.Tags, Name: m.Name, Seed: m.Seed, Concurrency: m.Concurrency, TimeoutSecs: m.Timeout.Seconds()},
		Redacted:       m.Redacted,
		Traffic:        summaryTraffic(m),
		Causes:         []SummaryCause{},
		Timing:         summaryTiming(run),
		Matrix:         []SummaryCell{},
		Notes:          m.Notes,
	}
	for _, it := range c.Tally() {
		s.Counts[it.Key] = it.N
	}
	s.Counts["known_failures_passed"] = c.KnownFailurePassed
	if !m.Started.IsZero() {
		started := m.Started.UTC()
		s.Started = &started
	}
	if !m.Finished.IsZero() {
		finished := m.Finished.UTC()
		s.Finished = &finished
	}
	s.DurationSecs = m.elapsed().Seconds()
	for _, cause := range run.FailureCauses() {
		sc := SummaryCause{
			Count: cause.Count(), Requirement: cause.Requirement, Expected: cause.Expected, Actual: cause.Actual,
			Codes: nonNil(cause.Codes), Endpoints: nonNil(cause.Endpoints),
		}
		for _, x := range cause.Scenarios {
			sc.Scenarios = append(sc.Scenarios, x.Location())
		}
		s.Causes = append(s.Causes, sc)
	}
	matrix := BuildMatrix(run)
	for _, row := range matrix.Rows {
		for i, cell := range row.Cells {
			if cell.State == CellNone {
				continue
			}
			counts := map[string]int{}
			for state, n := range cell.Count {
				counts[string(state)] = n
			}
			s.Matrix = append(s.Matrix, SummaryCell{
				Code: int(row.Code), CodeName: row.Code.Name(), Endpoint: strings.TrimPrefix(matrix.Endpoints[i].Tag, "endpoint-"),
				State: string(cell.State), Counts: counts,
			})
		}
	}
	return s
}

// medianLine is a line of a timing table: "fails at the AES padding
// median  10.01ms  (30 answers)" (package timing's Table).
var medianLine = regexp.MustCompile(`(?m)^(.*?)\s+median\s+([0-9.]+)(ns|µs|us|ms|s)\s+\(\d+ answers\)`)

func summaryTiming(run *Run) []SummaryTiming {
	out := []SummaryTiming{}
	for _, v := range timingViews(run) {
		st := SummaryTiming{Scenario: v.Scenario.Location(), Name: v.Scenario.Name, Outcome: string(v.Scenario.Outcome),
			Medians: map[string]float64{}, Text: v.Table}
		for _, m := range medianLine.FindAllStringSubmatch(v.Table, -1) {
			if d, err := time.ParseDuration(m[2] + m[3]); err == nil {
				st.Medians[strings.TrimSpace(m[1])] = float64(d) / float64(time.Millisecond)
			}
		}
		out = append(out, st)
	}
	return out
}

// SummaryJSON renders summary.json.
func SummaryJSON(run *Run) ([]byte, error) {
	out, err := json.MarshalIndent(NewSummary(run), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// summaryTraffic is the one place the run's traffic (Meta.Traffic: the
// pacing limiter's requests and the call budget's accepted calls) enters
// summary.json; null when the run did not count it.
func summaryTraffic(m Meta) *SummaryTraffic {
	t := m.Traffic
	if t == nil {
		return nil
	}
	st := &SummaryTraffic{
		Requests: t.Requests, RequestLimit: t.RequestLimit,
		AcceptedCalls: t.AcceptedCalls, UncertainCalls: t.UncertainCalls, CallBudget: t.CallBudget,
	}
	if d := m.elapsed(); d > 0 {
		st.RequestsPerMinute = float64(t.Requests) / d.Minutes()
	}
	return st
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
