package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/internal/watch"
)

// runSuite is `runner run`, and `runner` with flags only.
func runSuite(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := suiteCommand{getenv: os.Getenv, now: time.Now, runSuite: runConformanceSuite}
	return cmd.run(ctx, args, stdout, stderr)
}

// suiteCommand holds what `runner run` takes from the outside world, so that
// tests can give it an environment and a clock.
type suiteCommand struct {
	getenv   func(string) string
	now      func() time.Time
	runSuite runSuiteFunc
}

// runSuiteFunc runs the scenarios and returns godog's cucumber JSON: partial
// when ctx was cancelled, and still valid JSON. godogFailed reports godog's
// own verdict, which the runner checks its judgement against.
type runSuiteFunc func(ctx context.Context, cfg suite.Config) (cucumberJSON []byte, godogFailed bool, err error)

func (c suiteCommand) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseSuiteFlags(args, c.getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "runner: %v\n", err)
		return exitUsage
	}
	sel, err := prepareSelection(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "runner: %v\n", err)
		return exitUsage
	}
	if cfg.list {
		writeList(stdout, sel.selected)
		return exitOK
	}
	return c.runAgainstTarget(ctx, cfg, sel, stdout, stderr)
}

// runAgainstTarget starts or reaches the target, probes it, and runs the
// selection against it once per repetition (see runRepetitions).
func (c suiteCommand) runAgainstTarget(ctx context.Context, cfg suiteConfig, sel selection, stdout, stderr io.Writer) int {
	// The embedded server keeps the reference's 4096-bit generateKeyPair
	// keys (refserver.Options zero, as `runner serve`): its run is the
	// reference run, with the spec's rsa-key-bits knob (section 7).
	tgt, err := target.Resolve(target.Options{
		Profile: cfg.profilePath, URL: cfg.target, ProfileName: "--profile", URLName: "--target (or " + envTarget + ")",
		Client: target.ClientOptions{Timeout: cfg.timeout, IdleConns: cfg.concurrency},
	})
	if err != nil {
		fmt.Fprintf(stderr, "runner: %v\n", err)
		return exitUsage
	}
	defer tgt.Close()
	if cfg.shard != nil {
		if err := shareBudgets(&tgt.Profile.Knobs, *cfg.shard); err != nil {
			fmt.Fprintf(stderr, "runner: %v\n", err)
			return exitUsage
		}
	}
	pace, err := newPacing(tgt)
	if err != nil {
		fmt.Fprintf(stderr, "runner: %v\n", err)
		return exitUsage
	}
	redactor := redact.Disabled()
	if cfg.redact {
		redactor = redact.New(tgt.Profile.Secrets()...)
	}
	out := newRunConsole(stdout, c.getenv, cfg.format)
	header := c.newMeta(cfg, tgt, 0)
	if cfg.repeat <= 1 && cfg.seed > 0 { // a drawn seed is in the summary
		header.Seed = cfg.seed
	}
	limits := pace.traffic()
	header.Traffic = &limits
	out.header(header, len(sel.selected), cfg.reportsDir, redactor)
	probed := pace.limiter.Wait(ctx) == nil // the probe is a request like any other
	var probe target.Diagnosis
	if probed {
		probe = target.Diagnose(ctx, tgt.HTTPClient, tgt.URL, cfg.timeout)
		probed = ctx.Err() == nil
	}
	t := runTarget{tgt: tgt, redactor: redactor, probed: probed, pace: pace, console: out}
	switch {
	case !t.probed:
	case probe.NoAnswer():
		t.noAnswer = probe.Text
	case probe.Text != "":
		fmt.Fprintf(stderr, "runner: warning: %s\n", redactor.String(probe.Text))
		t.note = probe.Text
	}
	// A target that did not answer the probe cleanly would fail every role's
	// check the same way: the run goes on to report what it does.
	if t.probed && !cfg.noPreflight && probe.Text == "" {
		switch res := runPreflight(ctx, tgt, pace, cfg.timeout, false, true, stdout, stderr); res.verdict {
		case preflightFailed:
			// The reports are written all the same (CI needs them in every
			// exit path): every scenario not run, the reason naming the
			// roles and the fields to check, every refusal in the notes.
			fmt.Fprintln(stderr, "runner: the preflight failed: no scenario was run; the reports list each as not run (runner check-profile repeats it; --no-preflight skips it)")
			t.noAnswer, t.preflightNotes = res.reason, res.refusals
		case preflightStopped:
			// As when the probe got no answer: every scenario is reported
			// not run, with the reason, and the run exits 2.
			t.noAnswer = res.reason
		case preflightInterrupted:
			t.probed = false // nothing may run
		}
	}
	return c.runRepetitions(ctx, cfg, sel, t, stdout, stderr)
}

