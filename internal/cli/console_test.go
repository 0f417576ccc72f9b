package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// summarySchema is summary.json's shape (reporting.SummarySchema v1), kept
// here apart from the code that writes it: a field renamed, dropped or
// added there fails this test until the schema says so.
type summarySchema struct {
	Schema         string         `json:"schema"`
	Verdict        string         `json:"verdict"`
	Counts         map[string]int `json:"counts"`
	Text           string         `json:"text"`
	Profile        struct{ Name, File string }
	Target         string     `json:"target"`
	HarnessVersion string     `json:"harness_version"`
	Started        *time.Time `json:"started"`
	Finished       *time.Time `json:"finished"`
	DurationSecs   float64    `json:"duration_seconds"`
	Interrupted    bool       `json:"interrupted"`
	Strictness     string     `json:"strictness"`
	Selection      struct {
		Tags        string  `json:"tags"`
		Name        string  `json:"name"`
		Seed        int64   `json:"seed"`
		Concurrency int     `json:"concurrency"`
		TimeoutSecs float64 `json:"request_timeout_seconds"`
	} `json:"selection"`
	Redacted bool `json:"redacted"`
	Traffic  *struct {
		Requests          int64   `json:"requests"`
		RequestsPerMinute float64 `json:"requests_per_minute"`
		RequestLimit      int     `json:"request_limit_per_minute"`
		AcceptedCalls     int     `json:"accepted_calls"`
		UncertainCalls    int     `json:"uncertain_calls"`
		CallBudget        int     `json:"call_budget"`
	} `json:"traffic"`
	Causes []struct {
		Count       int      `json:"count"`
		Requirement string   `json:"requirement"`
		Expected    string   `json:"expected"`
		Actual      string   `json:"actual"`
		Codes       []string `json:"codes"`
		Endpoints   []string `json:"endpoints"`
		Scenarios   []string `json:"scenarios"`
	} `json:"failure_causes"`
	Timing []struct {
		Scenario string             `json:"scenario"`
		Name     string             `json:"name"`
		Outcome  string             `json:"outcome"`
		Medians  map[string]float64 `json:"medians_ms"`
		Text     string             `json:"text"`
	} `json:"timing"`
	Matrix []struct {
		Code     int            `json:"code"`
		CodeName string         `json:"code_name"`
		Endpoint string         `json:"endpoint"`
		State    string         `json:"state"`
		Counts   map[string]int `json:"counts"`
	} `json:"matrix"`
	Notes []string `json:"notes"`
}

// summaryRequired are the keys summary.json always has (notes, started and
// finished may be left out).
var summaryRequired = []string{"schema", "verdict", "counts", "text", "profile", "target", "harness_version",
	"duration_seconds", "interrupted", "strictness", "selection", "redacted", "traffic", "failure_causes", "timing", "matrix"}

