package suite

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

// scenarioFormat is the godog formatter that reports each scenario as it
// finishes: one line of Cucumber JSON (a feature holding that scenario
// alone) per scenario, written to godog's output, where Run's scenarioSink
// hands it to Config.OnScenario. It prints no summary: the runner's
// console builds its own from the scenarios, so that its counts are the
// reports' (godog's summary counts a skipped scenario as passed).
//
// godog's formatter registry is global and its constructor gets only an
// io.Writer, so the scenarios travel through that writer rather than
// through per-run state reached from here.
const scenarioFormat = "kairos-scenarios"

func init() {
	godog.Format(scenarioFormat, "one line of Cucumber JSON per finished scenario (kairos-conformance's console)", newScenarioFormatter)
}

// scenarioFormatter counts the results of each pickle's steps: godog
// reports every step exactly once (passed, failed, skipped, undefined,
// pending or ambiguous), so the last one finishes the scenario.
type scenarioFormatter struct {
	*godog.BaseFmt
	out  io.Writer
	mu   sync.Mutex
	done map[string]int // pickle id -> steps reported
}

func newScenarioFormatter(suite string, out io.Writer) formatters.Formatter {
	return &scenarioFormatter{BaseFmt: godog.NewBaseFmt(suite, out), out: out, done: map[string]int{}}
}

func (f *scenarioFormatter) Pickle(p *messages.Pickle) {
	if len(p.Steps) == 0 { // godog: "no steps in scenario", undefined
		f.finish(p)
	}
}

func (f *scenarioFormatter) Passed(p *messages.Pickle, _ *messages.PickleStep, _ *formatters.StepDefinition) {
	f.step(p)
}

func (f *scenarioFormatter) Failed(p *messages.Pickle, _ *messages.PickleStep, _ *formatters.StepDefinition, _ error) {
	f.step(p)
}

func (f *scenarioFormatter) Skipped(p *messages.Pickle, _ *messages.PickleStep, _ *formatters.StepDefinition) {
	f.step(p)
}

func (f *scenarioFormatter) Undefined(p *messages.Pickle, _ *messages.PickleStep, _ *formatters.StepDefinition) {
	f.step(p)
}

func (f *scenarioFormatter) Pending(p *messages.Pickle, _ *messages.PickleStep, _ *formatters.StepDefinition) {
	f.step(p)
}

func (f *scenarioFormatter) Ambiguous(p *messages.Pickle, _ *messages.PickleStep, _ *formatters.StepDefinition, _ error) {
	f.step(p)
}

// Summary prints nothing (see scenarioFormat).
func (f *scenarioFormatter) Summary() {}

func (f *scenarioFormatter) step(p *messages.Pickle) {
	f.mu.Lock()
	f.done[p.Id]++
	last := f.done[p.Id] == len(p.Steps)
	if last {
		delete(f.done, p.Id)
	}
	f.mu.Unlock()
	if last {
		f.finish(p)
	}
}

// finish writes the scenario's line. Writes are serialised, so a sink
// never sees two scenarios at once.
func (f *scenarioFormatter) finish(p *messages.Pickle) {
	doc, err := json.Marshal([]reporting.CucumberFeature{f.feature(p)})
	if err != nil { // only plain strings and numbers: cannot happen
		doc = []byte("[]")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.out.Write(append(doc, '\n'))
}

// feature builds the scenario's Cucumber JSON (reporting's model of it)
// from godog's storage, as godog's own cucumber formatter does.
func (f *scenarioFormatter) feature(p *messages.Pickle) reporting.CucumberFeature {
	feat := f.Storage.MustGetFeature(p.Uri)
	ev := reporting.CucumberFeature{URI: p.Uri}
	el := reporting.CucumberElement{Name: p.Name, Type: "scenario"}
	if feat != nil && feat.GherkinDocument != nil && feat.GherkinDocument.Feature != nil {
		ev.Name = feat.GherkinDocument.Feature.Name
		if sc := feat.FindScenario(p.AstNodeIds[0]); sc != nil {
			el.Line = int(sc.Location.Line)
		}
		if len(p.AstNodeIds) > 1 { // an Examples row: its own line
			if _, row := feat.FindExample(p.AstNodeIds[1]); row != nil {
				el.Line = int(row.Location.Line)
			}
		}
	}
	for _, t := range p.Tags {
		el.Tags = append(el.Tags, reporting.CucumberTag{Name: t.Name})
	}
	prev := f.Storage.MustGetPickleResult(p.Id).StartedAt
	for _, ps := range p.Steps {
		res := f.Storage.MustGetPickleStepResult(ps.Id)
		var took int64 // nanoseconds; 0 when godog did not time the step
		st := reporting.CucumberStep{Name: ps.Text, Result: reporting.CucumberResult{Status: res.Status.String(), Duration: &took}}
		if feat != nil && len(ps.AstNodeIds) > 0 {
			if s := feat.FindStep(ps.AstNodeIds[0]); s != nil {
				st.Keyword, st.Line = strings.TrimSpace(s.Keyword), int(s.Location.Line)
			}
		}
		if res.Err != nil {
			st.Result.Error = res.Err.Error()
		}
		if !res.FinishedAt.IsZero() && !prev.IsZero() {
			took = int64(res.FinishedAt.Sub(prev) / time.Nanosecond)
			prev = res.FinishedAt
		}
		if arg := ps.Argument; arg != nil {
			if arg.DocString != nil {
				st.DocString = &reporting.CucumberDocString{Value: arg.DocString.Content}
			}
			if arg.DataTable != nil {
				for _, row := range arg.DataTable.Rows {
					var cells []string
					for _, c := range row.Cells {
						cells = append(cells, c.Value)
					}
					st.Rows = append(st.Rows, reporting.CucumberRow{Cells: cells})
				}
			}
		}
		for _, a := range res.Attachments {
			st.Embeddings = append(st.Embeddings, reporting.CucumberEmbedding{Name: a.Name, MimeType: a.MimeType, Data: base64.StdEncoding.EncodeToString(a.Data)})
		}
		el.Steps = append(el.Steps, st)
	}
	ev.Elements = []reporting.CucumberElement{el}
	return ev
}

// scenarioSink is godog's output when Config.OnScenario is set: it splits
// what the scenario formatter writes into lines and hands each on. Anything
// else godog writes there (nothing, with only that formatter) is dropped.
type scenarioSink struct {
	onScenario func(cucumberJSON []byte)
	buf        []byte
}

func (s *scenarioSink) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := s.buf[:i]
		if bytes.HasPrefix(line, []byte("[")) {
			s.onScenario(append([]byte(nil), line...))
		}
		s.buf = s.buf[i+1:]
	}
}
