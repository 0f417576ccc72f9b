package cli

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

// recordingSuite runs the real suite, records each repetition's seed and
// run id, and makes repetition failAt (0: none) fail by turning its first
// passed step into a failed one, as a broken server would.
type recordingSuite struct {
	mu     sync.Mutex
	seeds  []int64
	runIDs []string
	failAt int
}

func (r *recordingSuite) run(ctx context.Context, req suite.Config) ([]byte, bool, error) {
	r.mu.Lock()
	r.seeds = append(r.seeds, req.Seed)
	r.runIDs = append(r.runIDs, req.Steps.RunID)
	n := len(r.seeds)
	r.mu.Unlock()
	cucumber, failed, err := runConformanceSuite(ctx, req)
	if n == r.failAt {
		broken := bytes.Replace(cucumber, []byte(`"status": "passed"`), []byte(`"status": "failed"`), 1)
		if bytes.Equal(broken, cucumber) {
			broken = bytes.Replace(cucumber, []byte(`"status":"passed"`), []byte(`"status":"failed"`), 1)
		}
		return broken, true, err
	}
	return cucumber, failed, err
}

func runRepeat(t *testing.T, r *recordingSuite, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := suiteCommand{getenv: func(string) string { return "" }, now: time.Now, runSuite: r.run}
	code := cmd.run(context.Background(), append(args, "--reports", t.TempDir()), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestRepeatShufflesEachRun: --repeat 3 runs the selection three times,
// each with its own printed seed and its own run id, and passes.
func TestRepeatShufflesEachRun(t *testing.T) {
	t.Parallel()
	r := &recordingSuite{}
	code, out, errOut := runRepeat(t, r, "--repeat", "3", "--tags", "@status-302")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, tail(out, 20), errOut)
	}
	if len(r.seeds) != 3 {
		t.Fatalf("%d runs, want 3", len(r.seeds))
	}
	seen := map[int64]bool{}
	ids := map[string]bool{}
	for i, seed := range r.seeds {
		if seed <= 0 || seen[seed] {
			t.Errorf("repetition %d: seed %d is not a fresh shuffle (seeds %v)", i+1, seed, r.seeds)
		}
		seen[seed] = true
		if r.runIDs[i] == "" || ids[r.runIDs[i]] {
			t.Errorf("repetition %d: run id %q is not its own (%v)", i+1, r.runIDs[i], r.runIDs)
		}
		ids[r.runIDs[i]] = true
		if line := "repetition " + strconv.Itoa(i+1) + "/3: seed " + strconv.FormatInt(seed, 10) + ": passed"; !strings.Contains(out, line) {
			t.Errorf("the console lacks %q:\n%s", line, tail(out, 20))
		}
	}
	if !strings.Contains(out, "all 3 repetitions passed") {
		t.Errorf("no final line:\n%s", tail(out, 10))
	}
	if n := strings.Count(out, "PASSED:"); n != 1 {
		t.Errorf("%d run summaries printed, want the last repetition's only", n)
	}
}

// TestRepeatStopsAtTheFirstFailure: a failing repetition stops the run with
// exit 1, and the runner says which one failed and its seed; the seeds of
// --seed S are S, S+1, ...
func TestRepeatStopsAtTheFirstFailure(t *testing.T) {
	t.Parallel()
	r := &recordingSuite{failAt: 2}
	code, out, errOut := runRepeat(t, r, "--repeat", "5", "--seed", "41", "--tags", "@status-302")
	if code != exitFailure {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, tail(out, 20), errOut)
	}
	if len(r.seeds) != 2 || r.seeds[0] != 41 || r.seeds[1] != 42 {
		t.Errorf("seeds %v, want [41 42]: the run goes on after a failure, or --seed is not its base", r.seeds)
	}
	if !regexp.MustCompile(`repetition 2 of 5 did not pass \(seed 42\).*--seed 42`).MatchString(errOut) {
		t.Errorf("stderr does not say which repetition failed:\n%s", errOut)
	}
	if !strings.Contains(out, "repetition 2/5: seed 42: FAILED") {
		t.Errorf("no repetition line for the failure:\n%s", tail(out, 20))
	}
}

func TestRepeatFlagIsValidated(t *testing.T) {
	_, err := parseSuiteFlags([]string{"--repeat", "0"}, func(string) string { return "" }, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "--repeat") {
		t.Errorf("--repeat 0: %v", err)
	}
}
