package reporting

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleMeta() Meta {
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	return Meta{Target: "http://127.0.0.1:9", Profile: "fixtures/profiles/staging.yaml", HarnessVersion: "test",
		Started: start, Finished: start.Add(3 * time.Second), Concurrency: 4, Timeout: 10 * time.Second}
}

func buildSample(t *testing.T, opts Options) *Run {
	t.Helper()
	run, err := Build(sampleMeta(), sampleCucumber(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func scenarioNamed(t *testing.T, run *Run, name string, line int) *Scenario {
	t.Helper()
	for _, sc := range run.Scenarios {
		if sc.Name == name && (line == 0 || sc.Line == line) {
			return sc
		}
	}
	t.Fatalf("no scenario %q (line %d)", name, line)
	return nil
}

func TestBuildJudgesEveryConvention(t *testing.T) {
	run := buildSample(t, Options{})
	tests := []struct {
		name    string
		line    int
		outcome Outcome
		reason  string
	}{
		{"a healthy flow accepts a call", 0, Passed, ""},
		{"a wrong security id is refused", 0, Failed, ""},
		{"a flow without a DID", 0, Skipped, `maps no flow to role "no-did-dialer"`},
		{"a tampered envelope is refused", 0, Warning, ""},
		{"invalid contact numbers are refused", 33, Passed, ""},
		{"invalid contact numbers are refused", 34, Failed, ""},
		{"a silent skip", 0, Failed, "skipped without a reason"},
		{"an undefined step", 0, Failed, "a step is undefined"},
	}
	for _, tt := range tests {
		sc := scenarioNamed(t, run, tt.name, tt.line)
		if sc.Outcome != tt.outcome {
			t.Errorf("%s (line %d): outcome %q, want %q (godog status %q)", tt.name, sc.Line, sc.Outcome, tt.outcome, sc.Status)
		}
		if !strings.Contains(sc.Reason, tt.reason) {
			t.Errorf("%s: reason %q, want it to contain %q", tt.name, sc.Reason, tt.reason)
		}
	}
	if got := len(run.Scenarios); got != len(tests) {
		t.Errorf("%d scenarios, want %d", got, len(tests))
	}
	c := run.Counts()
	if c.Failures() != 4 || c.Passed != 2 || c.Skipped != 1 || c.Warning != 1 || run.Verdict() != "FAILED" {
		t.Errorf("counts %+v, verdict %s", c, run.Verdict())
	}
	if f := scenarioNamed(t, run, "a tampered envelope is refused", 0).Findings; len(f) != 1 || !strings.Contains(f[0], "timing oracle") {
		t.Errorf("findings %q", f)
	}
}

func TestBuildKnownFailing(t *testing.T) {
	known, err := ParseKnownFailing("known.txt", []byte(`
# failures the staging server is known for
Status codes on the encrypted multicast endpoint/a wrong security id*   # ticket KAI-1
*/a healthy flow accepts a call
`))
	if err != nil {
		t.Fatal(err)
	}
	run := buildSample(t, Options{KnownFailing: known})
	if sc := scenarioNamed(t, run, "a wrong security id is refused", 0); sc.Outcome != FailedAsExpected || sc.Outcome.IsFailure() {
		t.Errorf("listed failure: %q", sc.Outcome)
	}
	sc := scenarioNamed(t, run, "a healthy flow accepts a call", 0)
	if sc.Outcome != KnownFailurePassed || !sc.Outcome.IsFailure() || !strings.Contains(sc.Reason, "remove it") {
		t.Errorf("listed pass: %q %q", sc.Outcome, sc.Reason)
	}
	var names []string
	for _, sc := range run.Scenarios {
		names = append(names, sc.FullName())
	}
	if err := known.CheckAllMatch(names); err != nil {
		t.Errorf("both patterns match: %v", err)
	}
	stale, _ := ParseKnownFailing("known.txt", []byte("one/two\n\n*/no such scenario\n"))
	err = stale.CheckAllMatch(names)
	if err == nil || !strings.Contains(err.Error(), `known.txt:1: pattern "one/two"`) || !strings.Contains(err.Error(), "known.txt:3:") {
		t.Errorf("unmatched patterns: %v", err)
	}
}

func TestBuildInterruptedRunMarksCutShortScenariosNotRun(t *testing.T) {
	data := []byte(`[{"uri":"features/a.feature","name":"A","elements":[
	 {"name":"in flight","line":3,"type":"scenario","steps":[{"keyword":"When ","name":"x","line":4,"result":{"status":"failed","error_message":"Post \"http://t/\": context canceled"}}]},
	 {"name":"after","line":6,"type":"scenario","steps":[{"keyword":"When ","name":"x","line":7,"result":{"status":"skipped"}}]},
	 {"name":"real failure","line":9,"type":"scenario","steps":[{"keyword":"When ","name":"x","line":10,"result":{"status":"failed","error_message":"Expected: 200\nActual: 500"}}]}]}]`)
	meta := sampleMeta()
	meta.Interrupted = true
	run, err := Build(meta, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := []Outcome{run.Scenarios[0].Outcome, run.Scenarios[1].Outcome, run.Scenarios[2].Outcome}
	if got[0] != NotRun || got[1] != NotRun || got[2] != Failed {
		t.Errorf("outcomes %v, want not run, not run, failed", got)
	}
	empty, err := Build(meta, nil, Options{})
	if err != nil || len(empty.Scenarios) != 0 || empty.Verdict() != "INTERRUPTED" || string(CucumberJSON(empty)) != "[]\n" {
		t.Errorf("empty interrupted run: %v %v", err, empty)
	}
}

func TestSplitError(t *testing.T) {
	v := SplitError("spec 5 rule 8: wrong security id\nExpected: api-response-code 202\nActual:   500 (FAILURE)\nPath:     api-response-code\n\n" +
		"Expected: api-response-message \"Invalid Security ID\"\nActual:   \"Failure\"\n  and more\nPath:     api-response-message\n" +
		"Exchange: POST /kairos-apis/pull -> HTTP 200")
	want := Verdict{
		Requirement: "spec 5 rule 8: wrong security id",
		Mismatches: []Mismatch{
			{Expected: "api-response-code 202", Actual: "500 (FAILURE)", Details: []string{"Path: api-response-code"}},
			{Expected: `api-response-message "Invalid Security ID"`, Actual: "\"Failure\"\n  and more", Details: []string{"Path: api-response-message"}},
		},
		Notes: []string{"Exchange: POST /kairos-apis/pull -> HTTP 200"},
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got  %#v\nwant %#v", v, want)
	}
	if v := SplitError("boom\nbang"); v.Requirement != "boom\nbang" || v.Mismatches != nil {
		t.Errorf("%+v", v)
	}
}