// newMeta is what the reports say of a run against tgt with seed.
func (c suiteCommand) newMeta(cfg suiteConfig, tgt *target.Target, seed int64) reporting.Meta {
	meta := reporting.Meta{
		Target: tgt.URL, Profile: tgt.Label, ProfileName: tgt.Profile.Name, HarnessVersion: harnessVersion(),
		Tags: cfg.tags, Seed: seed, Concurrency: cfg.concurrency, Timeout: cfg.timeout,
		Strictness: tgt.Profile.Knobs.Strictness,
	}
	if cfg.name != nil {
		meta.Name = cfg.name.String()
	}
	return meta
}

// runTarget is a resolved and probed target, shared by the repetitions.
type runTarget struct {
	tgt      *target.Target
	redactor *redact.Redactor
	note     string // the probe's warning, if any
	// noAnswer says what the probe saw when it got no answer at all, why
	// the preflight could not judge the credentials (the target
	// misbehaved), or which credentials it refused: none runs, every
	// scenario is reported not run for it, and the run exits 2.
	noAnswer string
	// preflightNotes are the preflight's refusals, one line a role, for
	// the reports' notes.
	preflightNotes []string
	probed         bool // false: interrupted while probing, nothing may run
	pace           runPacing
	console        *runConsole
}

// runOnce runs the selection once with seed and runID, writes the reports
// and returns the exit code; the summary is printed when summary is set or
// the run did not pass.
func (c suiteCommand) runOnce(ctx context.Context, cfg suiteConfig, sel selection, t runTarget, seed int64, runID string, summary bool, stdout, stderr io.Writer) int {
	meta := c.newMeta(cfg, t.tgt, seed)
	if t.note != "" {
		meta.Notes = append(meta.Notes, t.note)
	}
	meta.Notes = append(meta.Notes, t.preflightNotes...)
	judging := reporting.Options{Redactor: t.redactor, KnownFailing: sel.known, Strictness: meta.Strictness}
	meta.Started = c.now()
	before := t.pace.traffic() // the repetitions share the limiter and the budget
	// The run's own context: the watch cancels it when the target stops
	// answering, and the scenarios it had not finished become "not run".
	runCtx, stopRun := context.WithCancelCause(ctx)
	defer stopRun(nil)
	w := watch.New(t.tgt.URL, 0, stopRun)
	if t.noAnswer != "" {
		// The scenarios still go through godog, on a cancelled context, so
		// that every report lists each one as not run, with the reason.
		w.Stop(t.noAnswer)
	}
	var cucumber []byte
	godogFailed := false
	if t.probed { // else interrupted while probing: nothing ran, the reports say so
		var onScenario func([]byte)
		if w.Stopped() == nil { // else every scenario is not run: the summary says so once
			onScenario = t.console.start(runCtx, meta, len(sel.selected), judging)
		}
		var runErr error
		stepsCfg := t.tgt.StepsConfig() // nil AdvanceClock unless the server runs in-process
		stepsCfg.RequestTimeout, stepsCfg.Redact, stepsCfg.RunID = cfg.timeout, cfg.redact, runID
		stepsCfg.Limiter, stepsCfg.Budget, stepsCfg.Watch = t.pace.limiter, t.pace.budget, w
		paths := sel.paths
		if t.pace.budget.Max() > 0 {
			// Under a call budget the scenarios that place calls run last:
			// the budget then skips as few scenarios as it must.
			paths = suite.FeaturePathsOf(suite.CallsLast(sel.selected, seed))
		}
		cucumber, godogFailed, runErr = c.runSuite(runCtx, suite.Config{
			Steps: stepsCfg, FeatureFS: sel.source.fsys, FeaturePaths: paths, Tags: cfg.tags,
			Concurrency: cfg.concurrency, Seed: seed, OnScenario: onScenario,
		})
		t.console.stop()
		if runErr != nil && runCtx.Err() == nil {
			fmt.Fprintf(stderr, "runner: the suite could not run: %s\n", t.redactor.String(runErr.Error()))
			return exitUsage
		}
	}
	meta.Finished = c.now()
	meta.Traffic = t.pace.trafficSince(before)
	meta.Interrupted = ctx.Err() != nil
	meta.Diagnosis = w.Diagnosis()
	cause := ""
	switch stopped := w.Stopped(); {
	case meta.Interrupted:
		cause = context.Cause(ctx).Error()
	case stopped != nil:
		meta.Stopped, cause = stopped.Error(), stopped.Error()
		fmt.Fprintf(stderr, "runner: stopped: %s\n", t.redactor.String(meta.Stopped))
	}
	judging.InterruptCause = cause
	return c.report(cfg, sel, meta, judging, cucumber, godogFailed, t.console, summary, stderr)
}

