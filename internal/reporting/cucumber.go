package reporting

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// The subset of godog v0.16's cucumber JSON (internal/formatters/fmt_cucumber.go)
// that the reports need: the harness's one model of it. ParseCucumber reads
// it; package suite writes it for one scenario at a time (Config.OnScenario),
// as godog's own formatter would. Unknown fields are ignored here;
// cucumber.json keeps them because it is redacted and cleaned generically
// (finishCucumber), not re-marshalled from these types.
type CucumberFeature struct {
	URI      string            `json:"uri"`
	Name     string            `json:"name"`
	Elements []CucumberElement `json:"elements"`
}

// CucumberElement is a scenario (or an Examples row).
type CucumberElement struct {
	Name  string         `json:"name"`
	Line  int            `json:"line"`
	Type  string         `json:"type"`
	Tags  []CucumberTag  `json:"tags"`
	Steps []CucumberStep `json:"steps"`
}

// CucumberTag is one tag, with its @.
type CucumberTag struct {
	Name string `json:"name"`
}

// CucumberStep is one step, its argument, result and attachments.
type CucumberStep struct {
	Keyword    string              `json:"keyword"`
	Name       string              `json:"name"`
	Line       int                 `json:"line"`
	DocString  *CucumberDocString  `json:"doc_string,omitempty"`
	Rows       []CucumberRow       `json:"rows,omitempty"`
	Result     CucumberResult      `json:"result"`
	Embeddings []CucumberEmbedding `json:"embeddings,omitempty"`
}

// CucumberDocString is a step's doc string argument.
type CucumberDocString struct {
	Value string `json:"value"`
}

// CucumberRow is one row of a step's data table.
type CucumberRow struct {
	Cells []string `json:"cells"`
}

// CucumberResult is how a step ended; Duration (nanoseconds) is nil when
// godog did not say.
type CucumberResult struct {
	Status   string `json:"status"`
	Error    string `json:"error_message,omitempty"`
	Duration *int64 `json:"duration"`
}

// CucumberEmbedding is one attachment.
type CucumberEmbedding struct {
	Name     string `json:"name"`
	MimeType string `json:"mime_type"`
	Data     string `json:"data"` // base64
}

// godog appends ":LINE" to a feature's uri when it was selected by line.
var uriLineSuffix = regexp.MustCompile(`:\d+$`)

// ParseCucumber reads godog's cucumber JSON into scenarios with godog's
// status; outcomes are judged later (Build). It is the harness's one reader
// of that JSON, and a strict one: a step status it does not know makes the
// scenario failed, never passed. Empty input is an empty run: an
// interrupted run may have produced nothing.
func ParseCucumber(data []byte) ([]*Scenario, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	var features []CucumberFeature
	if err := json.Unmarshal(data, &features); err != nil {
		return nil, fmt.Errorf("reading cucumber JSON: %w", err)
	}
	var out []*Scenario
	for _, f := range features {
		for _, e := range f.Elements {
			if e.Type != "" && e.Type != "scenario" {
				continue // a background is folded into its scenarios by godog
			}
			sc, err := scenarioFrom(f, e)
			if err != nil {
				return nil, err
			}
			out = append(out, sc)
		}
	}
	return out, nil
}

func scenarioFrom(f CucumberFeature, e CucumberElement) (*Scenario, error) {
	sc := &Scenario{
		Feature: f.Name,
		URI:     uriLineSuffix.ReplaceAllString(f.URI, ""),
		Name:    e.Name,
		Line:    e.Line,
	}
	seen := map[string]bool{}
	for _, t := range e.Tags {
		if !seen[t.Name] { // godog repeats feature tags on each element
			seen[t.Name] = true
			sc.Tags = append(sc.Tags, t.Name)
		}
	}
	for _, cs := range e.Steps {
		st := &Step{
			Keyword: strings.TrimSpace(cs.Keyword),
			Text:    cs.Name,
			Line:    cs.Line,
			Status:  cs.Result.Status,
			Error:   cs.Result.Error,
		}
		if cs.Result.Duration != nil {
			st.Duration = time.Duration(*cs.Result.Duration)
		}
		if cs.DocString != nil {
			st.DocString = cs.DocString.Value
		}
		for _, r := range cs.Rows {
			st.Rows = append(st.Rows, r.Cells)
		}
		for _, em := range cs.Embeddings {
			body, err := base64.StdEncoding.DecodeString(em.Data)
			if err != nil {
				return nil, fmt.Errorf("reading cucumber JSON: %s:%d: attachment %q is not base64: %w", sc.URI, sc.Line, em.Name, err)
			}
			st.Attachments = append(st.Attachments, Attachment{Name: em.Name, MimeType: em.MimeType, Data: body})
		}
		sc.Steps = append(sc.Steps, st)
	}
	sc.Status = scenarioStatus(sc.Steps)
	return sc, nil
}

// scenarioStatus folds step statuses into godog's scenario status: a
// failure wins over everything (the steps after it are "skipped"), then the
// strict-mode failures, then a skip.
func scenarioStatus(steps []*Step) string {
	if len(steps) == 0 {
		return "undefined" // godog: "no steps in scenario"
	}
	rank := map[string]int{"failed": 5, "ambiguous": 4, "undefined": 3, "pending": 2, "skipped": 1, "passed": 0}
	status := "passed"
	for _, st := range steps {
		r, known := rank[st.Status]
		if !known {
			return "failed" // a status this code does not know is not a pass
		}
		if r > rank[status] {
			status = st.Status
		}
	}
	return status
}
