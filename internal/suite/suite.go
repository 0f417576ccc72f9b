// Package suite is the harness's one front to godog. It runs the Kairos
// conformance suite (features/*.feature with the steps package) against a
// target described by a profile and hands back godog's status and the
// Cucumber JSON the reports are built from (read with the reports' parser,
// Result.Scenarios); it selects scenarios before a run as godog will
// (LoadScenarios, SelectScenarios) and owns the tag expressions (CheckTags,
// MatchTags, Tags) and the one ClientTag.
//
// It always passes godog full Options (Strict, so undefined, pending or
// ambiguous steps fail the run), runs scenarios concurrently, and derives
// every scenario's context from the caller's: cancelling ctx makes the
// remaining steps fail fast, and Run still returns the Cucumber JSON of
// what ran.
package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/features"
	"github.com/kairos-conformance/kairos-conformance/steps"
)

// Defaults.
const (
	// DefaultConcurrency is how many scenarios run at once. Most scenarios
	// are a few requests; against a far-away target the run is bound by
	// round trips, and 32 in flight hide them (BenchmarkSuiteBehind100ms).
	// It never breaks a rate limit: every request waits for the run's
	// pacing limiter (knobs.max-requests-per-minute) whatever the
	// concurrency.
	DefaultConcurrency = 32
	DefaultFormat      = "progress"
)

// godog's exit statuses.
const (
	StatusPassed = 0
	StatusFailed = 1
	StatusUsage  = 2
)

// Config configures one run.
type Config struct {
	// Steps is what the scenarios need: the target's profile (required),
	// HTTP client and clock, the request timeout, redaction, pacing. It is
	// handed to steps.New as it is; target.Target.StepsConfig fills the
	// target's part.
	Steps steps.Config
	// FeaturePaths are feature files or directories, or "file.feature:LINE"
	// for one scenario: paths on disk, or in FeatureFS when it is set.
	// Empty: features/ (package features' Source when FeatureFS is nil:
	// the repository's directory, found by walking up to its go.mod, or
	// outside the repository the copy embedded in the binary). Scenarios
	// tagged ClientTag are always excluded.
	FeaturePaths []string
	// FeatureFS, when set, holds FeaturePaths (slash-separated, as
	// fs.ValidPath has them); godog's URIs are those paths.
	FeatureFS fs.FS
	// Tags is a godog tag expression ("@status-201,@status-400",
	// "@security && ~@clock"); empty selects everything.
	Tags string
	// Concurrency is how many scenarios run at once (0:
	// DefaultConcurrency).
	Concurrency int
	// Seed orders the scenarios: 0 file order, -1 a random seed, anything
	// else that seed (godog shuffles the scenarios within each feature).
	Seed int64
	// OnScenario, when set, is called as each scenario finishes, never
	// concurrently, with a Cucumber JSON document holding that scenario
	// alone (the shape of the run's report, attachments included), and
	// godog prints nothing: the caller's console is built from these.
	// Console and Format are then ignored.
	OnScenario func(cucumberJSON []byte)
	// Console receives godog's own console output (nil: discarded).
	Console io.Writer
	// Format is godog's console formatter: progress (default), pretty...
	Format string
	// Colors keeps ANSI colours in the console output.
	Colors bool
}

// Result is what a run produced.
type Result struct {
	// Status is godog's: 0 passed, 1 failed, 2 usage error.
	Status int
	// CucumberJSON is godog's Cucumber JSON report, with attachments.
	CucumberJSON []byte
}

// Run runs the suite. An error means the run could not be made (bad
// config, no features); a failed scenario is Result.Status 1, not an error.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Steps.Profile == nil {
		return nil, errors.New("suite: Config.Steps.Profile is required")
	}
	paths, fsys := cfg.FeaturePaths, cfg.FeatureFS
	if len(paths) == 0 {
		if fsys == nil {
			var err error
			if fsys, _, err = features.Source(); err != nil {
				return nil, fmt.Errorf("suite: %w", err)
			}
		}
		paths = []string{features.Dir}
	}
	for _, p := range paths {
		// godog also takes "file.feature:LINE" for one scenario.
		if err := statFeaturePath(fsys, lineSuffix.ReplaceAllString(p, "")); err != nil {
			return nil, fmt.Errorf("suite: feature path: %w", err)
		}
	}
	tags, err := Tags(cfg.Tags)
	if err != nil {
		return nil, err
	}
	format := cfg.Format
	if format == "" {
		format = DefaultFormat
	}
	if cfg.OnScenario != nil {
		format = scenarioFormat
	}
	if godog.FindFmt(format) == nil {
		return nil, fmt.Errorf("suite: unknown console format %q", format)
	}
	concurrency := cfg.Concurrency
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	st, err := steps.New(cfg.Steps)
	if err != nil {
		return nil, fmt.Errorf("suite: %w", err)
	}
	dir, err := os.MkdirTemp("", "kairos-suite-")
	if err != nil {
		return nil, fmt.Errorf("suite: %w", err)
	}
	defer os.RemoveAll(dir)
	cukePath := filepath.Join(dir, "cucumber.json")
	// godog's own colour stripper writes one rune per Write (one syscall
	// per character of a multi-megabyte Cucumber JSON file), so colours stay
	// on inside godog and the console strips them itself.
	var console io.Writer = io.Discard
	switch {
	case cfg.OnScenario != nil:
		console = &scenarioSink{onScenario: cfg.OnScenario}
	case cfg.Console != nil:
		console = cfg.Console
		if !cfg.Colors {
			console = &stripANSI{w: cfg.Console}
		}
	}
	opts := godog.Options{
		Format:         format + ",cucumber:" + cukePath,
		Output:         console,
		NoColors:       false,
		Paths:          paths,
		FS:             fsys, // nil: the disk
		Tags:           tags,
		Concurrency:    concurrency,
		Randomize:      cfg.Seed,
		Strict:         true,
		DefaultContext: ctx,
	}
	status := godog.TestSuite{
		Name:                 "kairos-conformance",
		TestSuiteInitializer: st.InitializeTestSuite,
		ScenarioInitializer:  st.InitializeScenario,
		Options:              &opts,
	}.Run()
	cuke, err := os.ReadFile(cukePath)
	if err != nil {
		return nil, fmt.Errorf("suite: godog wrote no Cucumber JSON (status %d): %w", status, err)
	}
	if status == StatusUsage {
		return &Result{Status: status, CucumberJSON: cuke}, fmt.Errorf("suite: godog refused the options (status %d; see its message on stderr)", status)
	}
	return &Result{Status: status, CucumberJSON: cuke}, nil
}

var lineSuffix = regexp.MustCompile(`:\d+$`)

// statFeaturePath checks that path is in fsys, or on disk if fsys is nil.
func statFeaturePath(fsys fs.FS, path string) error {
	if fsys == nil {
		_, err := os.Stat(path)
		return err
	}
	_, err := fs.Stat(fsys, path)
	return err
}