// report judges the run, writes the reports and picks the exit code.
func (c suiteCommand) report(cfg suiteConfig, sel selection, meta reporting.Meta, judging reporting.Options, cucumber []byte, godogFailed bool,
	out *runConsole, summary bool, stderr io.Writer) int {
	run, err := reporting.Build(meta, cucumber, judging)
	if err != nil {
		fmt.Fprintf(stderr, "runner: %v\n", err)
		return exitUsage
	}
	paths, err := reporting.WriteReports(cfg.reportsDir, run)
	if err == nil && cfg.shard != nil {
		err = writeShardManifest(cfg, sel, run.Meta, judging.InterruptCause)
	}
	if err != nil {
		fmt.Fprintf(stderr, "runner: %v\n", err)
	}
	code := exitCodeOf(run)
	if summary || code != exitOK || err != nil {
		out.summary(run, paths)
	}
	if err != nil && code == exitOK {
		code = exitUsage // a pass without its reports is not a pass CI can show
	}
	switch counts := run.Counts(); {
	case code == exitOK && godogFailed && counts.FailedAsExpected == 0 && counts.Deviation == 0:
		// godog saw a failure the reports do not show: never call that a pass.
		// (Known failures and, under strictness: documented, deviations are
		// failures to godog and shown as such in the reports.)
		fmt.Fprintln(stderr, "runner: godog reported a failure that no scenario in its cucumber JSON shows")
		return exitFailure
	case !meta.Interrupted && meta.Stopped == "" && counts.Total != len(sel.selected):
		fmt.Fprintf(stderr, "runner: %d scenarios were selected but %d ran\n", len(sel.selected), counts.Total)
		if code == exitOK {
			return exitUsage
		}
	}
	return code
}

// exitCodeOf is the policy (see suiteUsage): a run the harness stopped
// because the target stopped answering is an infrastructure error, whatever
// failed before; then failures, so that an interrupted run that already
// failed says 1; then incomplete or empty runs, which are not passes.
func exitCodeOf(run *reporting.Run) int {
	c := run.Counts()
	switch {
	case run.Meta.Stopped != "":
		return exitUsage
	case c.Failures() > 0:
		return exitFailure
	case run.Meta.Interrupted, c.Total == 0:
		return exitUsage
	default:
		return exitOK
	}
}
