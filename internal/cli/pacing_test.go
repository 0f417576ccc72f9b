package cli

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// countingServer is a reference server that records when each request
// arrived and counts the calls it accepted (phonon-uuids in call-details):
// the target's own account of a run, independent of the harness's.
type countingServer struct {
	URL   string
	World *refserver.World

	mu       sync.Mutex
	arrivals []time.Time
	accepted int
}

func startCountingServer(t *testing.T) *countingServer {
	t.Helper()
	world := smallWorld(t)
	srv, err := refserver.New(world, refserver.Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingServer{World: world}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.mu.Lock()
		cs.arrivals = append(cs.arrivals, time.Now())
		cs.mu.Unlock()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		n := 0
		gjson.GetBytes(rec.Body.Bytes(), "call-details.#.phonon-uuid").ForEach(func(_, v gjson.Result) bool {
			if v.String() != "" {
				n++
			}
			return true
		})
		cs.mu.Lock()
		cs.accepted += n
		cs.mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		io.Copy(w, bytes.NewReader(rec.Body.Bytes()))
	}))
	t.Cleanup(hs.Close)
	cs.URL = hs.URL
	return cs
}

func (cs *countingServer) counts() (requests, accepted int) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return len(cs.arrivals), cs.accepted
}

// maxInWindow is the most requests that arrived within any window of w.
func (cs *countingServer) maxInWindow(w time.Duration) int {
	cs.mu.Lock()
	ts := append([]time.Time(nil), cs.arrivals...)
	cs.mu.Unlock()
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	best, j := 0, 0
	for i := range ts {
		for j < len(ts) && !ts[j].After(ts[i].Add(w)) { // closed window [t, t+w]
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// withKnobs writes a profile of the whole reference world aimed at the
// server, with knob lines added.
func withKnobs(t *testing.T, cs *countingServer, knobs ...string) string {
	t.Helper()
	return writeProfile(t, cs.World, cs.URL, nil, nil, append([]string{"rsa-key-bits: 2048"}, knobs...)...) // the server's KeyBits
}

var acceptedLine = regexp.MustCompile(`the target accepted (\d+) calls?`)

// TestCallBudget: with max-accepted-calls 10 the target accepts at most 10
// calls over the whole suite, the run passes with the scenarios that would
// have gone over skipped with the reason, and the console states the
// number the target accepted, the same as the server counted. The budget
// is spent only on calls accepted, and the scenarios that place calls run
// last: nearly every scenario that places none runs (those skipped are the
// ones still running when the budget ran out, and the 501-call requests no
// budget of 10 can hold).
func TestCallBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole suite: not with -short")
	}
	t.Parallel()
	cs := startCountingServer(t)
	profile := withKnobs(t, cs, "max-accepted-calls: 10")
	dir := t.TempDir()
	code, stdout, stderr := runRunner(t, context.Background(), "--profile", profile, "--reports", dir, "--timeout", exchangeTimeout.String(), "--tags", noNeeds4096)
	if code != exitOK {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, failures(stdout), stderr)
	}
	_, accepted := cs.counts()
	if accepted > 10 {
		t.Errorf("the server accepted %d calls, over the budget of 10", accepted)
	}
	m := acceptedLine.FindStringSubmatch(stdout)
	if m == nil || m[1] != strconv.Itoa(accepted) {
		t.Errorf("the console says %q, the server accepted %d", m, accepted)
	}
	if !strings.Contains(stdout, "(budget: knobs.max-accepted-calls 10)") {
		t.Errorf("the console does not name the budget:\n%s", tail(stdout, 10))
	}
	run := readReports(t, dir, reporting.Meta{})
	budgetSkips, placingNone, placingNoneSkipped := 0, 0, 0
	for _, sc := range run.Scenarios {
		skipped := sc.Outcome == reporting.Skipped && strings.Contains(sc.Reason, "knobs.max-accepted-calls: 10")
		if skipped {
			budgetSkips++
		}
		if !suite.PlacesCalls(sc.Tags) {
			placingNone++
			if skipped {
				placingNoneSkipped++
			}
		}
	}
	if budgetSkips == 0 || run.Counts().Passed == 0 {
		t.Errorf("%d scenarios skipped for the budget, %d passed: want both", budgetSkips, run.Counts().Passed)
	}
	if placingNoneSkipped*10 > placingNone {
		t.Errorf("%d of the %d scenarios that place no call were skipped for the budget: it was spent on refusals, or the scenarios that place calls did not run last", placingNoneSkipped, placingNone)
	}
	html, _ := os.ReadFile(filepath.Join(dir, reporting.HTMLFile))
	junit, _ := os.ReadFile(filepath.Join(dir, reporting.JUnitFile))
	for name, text := range map[string][]byte{"report.html": html, "junit.xml": junit} {
		if !bytes.Contains(text, []byte("the target accepted "+strconv.Itoa(accepted)+" call")) {
			t.Errorf("%s does not say how many calls the target accepted", name)
		}
	}
	t.Logf("the server accepted %d calls; %d scenarios skipped for the budget, %d of the %d that place no call; %+v", accepted, budgetSkips, placingNoneSkipped, placingNone, run.Counts())
}

