package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kairos-conformance/kairos-conformance/internal/hostiletest"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

// hostileTags selects a dozen scenarios across endpoints: enough answers
// for the run-level judgements, few enough to keep the test quick.
const hostileTags = "@status-302,@status-205"

// TestHostileTargets runs the suite against each misbehaving target of the
// issue's table and checks the exit code, that the wall time stays far
// below the old ten minutes, that the three reports are written, valid and
// clean UTF-8, and what the console and stderr say happened.
func TestHostileTargets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		behaviour hostiletest.Behaviour
		exit      int
		stderr    string // the probe's diagnosis, or why the run stopped
		stdout    string // a failure line or the summary's diagnosis
	}{
		{hostiletest.Silent, exitUsage, "runner: stopped: the target at URL accepted a connection but sent no answer within 1s", "not run"},
		{hostiletest.Trickle, exitUsage, "runner: stopped: the target at URL accepted a connection but sent no answer within 1s", "not run"},
		{hostiletest.Reset, exitUsage, "runner: stopped: the target at URL did not answer the probe: connection reset by the target", "not run"},
		{hostiletest.NotHTTP, exitUsage, "runner: stopped: the target at URL did not answer the probe: not HTTP", "not run"},
		{hostiletest.HugeJSON, exitFailure, "larger than the harness's limit of 1 MiB (1048576 bytes)",
			"Actual:   HTTP 200, but the response body is larger than the harness's limit of 1 MiB (1048576 bytes)"},
		{hostiletest.DeepJSON, exitFailure, "nests deeper than the harness's limit of 64 levels",
			"Actual:   HTTP 200, but the JSON nests deeper than the harness's limit of 64 levels"},
		{hostiletest.ShortBody, exitFailure, "the response body ended after 10 of the 1000 bytes",
			"Actual:   HTTP 200, but the response body ended after 10 of the 1000 bytes its Content-Length announced (unexpected EOF)"},
		{hostiletest.HTML, exitFailure, "answered the probe with HTTP 200 text/html",
			"\nthe target at URL is not speaking Kairos: "},
		{hostiletest.BadUTF8, exitFailure, "", `"bad \xFF\xFE bytes, a cut \xC3 sequence, \u001b[2J`},
	} {
		t.Run(string(tc.behaviour), func(t *testing.T) {
			srv, err := hostiletest.Start(tc.behaviour)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			// The targets that never answer in time are judged with a
			// 1-second deadline; the others answer at once, and a deadline
			// is not what they test (with 1 s, a loaded machine could not
			// always read 100,000 brackets in time).
			timeout := "1m"
			if tc.behaviour == hostiletest.Silent || tc.behaviour == hostiletest.Trickle {
				timeout = "1s"
			}
			start := time.Now()
			// --no-preflight: the preflight checks credentials before the run
			// (a hostile target fails it, exit 2); this test is about the run.
			code, stdout, stderr := runRunner(t, context.Background(), "--target", srv.URL, "--timeout", timeout,
				"--tags", hostileTags, "--reports", dir, "--no-preflight")
			if took := time.Since(start); took > 2*time.Minute {
				t.Errorf("took %s with --timeout %s", took, timeout)
			}
			if code != tc.exit {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tc.exit, tail(stdout, 20), stderr)
			}
			want := func(where, text, what string) {
				if what = strings.ReplaceAll(what, "URL", srv.URL); !strings.Contains(text, what) {
					t.Errorf("%s does not say %q:\n%s", where, what, tail(text, 20))
				}
			}
			want("stderr", stderr, tc.stderr)
			want("stdout", stdout, tc.stdout)
			checkCleanText(t, "stdout", []byte(stdout))
			checkCleanText(t, "stderr", []byte(stderr))
			// The failures by cause keep the target's text as it came: its
			// "\u001b[0m" is no duration of the harness's.
			if tc.behaviour == hostiletest.BadUTF8 && (strings.Contains(stdout, `\u001b[<`) || !strings.Contains(stdout, `red\u001b[0m and \u202Eevil`)) {
				t.Errorf("the console changed the target's text:\n%s", tail(stdout, 40))
			}
			run := readReports(t, dir, reporting.Meta{})
			for _, f := range []string{reporting.CucumberFile, reporting.JUnitFile, reporting.HTMLFile} {
				data, _ := os.ReadFile(filepath.Join(dir, f))
				checkCleanText(t, f, data)
			}
			c := run.Counts()
			last := lastLine(stdout)
			switch tc.exit {
			case exitUsage: // stopped before any scenario ran
				if c.Total == 0 || c.NotRun != c.Total || !strings.HasPrefix(last, "STOPPED: 0 passed, 0 failed, 0 skipped, ") {
					t.Errorf("counts %+v, last line %q: every scenario should be not run", c, last)
				}
			default:
				if c.Failures() == 0 || c.NotRun != 0 || !strings.HasPrefix(last, "FAILED: ") {
					t.Errorf("counts %+v, last line %q", c, last)
				}
			}
		})
	}
}

