package certify

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/atomicfile"
	"github.com/kairos-conformance/kairos-conformance/internal/spec"
)

// The report files, in the reports directory.
const (
	JSONReportFile = "certification.json"
	HTMLReportFile = "certification.html"
)

// Verdicts of a scenario.
const (
	VerdictPassed = "passed"
	VerdictFailed = "failed"
	// VerdictSkipped is a scenario of an optional feature the vendor did
	// not declare (an RSA padding): neither passed nor failed.
	VerdictSkipped = "skipped"
)

// ScenarioResult is one scenario's verdict.
type ScenarioResult struct {
	Feature    string   `json:"feature"`
	Name       string   `json:"name"`
	Tags       []string `json:"tags,omitempty"`
	Verdict    string   `json:"verdict"`
	FailedStep string   `json:"failed-step,omitempty"`
	// Diagnosis is the failing step's error: the rule, what it requires,
	// what the client did.
	Diagnosis string `json:"diagnosis,omitempty"`
	// Group is the diagnosis without what varies per request and per run
	// (GroupText): the failures the report lists together.
	Group    string   `json:"group,omitempty"`
	Mistakes []string `json:"mistakes,omitempty"`
	// SkipReason says why a skipped scenario did not run.
	SkipReason string `json:"skip-reason,omitempty"`
	// Runs has one line per run of the client command.
	Runs    []string `json:"client-runs,omitempty"`
	Seconds float64  `json:"seconds"`
}

// Report is the certification report.
type Report struct {
	Kind           string `json:"report"`
	Vendor         string `json:"vendor"`
	ClientVersion  string `json:"client-version"`
	ClientCommand  string `json:"client-command"`
	HarnessVersion string `json:"harness-version"`
	// SpecDigest is "sha256:..." of SPEC.md, the spec the client was
	// judged against.
	SpecDigest string    `json:"spec-digest"`
	Date       time.Time `json:"date"`
	Seconds    float64   `json:"duration-seconds"`
	Certified  bool      `json:"certified"`
	Verdict    string    `json:"verdict"`
	Redacted   bool      `json:"redacted"`
	Scenarios  int       `json:"scenarios"`
	Passed     int       `json:"passed"`
	Failed     int       `json:"failed"`
	Skipped    int       `json:"skipped"`
	// RSAPaddings are the paddings certified: the spec's, and the optional
	// ones the vendor declared.
	RSAPaddings []string `json:"rsa-paddings,omitempty"`
	// Problem says why the run itself did not complete (interrupted, an
	// infrastructure error): no certification without a whole run.
	Problem string            `json:"problem,omitempty"`
	Results []*ScenarioResult `json:"results"`
}

// Meta describes a certification run for its report.
type Meta struct {
	Vendor, ClientVersion, ClientCommand, HarnessVersion string
	Started, Finished                                    time.Time
	Problem                                              string
	RSAPaddings                                          []string
}

// NewReport judges the run: certified when every scenario passed, there
// was at least one, and nothing stopped the run.
func NewReport(meta Meta, results []*ScenarioResult) *Report {
	r := &Report{
		Kind: "kairos-client-certification", Vendor: meta.Vendor, ClientVersion: meta.ClientVersion,
		ClientCommand: meta.ClientCommand, HarnessVersion: meta.HarnessVersion, SpecDigest: spec.Digest(),
		Date: meta.Started.UTC().Truncate(time.Second), Seconds: Seconds(meta.Finished.Sub(meta.Started)),
		Problem: meta.Problem, Results: results, Scenarios: len(results), RSAPaddings: meta.RSAPaddings,
	}
	for _, res := range results {
		switch res.Verdict {
		case VerdictPassed:
			r.Passed++
		case VerdictSkipped:
			r.Skipped++
		default:
			r.Failed++
		}
	}
	if r.Passed+r.Failed == 0 && r.Problem == "" {
		r.Problem = "no scenario ran"
	}
	r.Certified = r.Failed == 0 && r.Problem == ""
	r.Verdict = "not certified"
	if r.Certified {
		r.Verdict = "certified"
	}
	return r
}

