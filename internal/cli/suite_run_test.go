package cli

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/testworld"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// TestFullSuiteEmbeddedAndServedAgree is the one full run: `runner` with no
// flags against the embedded reference server must pass every scenario;
// then the same suite against a second reference server, started apart
// with `runner serve --export DIR --tls` and reached over HTTPS only through
// the profile it exported (as QA reach staging, its CA in tls.ca-file),
// must judge every scenario the same way.
//
// The second server serves testworld's world (`runner serve --world`): the
// same flows, accounts and security ids with 2048-bit keys, which it opens
// six times cheaper and rotates to keys of the same size (its exported
// profile says rsa-key-bits: 2048). What the served half proves is TLS,
// the export, a profile and a server apart, not the key size: the
// embedded run, the default configuration, keeps the 4096-bit world. The
// scenarios that need 4096-bit flows (testworld.Tag) cannot pass against
// 2048-bit ones, so the served run leaves them out by tag; they are
// judged (and must pass) in the embedded run.
func TestFullSuiteEmbeddedAndServedAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("the full suite runs twice; -short skips it")
	}
	t.Parallel()
	// generateKeyPair makes a 4096-bit key on the embedded server (and a
	// 2048-bit one on the served world's, keeping its flows' size):
	// seconds normally, tens of seconds under -race on a loaded 2-core
	// machine.
	slowKeygen := exchangeTimeout.String()
	embeddedDir := t.TempDir()
	code, stdout, stderr := runRunner(t, context.Background(), "--reports", embeddedDir, "--timeout", slowKeygen)
	if code != exitOK {
		t.Errorf("embedded run: exit %d\n%s\n%s", code, tail(stdout, 60), stderr)
	}
	embedded := readReports(t, embeddedDir, reporting.Meta{})
	listed := countListed(t)
	if len(embedded.Scenarios) != listed {
		t.Errorf("embedded run judged %d scenarios, --list selects %d", len(embedded.Scenarios), listed)
	}
	// Every scenario passes against the default configuration, none is
	// skipped (an ECB finding is a warning on a passed scenario): the one
	// run of every scenario against the 4096-bit world (internal/suite's
	// self-test runs the others against testworld's).
	for _, sc := range embedded.Scenarios {
		if sc.Outcome != reporting.Passed && sc.Outcome != reporting.Warning {
			t.Errorf("embedded run: %s: %s (%s)", sc.Location()+" "+sc.Name, sc.Outcome, sc.Reason)
		}
	}

	url, profile := serveExported(t, smallWorld(t).Path)
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("runner serve --tls serves %s", url)
	}
	servedDir := t.TempDir()
	code, stdout, stderr = runRunner(t, context.Background(), "--profile", profile, "--reports", servedDir, "--timeout", slowKeygen, "--tags", noNeeds4096)
	if code != exitOK {
		t.Errorf("served run: exit %d\n%s\n%s", code, tail(stdout, 60), stderr)
	}
	served := readReports(t, servedDir, reporting.Meta{})
	if served.Meta.Target != "" && served.Meta.Target != url {
		t.Errorf("served run aimed at %s", served.Meta.Target)
	}

	// Only an in-process server's clock can be moved, so the scenarios that
	// cross the 24-hour checksum window are skipped, with that reason,
	// against a separate server. The 4096-bit ones are not run there.
	// Everything else must match.
	want, got := outcomes(embedded), outcomes(served)
	clockSkips, needs4096 := 0, 0
	for key, e := range want {
		s, ok := got[key]
		switch {
		case e.HasTag(testworld.Tag):
			needs4096++
			if ok {
				t.Errorf("%s: needs 4096-bit flows, yet run against the 2048-bit served world (%s)", key, s.Outcome)
			}
		case !ok:
			t.Errorf("%s: judged against the embedded server, missing against the served one", key)
		case s.Outcome == e.Outcome:
		case s.Outcome == reporting.Skipped && strings.Contains(s.Reason, "clock"):
			clockSkips++
		default:
			t.Errorf("%s: %s against the embedded server, %s (%s) against the served one", key, e.Outcome, s.Outcome, s.Reason)
		}
	}
	if needs4096 == 0 {
		t.Errorf("no %s scenario in the embedded run: the served run's selection leaves out nothing it claims to", testworld.Tag)
	}
	if len(got) != len(want)-needs4096 {
		t.Errorf("%d scenarios against the served server, %d against the embedded one (%d of them %s)", len(got), len(want), needs4096, testworld.Tag)
	}
	t.Logf("%d scenarios, the same outcomes on both servers but %d clock-dependent skips and %d %s scenarios run embedded only",
		len(want), clockSkips, needs4096, testworld.Tag)
}

// serveExported starts the built runner's `runner serve --tls --export
// DIR --world world` on a free loopback port, returning the URL it prints
// on its first line and the profile it exported.
func serveExported(t *testing.T, world string) (url, profile string) {
	t.Helper()
	bin, _ := builtBinaries(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--quiet", "--tls", "--export", dir, "--world", world)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) // our own child, by its pid
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatalf("runner serve printed nothing: %v", lines.Err())
	}
	url, ok := strings.CutPrefix(lines.Text(), "Kairos reference server on ")
	if !ok {
		t.Fatalf("runner serve's first line is %q", lines.Text())
	}
	go func() { // keep draining, so the server never blocks on a full pipe
		for lines.Scan() {
		}
	}()
	return url, filepath.Join(dir, exportProfileName)
}

func countListed(t *testing.T) int {
	t.Helper()
	_, stdout, _ := runRunner(t, context.Background(), "--list")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	return len(lines) - 1 // the last line is the count
}

