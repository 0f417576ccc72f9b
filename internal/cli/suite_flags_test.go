package cli

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

// runRunner runs `runner run` with an empty environment, so that a
// developer's KAIROS_TARGET or KAIROS_PROFILE cannot aim the tests
// elsewhere (and without t.Setenv, so that tests can run in parallel).
func runRunner(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = suiteCommandForTest().run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// suiteCommandForTest is `runner run` as main makes it, but for an empty
// environment.
func suiteCommandForTest() suiteCommand {
	return suiteCommand{getenv: func(string) string { return "" }, now: time.Now, runSuite: runConformanceSuite}
}

// miniFeatures writes a small features directory for tests that never reach
// the suite (listing, selection, usage and infrastructure errors).
const miniFeature = `@spec-5
Feature: Mini

  @status-200 @endpoint-enc-multicast
  Scenario: accepted call
    Given a step

  @status-202 @endpoint-enc-multicast @security
  Scenario: wrong security id
    Given a step

  @status-205 @endpoint-plain-dialer
  Scenario Outline: bad number <n>
    Given a step

    @slow
    Examples:
      | n |
      | 1 |
      | 2 |
`

func miniFeatures(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "features")
	if err := os.MkdirAll(filepath.Join(dir, "client"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mini.feature"), []byte(miniFeature), 0o644); err != nil {
		t.Fatal(err)
	}
	// features/client judges vendors' clients: never part of `runner run`.
	if err := os.WriteFile(filepath.Join(dir, "client", "client.feature"), []byte("@client\nFeature: Client\n  Scenario: not ours\n    Given a step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestSuiteFlagErrorsNameTheFlag(t *testing.T) {
	features := miniFeatures(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--timeout", "0s"}, "--timeout"},
		{[]string{"--concurrency", "0"}, "--concurrency"},
		{[]string{"--seed", "-2"}, "--seed"},
		{[]string{"--format", "html"}, "--format"},
		{[]string{"--target", "ftp://x"}, "--target"},
		{[]string{"--tags", "@a &&"}, "--tags"},
		{[]string{"--tags", "not @a"}, "--tags"},
		{[]string{"--name", "("}, "--name"},
		{[]string{"--features", "/nonexistent"}, "--features"},
		{[]string{"--bogus"}, "bogus"},
		{[]string{"stray"}, `unexpected argument "stray"`},
		{[]string{"--features", features, "--known-failing", "/nonexistent"}, "--known-failing"},
		{[]string{"--features", features, "--profile", "/nonexistent.yaml"}, "nonexistent.yaml"},
	}
	for _, tt := range tests {
		code, _, stderr := runRunner(t, context.Background(), tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %q", tt.args, code, stderr, tt.want)
		}
	}
}

func TestListPrintsTheSelectionWithTags(t *testing.T) {
	features := miniFeatures(t)
	code, stdout, stderr := runRunner(t, context.Background(), "--features", features, "--list", "--tags", "@endpoint-enc-multicast,@slow && ~@nothing")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"features/mini.feature:5   accepted call  @spec-5 @status-200 @endpoint-enc-multicast",
		"features/mini.feature:9   wrong security id",
		"features/mini.feature:19  bad number 1  @spec-5 @status-205 @endpoint-plain-dialer @slow",
		"features/mini.feature:20  bad number 2",
		"4 scenarios",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--list lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "not ours") {
		t.Errorf("--list shows features/client:\n%s", stdout)
	}

	code, stdout, _ = runRunner(t, context.Background(), "--features", features, "--list", "--name", "^wrong")
	if code != exitOK || !strings.Contains(stdout, "wrong security id") || !strings.Contains(stdout, "\n1 scenarios") {
		t.Errorf("--name: exit %d\n%s", code, stdout)
	}
	// An outline is selected whole, as godog runs it (by its line).
	code, stdout, _ = runRunner(t, context.Background(), "--features", features, "--list", "--name", "^bad number 2$")
	if code != exitOK || !strings.Contains(stdout, "bad number 1") || !strings.Contains(stdout, "bad number 2") || !strings.Contains(stdout, "\n2 scenarios") {
		t.Errorf("--name on an outline row: exit %d\n%s", code, stdout)
	}
}

func TestEmptySelectionIsAnError(t *testing.T) {
	code, _, stderr := runRunner(t, context.Background(), "--features", miniFeatures(t), "--tags", "@no-such-tag")
	if code != exitUsage || !strings.Contains(stderr, "no scenario matches the selection") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestKnownFailingPatternThatMatchesNothingIsAnError(t *testing.T) {
	list := filepath.Join(t.TempDir(), "known-failing.txt")
	os.WriteFile(list, []byte("# staging quirks\nMini/wrong security id\nMini/no such scenario*  # typo\n"), 0o644)
	code, _, stderr := runRunner(t, context.Background(), "--features", miniFeatures(t), "--known-failing", list, "--list")
	if code != exitUsage || !strings.Contains(stderr, `known-failing.txt:3: pattern "Mini/no such scenario*" matches no scenario`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestUnreachableTarget: a closed port is an infrastructure error: one
// message naming the target, exit 2, at once, and reports that list every
// scenario as not run (so that CI never shows an older run's reports).
func TestUnreachableTarget(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	reports := t.TempDir()
	start := time.Now()
	code, stdout, stderr := runRunner(t, context.Background(), "--features", miniFeatures(t),
		"--target", "http://"+addr, "--timeout", "2s", "--reports", reports)
	if code != exitUsage {
		t.Errorf("exit %d, want 2", code)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("took %s: an unreachable target must fail fast", took)
	}
	want := "runner: stopped: the target at http://" + addr + " did not answer the probe: connection refused"
	if !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q, want one line starting %q", stderr, want)
	}
	if !strings.HasSuffix(stdout, "STOPPED: 0 passed, 0 failed, 0 skipped, 4 not run\n") {
		t.Errorf("stdout does not end with the not-run count:\n%s", stdout)
	}
	for _, f := range []string{reporting.CucumberFile, reporting.JUnitFile, reporting.HTMLFile} {
		if _, err := os.Stat(filepath.Join(reports, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
}

// TestTagExpressionsAgreeWithGodog: --list and --name select with the
// runner's reading of a tag expression, the run with godog's; they must be
// the same reading.
func TestTagExpressionsAgreeWithGodog(t *testing.T) {
	features := miniFeatures(t)
	src, err := findFeatures(features)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := suite.LoadScenarios(src.fsys, src.dir)
	if err != nil {
		t.Fatal(err)
	}
	var all []suite.ScenarioInfo // godog below reads mini.feature alone
	for _, s := range parsed {
		if s.URI == "features/mini.feature" {
			all = append(all, s)
		}
	}
	for _, expr := range []string{"", "@security", "~@security", "@status-200,@slow", "@spec-5 && ~@slow", "@endpoint-plain-dialer && @slow,@security", "@none"} {
		var ran []string
		gs := godog.TestSuite{
			ScenarioInitializer: func(sc *godog.ScenarioContext) {
				sc.Step(`^a step$`, func() error { return nil })
				sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
					ran = append(ran, s.Name)
					return ctx, nil
				})
			},
			Options: &godog.Options{Format: "progress", Output: &bytes.Buffer{}, Tags: expr, Concurrency: 1,
				FeatureContents: []godog.Feature{{Name: "mini.feature", Contents: []byte(miniFeature)}}},
		}
		gs.Run()
		var mine []string
		for _, s := range suite.SelectScenarios(all, expr, nil) {
			mine = append(mine, s.Name)
		}
		if strings.Join(mine, "|") != strings.Join(ran, "|") {
			t.Errorf("tags %q: runner selects %q, godog ran %q", expr, mine, ran)
		}
	}
}

// TestProfileErrorsNameFileLineAndField: a profile mistake stops the run
// before anything is sent, naming where it is.
func TestProfileErrorsNameFileLineAndField(t *testing.T) {
	example := filepath.Join("..", "..", "fixtures", "profiles", "staging.example.yaml")
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	// The annotated example loads as it is (it points at the TEST ONLY keys).
	code, _, stderr := runRunner(t, context.Background(), "--profile", example, "--list")
	if code != exitOK {
		t.Fatalf("staging.example.yaml: exit %d: %s", code, stderr)
	}
	keys, _ := filepath.Abs(filepath.Join("..", "..", "fixtures", "keys"))
	broken := strings.ReplaceAll(string(data), "../keys/", keys+"/") // the copy lives elsewhere
	broken = strings.Replace(broken, "rsa-padding: pkcs1v15", "rsa-padding: pkcs7", 1)
	line := 1 + strings.Count(broken[:strings.Index(broken, "rsa-padding: pkcs7")], "\n")
	path := filepath.Join(t.TempDir(), "staging.yaml")
	os.WriteFile(path, []byte(broken), 0o600)
	code, _, stderr = runRunner(t, context.Background(), "--profile", path, "--tags", "@status-302", "--reports", t.TempDir())
	want := fmt.Sprintf("profile %s:%d: knobs.rsa-padding", path, line)
	if code != exitUsage || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
}
