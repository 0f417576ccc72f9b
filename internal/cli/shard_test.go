package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/shard"
)

// shardSelection mixes plain scenarios, Scenario Outlines, the @clock
// scenarios that move the embedded server's clock and the security
// warnings; the known-failing list makes one passing scenario a failure
// ("known failure passed"), judged again by merge-reports. It leaves out
// the @timing scenarios: two runs' verdicts are compared, and theirs rest
// on answer times (and cost about a hundred requests each).
const shardSelection = "@checksum,@security && ~@timing,@status-302,@status-207"

// TestFourShardsMergedEqualOneRun: the four slices of a selection, merged
// by merge-reports, give the same scenarios, the same verdicts, the same
// counts and the same exit status as one unsharded run of it.
func TestFourShardsMergedEqualOneRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	known := filepath.Join(dir, "known-failing.txt")
	if err := os.WriteFile(known, []byte("# passes: the merge must still call it a failure\n*/a byte-identical resend is refused with 201 (plain dialer)\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	common := []string{"--tags", shardSelection, "--known-failing", known, "--seed", "-1"}

	whole := filepath.Join(dir, "whole")
	wantCode, wantOut, stderr := runRunner(t, context.Background(), append(common, "--reports", whole)...)
	if wantCode != exitFailure {
		t.Fatalf("unsharded run: Expected exit 1 (a known failure passed), Actual %d\n%s\n%s", wantCode, tail(wantOut, 20), stderr)
	}

	var slices []string
	listed := 0
	for i := 1; i <= 4; i++ {
		spec := fmt.Sprintf("%d/4", i)
		_, list, _ := runRunner(t, context.Background(), "--tags", shardSelection, "--shard", spec, "--list")
		listed += countOf(t, list)
		out := filepath.Join(dir, "slice"+fmt.Sprint(i))
		code, stdout, stderr := runRunner(t, context.Background(), append(common, "--shard", spec, "--reports", out)...)
		if code != exitOK && code != exitFailure {
			t.Fatalf("--shard %s: exit %d\n%s\n%s", spec, code, tail(stdout, 20), stderr)
		}
		if _, err := os.Stat(filepath.Join(out, shard.ManifestFile)); err != nil {
			t.Fatalf("--shard %s wrote no %s: %v", spec, shard.ManifestFile, err)
		}
		slices = append(slices, out)
	}
	_, list, _ := runRunner(t, context.Background(), "--tags", shardSelection, "--list")
	if all := countOf(t, list); listed != all {
		t.Errorf("the four slices list %d scenarios, the selection %d", listed, all)
	}

	merged := filepath.Join(dir, "merged")
	gotCode, gotOut, stderr := runMergeReportsCmd(t, append([]string{"--reports", merged}, slices...)...)
	if gotCode != wantCode {
		t.Errorf("merge-reports: Expected exit %d (the unsharded run's), Actual %d\n%s\n%s", wantCode, gotCode, tail(gotOut, 20), stderr)
	}
	wantSum, gotSum := summaryOf(t, whole), summaryOf(t, merged)
	for _, field := range []string{"verdict", "counts", "text", "failure_causes", "matrix", "strictness", "redacted"} {
		if w, g := string(wantSum[field]), string(gotSum[field]); w == "" || w != g {
			t.Errorf("summary.json %s:\nunsharded: %.500s\nmerged:    %.500s", field, w, g)
		}
	}
	var wantTraffic, gotTraffic struct {
		Requests      int `json:"requests"`
		AcceptedCalls int `json:"accepted_calls"`
	}
	json.Unmarshal(wantSum["traffic"], &wantTraffic)
	json.Unmarshal(gotSum["traffic"], &gotTraffic)
	if wantTraffic != gotTraffic || wantTraffic.Requests == 0 {
		t.Errorf("summary.json traffic: unsharded %+v, the slices together %+v", wantTraffic, gotTraffic)
	}
	want, got := junitVerdicts(t, whole), junitVerdicts(t, merged)
	if len(want) == 0 {
		t.Fatal("the unsharded run's junit.xml holds no testcase")
	}
	for key, w := range want {
		if g, ok := got[key]; !ok {
			t.Errorf("%s: in the unsharded run (%s), not in the merged one", key, w)
		} else if g != w {
			t.Errorf("%s: unsharded %s, merged %s", key, w, g)
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("%s: in the merged run only", key)
		}
	}
	if w, g := cucumberStatuses(t, whole), cucumberStatuses(t, merged); w != g {
		t.Errorf("cucumber.json statuses differ:\nunsharded: %s\nmerged:    %s", w, g)
	}
	readReports(t, merged, reporting.Meta{}) // complete, valid reports
	t.Logf("%d scenarios; four slices of %d", len(want), listed)

	// Three of four slices are refused: the merge would report a part as
	// the whole.
	code, _, stderr := runMergeReportsCmd(t, append([]string{"--reports", filepath.Join(dir, "partial")}, slices[:3]...)...)
	if code != exitUsage || !strings.Contains(stderr, "missing slice(s) 4/4") {
		t.Errorf("three of four slices: Expected exit 2 naming 4/4, Actual %d: %s", code, stderr)
	}
}

func TestShardFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--shard", "5/4", "--list"}, `--shard: "5/4": I must be 1 to 4`},
		{[]string{"--shard", "two", "--list"}, `--shard: "two": want I/N`},
		{[]string{"--shard", "3/3", "--list", "--tags", "@status-207 && @endpoint-enc-dialer"}, "too few for 3 slices: use at most 1"},
	} {
		code, _, stderr := runRunner(t, context.Background(), c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: Expected exit 2 and %q, Actual %d %q", c.args, c.want, code, stderr)
		}
	}
	code, _, stderr := runMergeReportsCmd(t, "--reports", t.TempDir(), t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, "no shard.json") {
		t.Errorf("merging a directory that is no slice: Expected exit 2 and no shard.json, Actual %d %q", code, stderr)
	}
}

func runMergeReportsCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := Run(context.Background(), append([]string{"merge-reports"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func countOf(t *testing.T, list string) int {
	t.Helper()
	var n int
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if _, err := fmt.Sscanf(lines[len(lines)-1], "%d scenarios", &n); err != nil {
		t.Fatalf("--list ends %q", lines[len(lines)-1])
	}
	return n
}

// summaryOf reads a reports directory's summary.json, field by field.
func summaryOf(t *testing.T, dir string) map[string]json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, reporting.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// junitVerdicts maps "file:line name" to the testcase's verdict as JUnit
// tells it: passed, skipped (reason) or failure (message).
func junitVerdicts(t *testing.T, dir string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, reporting.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				File    string `xml:"file,attr"`
				Line    int    `xml:"line,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			verdict := "passed"
			switch {
			case c.Failure != nil:
				verdict = "failure: " + c.Failure.Message
			case c.Skipped != nil:
				verdict = "skipped: " + c.Skipped.Message
			case strings.HasPrefix(c.SystemOut, "SECURITY") || strings.Contains(c.SystemOut, "SECURITY FINDING"):
				verdict = "passed with a security finding"
			}
			out[fmt.Sprintf("%s:%d %s", c.File, c.Line, c.Name)] = verdict
		}
	}
	return out
}

// cucumberStatuses lists every scenario's steps' statuses from
// cucumber.json, sorted: godog's own record must merge unchanged.
func cucumberStatuses(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, reporting.CucumberFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc []struct {
		URI      string `json:"uri"`
		Elements []struct {
			Line  int `json:"line"`
			Steps []struct {
				Result struct {
					Status string `json:"status"`
				} `json:"result"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range doc {
		uri, _, _ := strings.Cut(f.URI, ":")
		for _, e := range f.Elements {
			var st []string
			for _, s := range e.Steps {
				st = append(st, s.Result.Status)
			}
			lines = append(lines, fmt.Sprintf("%s:%d %s", uri, e.Line, strings.Join(st, ",")))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