// TestTargetThatStopsAnsweringMidRun: a target that answers the probe and a
// few requests, then hangs, stops the run within about twice the timeout of
// its hanging, and what was left is reported not run, never skipped.
func TestTargetThatStopsAnsweringMidRun(t *testing.T) {
	t.Parallel()
	var served atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) > 4 { // the probe and three requests
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"api-response-code": 400, "api-response-message": "Bad Request"}`)
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	dir := t.TempDir()
	start := time.Now()
	// Concurrency 4: the bound on requests below counts those in flight
	// when the target stopped answering, at most one per scenario.
	code, stdout, stderr := runRunner(t, context.Background(), "--target", srv.URL, "--timeout", "1s",
		"--tags", "@status-400", "--reports", dir, "--no-preflight", "--concurrency", "4")
	took := time.Since(start)
	if code != exitUsage {
		t.Errorf("exit %d, want 2\n%s\n%s", code, tail(stdout, 20), stderr)
	}
	if took > time.Minute {
		t.Errorf("took %s with --timeout 1s", took)
	}
	// The exact line: the timeout said once, with its deadline (it used to
	// read "timeout: no complete answer in time (no answer within 1s:
	// Post \"URL/...\": context deadline exceeded)").
	want := "\nrunner: stopped: the target at " + srv.URL + " stopped answering: 3 exchanges in a row got no answer (the last: timeout: no complete answer within 1s)\n"
	if !strings.Contains("\n"+stderr, want) {
		t.Errorf("stderr %q does not say %q", stderr, want)
	}
	// At --concurrency 4, at most 4 scenarios have a request in flight when
	// the third timeout trips the breaker; nothing is sent after it.
	if n := served.Load(); n > 4+3*4 {
		t.Errorf("the target got %d requests: the run went on sending after it stopped answering", n)
	}
	run := readReports(t, dir, reporting.Meta{})
	c := run.Counts()
	if c.NotRun < c.Total/2 || c.Skipped != 0 {
		t.Errorf("counts %+v: most scenarios should be not run, none skipped", c)
	}
	if last := lastLine(stdout); !strings.HasPrefix(last, "STOPPED: ") || !strings.HasSuffix(last, " 0 skipped, "+itoa(c.NotRun)+" not run") {
		t.Errorf("last line %q, counts %+v", last, c)
	}
	for _, sc := range run.Select(reporting.NotRun) {
		if !strings.Contains(sc.Reason, "stopped answering") {
			t.Errorf("%s: not run for %q", sc.Name, sc.Reason)
			break
		}
	}
}

// TestHostileTargetsMemory runs the built runner binary at the default
// concurrency against the two targets that cost the most memory before (a
// 64 MB body: 897 MB; 100,000 nested brackets: 709 MB), with the families
// that hold the most answers at once, and the whole suite against a third
// that answers just under the 1 MiB limit every time, which no limit
// refuses: what bounds it is letting go of each scenario's answers when it
// ends and a batch shedding its large answers once read. (The issue's
// table, every target against the whole suite, is measured in its note.)
//
// The bound is on what the process keeps: the most heap its garbage
// collector found live (GODEBUG=gctrace=1), which the work in flight sets,
// not how fast the machine is. Under 200 MB live, the binary's soft memory
// limit (256 MiB) leaves the collector room to keep the process under the
// issue's 300 MB. Seen: large-JSON 57-80 MB live (134-181 MB resident);
// 112-168 MB live before batches shed their answers (266 MB resident),
// which steps' TestBatchShedsLargeAnswers pins exactly. The resident
// figure is logged, not bounded: on a machine starved of CPU the collector
// runs late (594 MB once, under a race-detector run of every package at
// load 13). Each run is a process of its own, so the three run side by
// side, and beside this package's other tests.
func TestHostileTargetsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("three full runs")
	}
	t.Parallel()
	bin, _ := builtBinaries(t)
	const liveBound = 200 << 20
	for _, tc := range []struct {
		b    hostiletest.Behaviour
		tags string // "": the whole suite
	}{
		// Their fault was reading each answer whole: any run that holds
		// the default concurrency's worth of answers at once shows it, as
		// the batch-heavy families do (malformed envelopes, timing rounds,
		// the checksum races sent at once: 106 scenarios).
		{hostiletest.HugeJSON, batchHeavy},
		{hostiletest.DeepJSON, batchHeavy},
		// What bounds this one is letting go of answers across the run.
		{hostiletest.LargeJSON, ""},
	} {
		b := tc.b
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			srv, err := hostiletest.Start(b)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			args := []string{"--target", srv.URL, "--reports", t.TempDir(), "--no-preflight"}
			if tc.tags != "" {
				args = append(args, "--tags", tc.tags)
			}
			cmd := exec.Command(bin, args...)
			// The binary's own soft memory limit, not the caller's; the
			// collector's trace on stderr.
			cmd.Env = append(os.Environ(), "GOMEMLIMIT=", "GODEBUG=gctrace=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != exitFailure {
				t.Errorf("exit %d, want 1 (%v)\n%s", code, err, tail(stdout.String(), 20))
			}
			live, collections := peakLiveHeap(stderr.String())
			if collections == 0 {
				t.Fatalf("no garbage collection traced on stderr:\n%s", tail(stderr.String(), 10))
			}
			rss, _ := peakRSS(cmd.ProcessState)
			t.Logf("%s: peak live heap %d MB (%d collections), peak resident memory %d MB, over %d requests", b, live>>20, collections, rss>>20, srv.Requests())
			if live > liveBound {
				t.Errorf("the run kept %d MB of heap live, want at most %d MB", live>>20, liveBound>>20)
			}
		})
	}
}

// gcLine is a gctrace line's heap sizes: at the start of the collection,
// at its end, and the heap it found live ("12->14->7 MB").
var gcLine = regexp.MustCompile(`^gc \d+ .* (\d+)->(\d+)->(\d+) MB`)

// peakLiveHeap is the most live heap a GODEBUG=gctrace=1 trace reports,
// in bytes (the trace's MB are 2^20 bytes), and how many collections it
// holds.
func peakLiveHeap(trace string) (peak uint64, collections int) {
	for _, line := range strings.Split(trace, "\n") {
		m := gcLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		collections++
		live, _ := strconv.ParseUint(m[3], 10, 64)
		peak = max(peak, live<<20)
	}
	return peak, collections
}

// batchHeavy selects the families that send requests at once or in
// rounds: at the default concurrency they hold the most answers at a time.
const batchHeavy = "@spec-5.4,@timing,@checksum"

// peakRSS is a finished process's maximum resident set size, in bytes
// (false where the system does not say).
func peakRSS(ps *os.ProcessState) (uint64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0, false
	}
	switch runtime.GOOS {
	case "linux":
		return uint64(ru.Maxrss) << 10, true // kilobytes
	case "darwin":
		return uint64(ru.Maxrss), true // bytes
	}
	return 0, false
}

// checkCleanText fails if text is not valid UTF-8 or holds a control
// character (other than newline, tab and CR) or a bidi override.
func checkCleanText(t *testing.T, name string, text []byte) {
	t.Helper()
	if !utf8.Valid(text) {
		t.Errorf("%s is not valid UTF-8", name)
		return
	}
	for _, r := range string(text) {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u202e' {
			t.Errorf("%s holds %U", name, r)
			return
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
