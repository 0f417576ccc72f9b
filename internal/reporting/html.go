package reporting

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
)

// The page is self-contained: its CSS is inlined and it loads nothing, so it
// can be mailed, archived as a CI artifact and opened offline.
var (
	//go:embed report.html.tmpl
	reportTemplate string
	//go:embed report.css
	reportCSS string
)

// htmlView is what the template sees; everything in it is already redacted.
type htmlView struct {
	Meta    Meta
	Verdict string
	// Title is the profile's name, else the target: what the run judged.
	Title       string
	ProfileText string
	Counts      Counts
	// Tally is Counts in the words of every report (Counts.Shown).
	Tally []TallyItem
	// Causes group the failures (Failed, KnownFailurePassed) by cause.
	Causes   []*Cause
	Matrix   Matrix
	Failures []*Scenario
	Expected []*Scenario
	Warnings []*Scenario
	// Deviations are failed @ref scenarios under strictness: documented.
	Deviations []*Scenario
	Timing     []timingView
	Skipped    []reasonGroup
	NotRun     []reasonGroup
	Features   []featureGroup
	Bar        []barSegment
	CSS        template.CSS
	Generated  string
}

type reasonGroup struct {
	Reason    string
	Scenarios []*Scenario
}

type featureGroup struct {
	Name      string
	URI       string
	Scenarios []*Scenario
	Counts    map[Outcome]int
}

// barSegment is one outcome's share of the summary bar.
type barSegment struct {
	Class   string
	Label   string
	Count   int
	Percent float64
}

// HTML renders the run as one self-contained page.
func HTML(run *Run) ([]byte, error) {
	tmpl, err := template.New("report").Funcs(template.FuncMap{
		"verdict":     func(st *Step) Verdict { return SplitError(st.Error) },
		"evidence":    evidenceOf,
		"outcomeCSS":  func(o Outcome) string { return strings.ReplaceAll(string(o), " ", "-") },
		"time":        func(t time.Time) string { return formatTime(t) },
		"dur":         func(d time.Duration) string { return formatDuration(d) },
		"elapsed":     func(m Meta) string { return formatDuration(m.Finished.Sub(m.Started)) },
		"cellIcon":    cellIcon,
		"stepIcon":    stepIcon,
		"isEndpoint":  func(tag string) bool { return strings.HasPrefix(tag, "@endpoint-") },
		"isStatusTag": func(tag string) bool { return strings.HasPrefix(tag, "@status-") },
		"breakable":   breakablePath,
	}).Parse(reportTemplate)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, newHTMLView(run)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func newHTMLView(run *Run) htmlView {
	c := run.Counts()
	v := htmlView{
		Meta:        run.Meta,
		Verdict:     run.Verdict(),
		Title:       run.Meta.Target,
		ProfileText: run.Meta.profileText(),
		Counts:      c,
		Tally:       c.Shown(),
		Causes:      run.FailureCauses(),
		Matrix:      BuildMatrix(run),
		Failures:    run.Select(Failed, KnownFailurePassed),
		Expected:    run.Select(FailedAsExpected),
		Warnings:    run.Select(Warning),
		Deviations:  run.Select(Deviation),
		Timing:      timingViews(run),
		Skipped:     groupByReason(run.Select(Skipped)),
		NotRun:      groupByReason(run.Select(NotRun)),
		Features:    groupByFeature(run.Scenarios),
		CSS:         template.CSS(reportCSS),
		Generated:   formatTime(run.Meta.Finished),
	}
	if run.Meta.ProfileName != "" {
		v.Title = run.Meta.ProfileName
	}
	for _, it := range c.Tally() {
		if it.N > 0 {
			v.Bar = append(v.Bar, barSegment{it.Class, it.Label, it.N, 100 * float64(it.N) / float64(c.Total)})
		}
	}
	return v
}

func groupByReason(scenarios []*Scenario) []reasonGroup {
	var groups []reasonGroup
	index := map[string]int{}
	for _, sc := range scenarios {
		i, ok := index[sc.Reason]
		if !ok {
			i = len(groups)
			index[sc.Reason] = i
			groups = append(groups, reasonGroup{Reason: sc.Reason})
		}
		groups[i].Scenarios = append(groups[i].Scenarios, sc)
	}
	sort.SliceStable(groups, func(i, j int) bool { return len(groups[i].Scenarios) > len(groups[j].Scenarios) })
	return groups
}

func groupByFeature(scenarios []*Scenario) []featureGroup {
	var groups []featureGroup
	index := map[string]int{}
	for _, sc := range scenarios {
		key := sc.URI + "\x00" + sc.Feature
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, featureGroup{Name: sc.Feature, URI: sc.URI, Counts: map[Outcome]int{}})
		}
		groups[i].Scenarios = append(groups[i].Scenarios, sc)
		groups[i].Counts[sc.Outcome]++
	}
	return groups
}

// timingView is one timing scenario's per-class medians and verdict.
type timingView struct {
	Scenario *Scenario
	Table    string
}

// timingViews are the scenarios that measured answer times (attachment
// evidence.AttachTiming), in run order.
func timingViews(run *Run) []timingView {
	var out []timingView
	for _, sc := range run.Scenarios {
		if t := attachmentText(sc, evidence.AttachTiming); t != "" {
			out = append(out, timingView{Scenario: sc, Table: t})
		}
	}
	return out
}

// evidenceView is one attachment as shown under a scenario.
type evidenceView struct {
	Name string
	Text string
}

func evidenceOf(sc *Scenario) []evidenceView {
	var out []evidenceView
	for _, a := range sc.Evidence(evidenceNames()...) {
		name := a.Name
		if name == evidence.AttachPayload {
			name = "payload (decrypted)"
		}
		out = append(out, evidenceView{Name: name, Text: PrettyEvidence(a)})
	}
	return out
}

func cellIcon(s CellState) string {
	switch s {
	case CellPassed:
		return "✓"
	case CellFailed:
		return "✗"
	case CellSkipped:
		return "–"
	case CellWarning:
		return "!"
	case CellDeviation:
		return "≠"
	case CellExpected:
		return "✗"
	case CellNotRun:
		return "…"
	default:
		return ""
	}
}

func stepIcon(status string) string {
	switch status {
	case "passed":
		return "✓"
	case "failed":
		return "✗"
	case "skipped":
		return "–"
	default:
		return "?"
	}
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2006-01-02 15:04:05 MST")
}

func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return d.Round(10 * time.Millisecond).String()
	}
}

// breakablePath lets a narrow matrix column wrap an endpoint path after its
// slashes rather than mid-word.
func breakablePath(p string) template.HTML {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		parts[i] = template.HTMLEscapeString(part)
	}
	return template.HTML(strings.Join(parts, "/<wbr>"))
}