// TestConsoleAndSummaryAgree runs scenarios that pass, fail and skip
// (a server whose messages are upper case, a profile without one role)
// and holds the console to its shape and to the reports: the header first,
// one line per finished scenario with n/N, nothing of godog's own summary,
// the causes before the failures, and a closing line that is
// summary.json's, whose shape and counts are checked against the run.
func TestConsoleAndSummaryAgree(t *testing.T) {
	fault, err := refserver.ParseFault("upper-case-messages")
	if err != nil {
		t.Fatal(err)
	}
	url, world := startReference(t, refserver.Options{Fault: fault})
	profile := writeProfile(t, world, url, func(role string) bool { return role != "no-did-multicast" }, nil)
	dir := t.TempDir()
	code, stdout, stderr := runRunner(t, context.Background(), "--profile", profile, "--reports", dir, "--tags", "@status-401,@status-207")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFailure, tail(stdout, 30), stderr)
	}
	run := readReports(t, dir, reporting.Meta{})
	total := len(run.Scenarios)
	t.Logf("%d scenarios: %s", total, lastLine(stdout))

	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "kairos-conformance ") || lines[1] != "  target   "+url {
		t.Errorf("the console does not start with the header:\n%s", strings.Join(lines[:3], "\n"))
	}
	progress := regexp.MustCompile(fmt.Sprintf(`^\s*(\d+)/%d  \d+:\d\d (?:~\d+:\d\d|\d+:\d\d|estimating)`, total))
	var counters []int
	for _, l := range lines {
		if m := progress.FindStringSubmatch(l); m != nil {
			var n int
			fmt.Sscan(m[1], &n)
			counters = append(counters, n)
		}
	}
	sort.Ints(counters)
	if len(counters) != total || counters[0] != 1 || counters[len(counters)-1] != total {
		t.Errorf("%d progress lines (counters %v) for %d scenarios", len(counters), counters, total)
	}
	for _, godogs := range []string{" scenarios (", " steps (", "--- Failed steps"} {
		if strings.Contains(stdout, godogs) {
			t.Errorf("the console repeats godog's own summary (%q)", godogs)
		}
	}
	causes := strings.Index(stdout, "Failures by cause: ")
	first := strings.Index(stdout, "\nFAILED  ")
	if causes < 0 || first < 0 || causes > first {
		t.Errorf("the causes (at %d) do not come before the first failure (at %d)", causes, first)
	}

	data, err := os.ReadFile(filepath.Join(dir, reporting.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range summaryRequired {
		if _, ok := keys[k]; !ok {
			t.Errorf("summary.json lacks %q", k)
		}
	}
	var s summarySchema
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("summary.json does not follow its schema: %v\n%s", err, data)
	}
	checkSummary(t, s, run, url)
	if last := lines[len(lines)-1]; last != s.Text {
		t.Errorf("the console's last line %q is not summary.json's %q", last, s.Text)
	}
	if !strings.Contains(stdout, fmt.Sprintf("; %d failures from %d causes", s.Counts["failed"], len(s.Causes))) {
		t.Errorf("the console does not say how many causes the failures have (%d from %d)", s.Counts["failed"], len(s.Causes))
	}
	html, err := os.ReadFile(filepath.Join(dir, reporting.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "<title>"+s.Profile.Name+" — ") || !strings.Contains(string(html), `<section id="causes">`) {
		t.Errorf("report.html is not titled by the profile name %q or lacks the causes", s.Profile.Name)
	}
}

// checkSummary holds summary.json to the run the cucumber.json describes.
func checkSummary(t *testing.T, s summarySchema, run *reporting.Run, url string) {
	t.Helper()
	c := run.Counts()
	sum := 0
	for k, n := range s.Counts {
		if k != "total" && k != "known_failures_passed" {
			sum += n
		}
	}
	causeSum := 0
	for _, cause := range s.Causes {
		causeSum += cause.Count
		if cause.Count != len(cause.Scenarios) || len(cause.Codes) == 0 || cause.Actual == "" {
			t.Errorf("cause %+v: count, scenarios, codes and actual disagree", cause)
		}
	}
	failed := false
	for _, cell := range s.Matrix {
		if cell.Code == 401 && cell.State == "failed" {
			failed = true
		}
	}
	switch {
	case s.Schema != reporting.SummarySchema:
		t.Errorf("schema %q", s.Schema)
	case s.Verdict != "FAILED" || !strings.HasPrefix(s.Text, "FAILED: "):
		t.Errorf("verdict %q, text %q", s.Verdict, s.Text)
	case s.Counts["total"] != c.Total || sum != c.Total:
		t.Errorf("counts %v add up to %d; the run has %d scenarios", s.Counts, sum, c.Total)
	case s.Counts["failed"] != c.Failures() || s.Counts["skipped"] != c.Skipped || c.Skipped == 0 || c.Failures() == 0:
		t.Errorf("counts %v; the run: %+v (it should fail and skip)", s.Counts, c)
	case causeSum != s.Counts["failed"] || len(s.Causes) == 0 || len(s.Causes) >= causeSum:
		t.Errorf("%d causes hold %d failures; %d failed", len(s.Causes), causeSum, s.Counts["failed"])
	case !failed:
		t.Errorf("the matrix has no failed 401 cell: %+v", s.Matrix)
	case !strings.HasPrefix(s.Profile.Name, "test-") || s.Profile.File == "" || s.Target != url:
		t.Errorf("profile %+v, target %q", s.Profile, s.Target)
	case s.HarnessVersion == "" || s.Started == nil || s.Finished == nil || s.DurationSecs <= 0 || s.Finished.Before(*s.Started):
		t.Errorf("version %q, started %v, finished %v, duration %v", s.HarnessVersion, s.Started, s.Finished, s.DurationSecs)
	case s.Selection.Tags != "@status-401,@status-207" || s.Selection.Concurrency != suite.DefaultConcurrency || s.Selection.TimeoutSecs != 10:
		t.Errorf("selection %+v", s.Selection)
	case !s.Redacted || s.Strictness != "reference" || s.Interrupted:
		t.Errorf("redacted %v, strictness %q, interrupted %v", s.Redacted, s.Strictness, s.Interrupted)
	case s.Traffic == nil || s.Traffic.Requests < int64(c.Failures()) || s.Traffic.RequestsPerMinute <= 0:
		t.Errorf("traffic %+v: each failed scenario sent at least one request", s.Traffic)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