// pacedLimit is TestPacedRun's knobs.max-requests-per-minute (0: 2400 for
// the whole suite; 1200 with -short). Issue 9's figure is 1200: the whole
// suite then takes about 50 seconds (-paced.limit=1200); twice that holds
// the same rule in half the time, since neither the limiter's arithmetic
// nor its reserve depends on the rate. The -short selection is too small
// to fill a window at 2400, so it keeps 1200.
var pacedLimit = flag.Int("paced.limit", 0, "TestPacedRun: knobs.max-requests-per-minute of its run (0: 2400 for the whole suite, 1200 with -short; 1200 is issue 9's figure, about 50 s for the whole suite)")

// TestPacedRun: with max-requests-per-minute N no 5-second window at the
// server holds more than N/10 requests (issue 9's bound: 120 for 1200 a
// minute), and the run passes. The whole suite: about 890 requests, some
// 25 seconds at 2400 a minute (paced at 2160); with -short, at 1200, the
// status scenarios for 302, 303, 200 and 210 (about 220 requests, 12
// seconds). Counted as they arrive, as a target counts them: the limiter's
// reserve (a tenth of the limit) absorbs a client stalled more than a
// second between a request's slot and its arrival (without it, 122 and
// 123 were seen in a window of a 1200 limit at load 13).
func TestPacedRun(t *testing.T) {
	t.Parallel() // it mostly waits for its pace
	limit := *pacedLimit
	if limit == 0 {
		limit = 2400
		if testing.Short() {
			limit = 1200
		}
	}
	perWindow := limit / 10
	cs := startCountingServer(t)
	profile := withKnobs(t, cs, "max-requests-per-minute: "+strconv.Itoa(limit))
	args := []string{"--profile", profile, "--reports", t.TempDir(), "--timeout", exchangeTimeout.String(), "--tags", noNeeds4096}
	if testing.Short() {
		args[len(args)-1] = "@status-302,@status-303,@status-200 && " + noNeeds4096 + ",@status-210"
	}
	start := time.Now()
	code, stdout, stderr := runRunner(t, context.Background(), args...)
	took := time.Since(start)
	if code != exitOK {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, failures(stdout), stderr)
	}
	requests, _ := cs.counts()
	worst := cs.maxInWindow(5 * time.Second)
	if worst > perWindow {
		t.Errorf("%d requests within 5 seconds, want at most %d (%d a minute)", worst, perWindow, limit)
	}
	if requests <= perWindow {
		t.Errorf("only %d requests: unpaced, they would still fit in one window (%d), so the check above could not fail", requests, perWindow)
	}
	scenarioRequests := requests - 1 - len(cs.World.Profile(cs.URL).Roles()) // not the probe nor the preflight
	if !strings.Contains(stdout, "Sent "+strconv.Itoa(scenarioRequests)+" requests in ") || !strings.Contains(stdout, "(limit: knobs.max-requests-per-minute "+strconv.Itoa(limit)+")") {
		t.Errorf("the console does not give the scenarios' %d requests and the limit:\n%s", scenarioRequests, tail(stdout, 8))
	}
	t.Logf("limit %d a minute: %d requests in %s; at most %d in any 5-second window (limit %d), %d in any minute", limit, requests, took.Round(time.Millisecond), worst, perWindow, cs.maxInWindow(time.Minute))
}

