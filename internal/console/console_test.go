package console

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestTerminalIsDecidedByTheWriter(t *testing.T) {
	var buf bytes.Buffer
	if Terminal(&buf) {
		t.Error("a buffer is a terminal")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if Terminal(w) || ColorWanted(w, env(nil)) {
		t.Error("a pipe is a terminal")
	}
	f, err := os.Create(t.TempDir() + "/log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if Terminal(f) {
		t.Error("a file is a terminal")
	}
	if !ColorWanted(f, env(map[string]string{"FORCE_COLOR": "1"})) || ColorWanted(f, env(map[string]string{"FORCE_COLOR": "1", "NO_COLOR": "1"})) {
		t.Error("FORCE_COLOR colours a file unless NO_COLOR is set")
	}
}

func TestPainter(t *testing.T) {
	if got := Painter(false)("failed", "x"); got != "x" {
		t.Errorf("no colour: %q", got)
	}
	if got := Painter(true)("failed", "x"); got != "\x1b[31mx\x1b[0m" {
		t.Errorf("colour: %q", got)
	}
	var buf bytes.Buffer
	if Width(&buf, env(map[string]string{"COLUMNS": "132"})) != 132 || Width(&buf, env(nil)) != 80 || Width(&buf, env(map[string]string{"COLUMNS": "x"})) != 80 {
		t.Error("Width does not read COLUMNS")
	}
}

// clock is a fake clock a test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func scenario(line int, outcome reporting.Outcome, reason string) *reporting.Scenario {
	return &reporting.Scenario{URI: "features/x.feature", Line: line, Name: "scenario " + string(rune('a'+line)), Outcome: outcome, Reason: reason}
}

func TestPlainLinesOnePerScenario(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	var out bytes.Buffer
	p := Start(&out, Options{Total: 4, Now: c.now})
	c.t = c.t.Add(10 * time.Second)
	p.Scenario(scenario(1, reporting.Passed, ""))
	c.t = c.t.Add(10 * time.Second)
	p.Scenario(scenario(2, reporting.Skipped, `profile maps no flow to role "no-did-dialer"`))
	c.t = c.t.Add(10 * time.Second)
	p.Scenario(scenario(3, reporting.NotRun, "the run was interrupted"))
	p.Stop()
	p.Stop()                                      // twice is fine
	p.Scenario(scenario(4, reporting.Passed, "")) // after Stop: ignored
	want := "1/4  0:10 ~0:30 left  passed     features/x.feature:1  scenario b\n" +
		"2/4  0:20 ~0:20 left  skipped    features/x.feature:2  scenario c — profile maps no flow to role \"no-did-dialer\"\n" +
		"3/4  0:30 ~0:10 left  not run    features/x.feature:3  scenario d — the run was interrupted\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if strings.ContainsAny(out.String(), "\r\x1b") {
		t.Error("plain lines carry terminal controls")
	}
}

func TestLiveBarKeepsNotableLines(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	var out bytes.Buffer
	p := Start(&out, Options{Total: 3, Live: true, Now: c.now, Tick: -1, Width: 100})
	c.t = c.t.Add(2 * time.Second)
	p.Scenario(scenario(1, reporting.Passed, ""))
	failed := scenario(2, reporting.Failed, "")
	failed.Steps = []*reporting.Step{{Keyword: "Then", Text: "the code is 401", Status: "failed",
		Error: "SPEC.md 5.3\nExpected: api-response-code 401\nActual:   api-response-code 200"}}
	p.Scenario(failed)
	p.Stop()
	s := out.String()
	// The reason is cut to the terminal's width: the line stays one line.
	want := "\r\x1b[K2/3  0:02 ~0:01 left  failed     features/x.feature:2  scenario c — got api-response-code 200, exp…\n"
	if !strings.Contains(s, want) || len([]rune(strings.Trim(want, "\r\x1b[K\n"))) != 99 {
		t.Errorf("the failure is not a line of its own, cut to the width:\n%q", s)
	}
	if strings.Contains(s, "scenario b") {
		t.Errorf("a pass got a line of its own on a terminal:\n%q", s)
	}
	if !strings.Contains(s, "1/3  0:02 elapsed  ~0:04 left") || !strings.Contains(s, "1 failed") {
		t.Errorf("the bar lacks the counter, clock or counts:\n%q", s)
	}
	if !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("Stop does not clear the bar:\n%q", s)
	}
	for _, line := range strings.Split(s, "\r") {
		line = strings.TrimSuffix(strings.TrimPrefix(line, "\x1b[K"), "\x1b[K")
		if i := strings.IndexByte(line, '\n'); i < 0 && len([]rune(line)) > 99 {
			t.Errorf("the bar is wider than the terminal: %q", line)
		}
	}
}

func TestHeaderComesFirstAndNamesTheTarget(t *testing.T) {
	var out bytes.Buffer
	WriteHeader(&out, reporting.Meta{
		Target: "https://staging.example", Profile: "staging.yaml", ProfileName: "phonon-staging",
		HarnessVersion: "v1.2.3", Concurrency: 4, Timeout: 10 * time.Second, Tags: "@status-401", Redacted: true,
	}, 12, "reports", nil)
	want := "kairos-conformance v1.2.3\n  target   https://staging.example\n  profile  phonon-staging  (staging.yaml)\n" +
		"  run      12 scenarios · tags @status-401 · concurrency 4 · request timeout 10s\n  reports  reports\n\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