// TestProfileLackingARoleSkipsWithReason: scenarios needing a role the
// profile does not map are skipped, with the reason, everywhere; the run
// still passes.
func TestProfileLackingARoleSkipsWithReason(t *testing.T) {
	url, world := startReference(t, refserver.Options{})
	onlyHealthy := func(role string) bool { return strings.HasPrefix(role, "healthy-") }
	profile := writeProfile(t, world, url, onlyHealthy, nil)
	dir := t.TempDir()
	code, stdout, stderr := runRunner(t, context.Background(), "--profile", profile, "--reports", dir, "--tags", "@status-207,@status-302")
	if code != exitOK {
		t.Fatalf("exit %d, want 0: skips with reasons pass\n%s\n%s", code, tail(stdout, 40), stderr)
	}
	run := readReports(t, dir, reporting.Meta{})
	c := run.Counts()
	if c.Skipped == 0 || c.Passed == 0 || c.Failures() != 0 {
		t.Fatalf("counts %+v: want 302 scenarios passed and 207 scenarios skipped", c)
	}
	for _, sc := range run.Select(reporting.Skipped) {
		if !sc.HasTag("@status-207") || !strings.Contains(sc.Reason, `maps no flow to role "no-did-`) {
			t.Errorf("%s skipped for %q", sc.Name, sc.Reason)
		}
	}
	junit, _ := os.ReadFile(filepath.Join(dir, reporting.JUnitFile))
	html, _ := os.ReadFile(filepath.Join(dir, reporting.HTMLFile))
	for where, text := range map[string]string{"console": stdout, "junit.xml": string(junit), "report.html": string(html)} {
		if !strings.Contains(text, "maps no flow to role") {
			t.Errorf("%s does not give the skip reason", where)
		}
	}
	if !strings.Contains(string(junit), `<skipped message="profile `) {
		t.Errorf("junit.xml does not mark skips as <skipped message=...>")
	}
}

// TestHangingTargetStopsTheRun: a target that accepts connections but
// never answers gets no scenario run: the probe sees no answer within the
// timeout, the run stops at once, every scenario is reported not run with
// the reason, and the exit code is 2 (hostile_test.go has the other
// misbehaving targets).
func TestHangingTargetStopsTheRun(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); hang.Close() })
	dir := t.TempDir()
	start := time.Now()
	code, stdout, stderr := runRunner(t, context.Background(), "--target", hang.URL, "--timeout", "200ms",
		"--tags", "@status-302", "--reports", dir)
	took := time.Since(start)
	if code != exitUsage {
		t.Errorf("exit %d, want 2\n%s\n%s", code, tail(stdout, 30), stderr)
	}
	if took > 30*time.Second {
		t.Errorf("took %s", took)
	}
	if !strings.Contains(stderr, "accepted a connection but sent no answer within 200ms") {
		t.Errorf("stderr %q does not explain the hang", stderr)
	}
	run := readReports(t, dir, reporting.Meta{})
	if c := run.Counts(); c.Total == 0 || c.NotRun != c.Total {
		t.Errorf("counts %+v: no scenario should have run", c)
	}
	html, _ := os.ReadFile(filepath.Join(dir, reporting.HTMLFile))
	if !strings.Contains(string(html), "sent no answer within 200ms") {
		t.Errorf("report.html does not say why the run stopped")
	}
}

// TestInterruptWritesCompleteReports: Ctrl-C mid-run (the context main
// cancels on SIGINT) still leaves three complete, valid reports that say the
// run was interrupted, and the exit code is not a pass.
func TestInterruptWritesCompleteReports(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	// Cancel once the suite has printed some progress: it is mid-run.
	stdout := &cancelOnWrite{cancel: cancel, after: 40}
	var stderr strings.Builder
	code := suiteCommandForTest().run(ctx, []string{"--reports", dir}, stdout, &stderr)
	// Stopping is shown by the scenarios not run (below), not timed: a
	// stopped run still walks each remaining scenario through godog, which
	// on a CPU-starved machine under -race took minutes. This only catches
	// a run that does not stop at all.
	if took := time.Since(stdout.cancelledAt()); took > 5*time.Minute {
		t.Errorf("an interrupted run took %s to stop", took)
	}
	if code == exitOK {
		t.Errorf("an interrupted run exited 0")
	}
	run := readReports(t, dir, reporting.Meta{Interrupted: true})
	c := run.Counts()
	if c.NotRun == 0 {
		t.Errorf("counts %+v: an interrupted run has scenarios it did not run", c)
	}
	html, _ := os.ReadFile(filepath.Join(dir, reporting.HTMLFile))
	if !strings.Contains(string(html), "The run was interrupted") {
		t.Errorf("report.html does not say the run was interrupted")
	}
	if !strings.Contains(stdout.String(), "The run was interrupted") {
		t.Errorf("the console does not say the run was interrupted:\n%s", tail(stdout.String(), 20))
	}
	t.Logf("exit %d, %s after the interrupt: %+v", code, time.Since(stdout.cancelledAt()), c)
}

// cancelOnWrite is a console that cancels the run after a number of writes.
type cancelOnWrite struct {
	mu     sync.Mutex
	b      strings.Builder
	n      int
	after  int
	cancel func()
	at     time.Time // when it cancelled
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	if w.n == w.after {
		w.at = time.Now()
		w.cancel()
	}
	return w.b.Write(p)
}

// cancelledAt is when the console cancelled the run (now, if it did not).
func (w *cancelOnWrite) cancelledAt() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.at.IsZero() {
		return time.Now()
	}
	return w.at
}

func (w *cancelOnWrite) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