// Redactor masks secrets in text (redact.Redactor satisfies it).
type Redactor interface {
	String(string) string
}

// Redact returns a copy of the report with every free text passed through
// red, and Redacted set. Verdicts, tags and mistake names are not free text.
func (r *Report) Redact(red Redactor, enabled bool) *Report {
	out := *r
	out.Redacted = enabled
	if !enabled {
		return &out
	}
	for _, p := range []*string{&out.Vendor, &out.ClientVersion, &out.ClientCommand, &out.Problem} {
		*p = red.String(*p)
	}
	out.Results = make([]*ScenarioResult, len(r.Results))
	for i, res := range r.Results {
		c := *res
		c.Name, c.FailedStep, c.Diagnosis, c.Group = red.String(c.Name), red.String(c.FailedStep), red.String(c.Diagnosis), red.String(c.Group)
		c.Runs = make([]string, len(res.Runs))
		for j, line := range res.Runs {
			c.Runs[j] = red.String(line)
		}
		out.Results[i] = &c
	}
	return &out
}

// Seconds is d in seconds, to the millisecond.
func Seconds(d time.Duration) float64 { return math.Round(d.Seconds()*1000) / 1000 }

// JSON renders the report as indented JSON.
func (r *Report) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("certification").Funcs(template.FuncMap{
	"date":    func(t time.Time) string { return t.Format("2006-01-02 15:04:05 MST") },
	"seconds": func(s float64) string { return fmt.Sprintf("%.1fs", s) },
	"passed":  func(v string) bool { return v == VerdictPassed },
	"skipped": func(v string) bool { return v == VerdictSkipped },
	"features": func(results []*ScenarioResult) []featureGroup {
		var groups []featureGroup
		for _, res := range results {
			if n := len(groups); n == 0 || groups[n-1].Name != res.Feature {
				groups = append(groups, featureGroup{Name: res.Feature})
			}
			g := &groups[len(groups)-1]
			g.Results = append(g.Results, res)
			if res.Verdict == VerdictFailed {
				g.Failed++
			}
		}
		return groups
	},
	"join": strings.Join,
}).Parse(htmlSource))

// FailureGroup is the scenarios that failed with one diagnosis.
type FailureGroup struct {
	// Diagnosis is the diagnosis without what varies per request and per
	// run (placeholders such as <uuid> mark it).
	Diagnosis string
	// Example is the first scenario's diagnosis in full.
	Example   string
	Scenarios []string // "Feature / Scenario"
}

// FailureGroups groups the failed scenarios by diagnosis, the largest group
// first: a broken client usually fails most scenarios the same way.
func (r *Report) FailureGroups() []FailureGroup {
	var groups []FailureGroup
	index := map[string]int{}
	for _, res := range r.Results {
		if res.Verdict != VerdictFailed {
			continue
		}
		key := res.Group
		if key == "" {
			key = NormaliseDiagnosis(res.Diagnosis)
		}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, FailureGroup{Diagnosis: key, Example: res.Diagnosis})
		}
		groups[i].Scenarios = append(groups[i].Scenarios, res.Feature+" / "+res.Name)
	}
	sort.SliceStable(groups, func(i, j int) bool { return len(groups[i].Scenarios) > len(groups[j].Scenarios) })
	return groups
}

type featureGroup struct {
	Name    string
	Failed  int
	Results []*ScenarioResult
}

// HTML renders the report as one self-contained page.
func (r *Report) HTML() ([]byte, error) {
	var b strings.Builder
	if err := htmlTemplate.Execute(&b, r); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// WriteFiles renders the (already redacted) report and writes
// certification.json and certification.html into dir, each atomically. It
// returns the paths written.
func (r *Report) WriteFiles(dir string) ([]string, error) {
	jsonData, err := r.JSON()
	if err != nil {
		return nil, err
	}
	htmlData, err := r.HTML()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("reports directory: %w", err)
	}
	var paths []string
	for _, f := range []struct {
		name string
		data []byte
	}{{JSONReportFile, jsonData}, {HTMLReportFile, htmlData}} {
		path := filepath.Join(dir, f.name)
		if err := atomicfile.Write(filepath.Dir(path), filepath.Base(path), f.data); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