// failures is the console's failure section and its last lines.
func failures(stdout string) string {
	if i := strings.Index(stdout, "\nFAILED  "); i >= 0 {
		return tail(stdout[i:], 60) + "\n...\n" + tail(stdout, 5)
	}
	return tail(stdout, 40)
}

// TestCheckProfileWrongSecurityID: one wrong security-id stops check-profile
// with exit 2 within seconds, on one line naming the role and the field
// (never the value), and no call is accepted. The same profile stops a
// run before any scenario.
func TestCheckProfileWrongSecurityID(t *testing.T) {
	cs := startCountingServer(t)
	const wrong = "0000000000000000000000000000000000000000000000000000000000000000"
	profile := writeProfile(t, cs.World, cs.URL, nil, func(role, real string) string {
		if role == "healthy-dialer" {
			return wrong
		}
		return real
	})
	start := time.Now()
	code, stdout, stderr := runCommand(t, "check-profile", "--profile", profile)
	took := time.Since(start)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, stdout, stderr)
	}
	var fails []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "preflight: FAIL ") {
			fails = append(fails, l)
		}
	}
	if len(fails) != 1 || !strings.Contains(fails[0], "healthy-dialer") || !strings.Contains(fails[0], "flows.healthy-dialer.security-id") {
		t.Errorf("FAIL lines %q: want one, naming healthy-dialer and its security-id", fails)
	}
	if strings.Contains(stdout+stderr, wrong) {
		t.Errorf("the output shows the security-id")
	}
	requests, accepted := cs.counts()
	if accepted != 0 || !strings.Contains(stdout, "the target accepted 0 calls") {
		t.Errorf("the server accepted %d calls; stdout:\n%s", accepted, stdout)
	}
	if roles := len(cs.World.Profile(cs.URL).Roles()); requests != roles {
		t.Errorf("%d requests for %d roles", requests, roles)
	}
	t.Logf("check-profile took %s:\n%s%s", took.Round(time.Millisecond), stdout, stderr)

	dir := t.TempDir()
	code, stdout, stderr = runRunner(t, context.Background(), "--profile", profile, "--reports", dir)
	if code != exitUsage || !strings.Contains(stderr, "no scenario was run") || !strings.Contains(stderr, "flows.healthy-dialer.security-id") {
		t.Errorf("run with the wrong security-id: exit %d, want 2 and the preflight's line\n%s\n%s", code, tail(stdout, 10), stderr)
	}
	if _, accepted := cs.counts(); accepted != 0 {
		t.Errorf("the run placed %d calls after its preflight failed", accepted)
	}
}

// TestCheckProfileHappyPath: every role of a correct profile answers ok.
func TestCheckProfileHappyPath(t *testing.T) {
	cs := startCountingServer(t)
	profile := writeProfile(t, cs.World, cs.URL, nil, nil)
	code, stdout, stderr := runCommand(t, "check-profile", "--profile", profile)
	if code != exitOK || strings.Count(stdout, "preflight: ok ") != len(cs.World.Profile(cs.URL).Roles()) {
		t.Errorf("exit %d, want 0 and one ok line per role\n%s\n%s", code, stdout, stderr)
	}
}

// runCommand runs the runner with args as given (a subcommand first).
func runCommand(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv(envTarget, "")
	t.Setenv(envProfile, "")
	var out, errOut bytes.Buffer
	code = Run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}
