package suite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/features"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/refserver"
	"github.com/kairos-conformance/kairos-conformance/steps"
)

// TestSkipReasons: a profile that lacks a role or a knob skips the
// scenarios needing it, and the reason is in the Cucumber JSON.
func TestSkipReasons(t *testing.T) {
	t.Parallel()
	tg := startReference(t, refserver.Fault{})
	p := *tg.Profile
	p.Flows = map[string]profile.Flow{}
	for role, f := range tg.Profile.Flows {
		if role != "no-did-multicast" {
			p.Flows[role] = f
		}
	}
	p.Knobs.AllowKeyRotation = false
	p.Knobs.PullAPI = false
	ctx, cancel := runContext(t)
	defer cancel()
	res, err := suite.Run(ctx, suite.Config{
		Steps: redacted(tg, &p), Tags: "@status-207,@endpoint-generatekeypair,@endpoint-pull",
	})
	if err != nil {
		t.Fatal(err)
	}
	scenarios, err := res.Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	t.Log(statusCounts(scenarios))
	if res.Status != suite.StatusPassed {
		t.Errorf("godog status %d: skips must not fail a run", res.Status)
	}
	var skipped, passed int
	for _, sc := range scenarios {
		reason := strings.Join(sc.AttachmentTexts("skip-reason"), "\n")
		var want string
		switch {
		case sc.HasTag("@endpoint-generatekeypair"):
			want = "allow-key-rotation"
		case sc.HasTag("@endpoint-pull"):
			want = "pull-api"
		case sc.HasTag("@status-207") && strings.Contains(sc.Name, "multicast"):
			want = `"no-did-multicast"`
		}
		switch {
		case want == "" && sc.Status != "passed":
			t.Errorf("%s: %s, want passed\n%s", sc.ID(), sc.Status, sc.FirstError())
		case want == "":
			passed++
		case sc.Status != "skipped":
			t.Errorf("%s: %s, want skipped", sc.ID(), sc.Status)
		case !strings.Contains(reason, want):
			t.Errorf("%s: skip-reason %q does not mention %s", sc.ID(), reason, want)
		default:
			skipped++
		}
	}
	if skipped == 0 || passed == 0 {
		t.Errorf("%d skipped, %d passed: want some of each", skipped, passed)
	}
}

// TestCancelledRunStillReports: cancelling the context makes the rest of
// the run end fast, and Run still returns the Cucumber JSON. The run is
// cancelled when the first step result reaches the console: mid-run,
// however fast or slow the machine.
func TestCancelledRunStillReports(t *testing.T) {
	t.Parallel()
	tg := startReference(t, refserver.Fault{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	console := &cancelOnWrite{cancel: cancel}
	res, err := suite.Run(ctx, suite.Config{Steps: redacted(tg, nil), Console: console})
	if err != nil {
		t.Fatal(err)
	}
	scenarios, err := res.Scenarios()
	if err != nil {
		t.Fatalf("the Cucumber JSON of a cancelled run does not parse: %v", err)
	}
	// godog's own status is not asserted: it is 1 when a scenario was in
	// flight at the cancel (it fails) and 0 when none was (every later one
	// is skipped), which depends on the machine's speed. An interrupted
	// run's verdict is the runner's: exit 2 (runner's
	// TestInterruptWritesCompleteReports).
	t.Logf("cancelled at the first step result: %s (godog status %d)", statusCounts(scenarios), res.Status)
	if len(scenarios) != wantScenarios {
		t.Errorf("%d scenarios in the report, want all %d (the cut-short ones too)", len(scenarios), wantScenarios)
	}
	// Cut short: a scenario in flight fails saying the run was cancelled; one
	// not yet started is skipped without a skip-reason (the reports, knowing
	// the run was interrupted, call both "not run").
	cut := 0
	for _, sc := range scenarios {
		switch {
		case sc.Status == "failed" && strings.Contains(sc.FirstError(), "cancelled"):
			cut++
		case sc.Status == "skipped" && len(sc.AttachmentTexts("skip-reason")) == 0:
			cut++
		}
	}
	if cut == 0 {
		t.Error("no scenario says the run was cancelled")
	}
}

// cancelOnWrite is a console that cancels the run at its first write.
type cancelOnWrite struct {
	once   sync.Once
	cancel func()
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.once.Do(w.cancel)
	return len(p), nil
}

// TestOneScenarioByLine: a feature path may name one scenario by line, as
// godog allows ("file.feature:12").
func TestOneScenarioByLine(t *testing.T) {
	t.Parallel()
	tg := startReference(t, refserver.Fault{})
	root, err := steps.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "features", "transport.feature")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	line := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, "Scenario: an unknown path is answered with 404") {
			line = i + 1
		}
	}
	// On disk, and in the copy embedded in the binary (as a runner built
	// with go build reads it outside the repository).
	for _, cfg := range []suite.Config{
		{FeaturePaths: []string{fmt.Sprintf("%s:%d", path, line)}},
		{FeatureFS: features.Embedded, FeaturePaths: []string{fmt.Sprintf("features/transport.feature:%d", line)}},
	} {
		ctx, cancel := runContext(t)
		cfg.Steps.Profile, cfg.Steps.HTTPClient = tg.Profile, tg.HTTPClient
		res, err := suite.Run(ctx, cfg)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		scenarios, err := res.Scenarios()
		if err != nil {
			t.Fatal(err)
		}
		if len(scenarios) != 1 || scenarios[0].Status != "passed" {
			t.Errorf("%s: %s", cfg.FeaturePaths[0], statusCounts(scenarios))
		}
	}
}
