package kairosconformance

// This file lets QA run the conformance suite with the godog CLI from the
// repository root, as they are used to:
//
//	go install github.com/cucumber/godog/cmd/godog@v0.16.0
//	godog run --strict                                      # the in-process reference server
//	KAIROS_PROFILE=fixtures/profiles/staging.yaml godog run --strict
//	KAIROS_TARGET=http://127.0.0.1:8080 godog run --strict   # a `runner serve` reference server
//
// KAIROS_PROFILE names a target profile (profile.Load); KAIROS_TARGET a
// base URL, overriding the profile's, or alone the URL of a reference server
// (the reference world's profile is used). With neither, an in-process
// reference server is started before the suite and stopped after it. The
// rules are package target's, as for `runner run`.
// KAIROS_REDACT=false shows secrets in the output (default: masked);
// KAIROS_REQUEST_TIMEOUT (e.g. 20s) bounds each HTTP exchange.
//
// godog's own summary counts a skipped scenario as passed ("369 passed"
// when 38 were skipped). So this wiring prints, on stderr, a line for each
// skipped scenario with its reason as it happens, and before godog's
// summary its own count, with skips counted as skips.
//
// godog's CLI is not strict by default: pass --strict so undefined steps
// fail. It reads all of features/, including the @client scenarios of
// features/client, which judge a vendor's client with the harness as the
// server: here each is skipped, with the reason, and `runner certify-client`
// runs them. go test runs the suite once, in package suite; the test here
// runs only the @client scenarios, which skip without a request.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/internal/certify/clientsteps"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/refserver"
	"github.com/kairos-conformance/kairos-conformance/steps"
)

// Environment variables that aim and shape the run.
const (
	envProfile        = "KAIROS_PROFILE"
	envTarget         = "KAIROS_TARGET"
	envRedact         = "KAIROS_REDACT"
	envRequestTimeout = "KAIROS_REQUEST_TIMEOUT"
)

// inProcessKeyBits is the size of keys the in-process server makes for
// generateKeyPair (4096-bit keys take seconds each); the profile's
// rsa-key-bits knob follows it.
const inProcessKeyBits = 2048

// clientSkipReason is why the @client scenarios do not run here.
const clientSkipReason = "client scenarios are judged by `runner certify-client`, not against a server"

var run struct {
	sync.Mutex
	steps  *steps.Suite
	target *target.Target
	err    error
}

// tally counts the scenarios by outcome as they finish, skips as skips,
// and says so on out (os.Stderr; a test may point it elsewhere before the
// suite runs).
var tally = struct {
	sync.Mutex
	out                     io.Writer
	passed, failed, skipped int
	reasons                 map[string]int
}{out: os.Stderr, reasons: map[string]int{}}

// InitializeTestSuite aims the suite (starting an in-process server if
// nothing else is named) before it runs, and stops the server after it.
func InitializeTestSuite(ctx *godog.TestSuiteContext) {
	ctx.BeforeSuite(func() {
		tally.Lock()
		tally.passed, tally.failed, tally.skipped, tally.reasons = 0, 0, 0, map[string]int{}
		tally.Unlock()
		run.Lock()
		defer run.Unlock()
		run.steps, run.target, run.err = setUp()
		if run.err != nil {
			fmt.Fprintln(os.Stderr, "kairos-conformance:", run.err)
		}
	})
	ctx.AfterSuite(func() {
		run.Lock()
		defer run.Unlock()
		if run.target != nil {
			run.target.Close()
		}
		writeTally()
	})
}

// InitializeScenario registers the step vocabulary for one scenario: the
// server steps, and the client steps in a mode that skips the scenario.
func InitializeScenario(sc *godog.ScenarioContext) {
	run.Lock()
	s, err := run.steps, run.err
	run.Unlock()
	clientsteps.RegisterSkipping(sc, clientSkipReason)
	afterStep, after := outcomeHooks()
	sc.StepContext().After(afterStep)
	sc.After(after)
	if s == nil {
		if err == nil {
			err = fmt.Errorf("the suite was not set up (InitializeTestSuite did not run)")
		}
		sc.Before(func(ctx context.Context, _ *godog.Scenario) (context.Context, error) { return ctx, err })
		return
	}
	s.InitializeScenario(sc)
}

func setUp() (*steps.Suite, *target.Target, error) {
	var timeout time.Duration // 0: steps.DefaultRequestTimeout
	if v := os.Getenv(envRequestTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, nil, fmt.Errorf("%s=%q: want a positive duration such as 20s", envRequestTimeout, v)
		}
		timeout = d
	}
	tg, err := target.Resolve(target.Options{
		Profile: os.Getenv(envProfile), URL: os.Getenv(envTarget), ProfileName: envProfile, URLName: envTarget,
		Client: target.ClientOptions{Timeout: timeout},
		Server: refserver.Options{KeyBits: inProcessKeyBits},
	})
	if err != nil {
		return nil, nil, err
	}
	run := tg.StepsConfig()
	run.Redact, run.RequestTimeout = os.Getenv(envRedact) != "false", timeout
	s, err := steps.New(run)
	if err != nil {
		tg.Close()
		return nil, nil, err
	}
	return s, tg, nil
}

// outcomeHooks are the hooks that count one scenario once it ends: skipped
// when a step skipped it (godog.ErrSkip, whose text carries the reason),
// failed on any other error, else passed. (A helper taking a
// *godog.ScenarioContext would be mistaken by the godog CLI for a scenario
// initializer it must be able to call.)
func outcomeHooks() (godog.AfterStepHook, godog.AfterScenarioHook) {
	var skipReason string
	var skipped bool
	afterStep := func(ctx context.Context, _ *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		if status == godog.StepSkipped && errors.Is(err, godog.ErrSkip) && !skipped {
			skipped = true
			skipReason = strings.TrimSpace(strings.TrimPrefix(err.Error(), godog.ErrSkip.Error()+":"))
		}
		return ctx, nil
	}
	after := func(ctx context.Context, p *godog.Scenario, err error) (context.Context, error) {
		tally.Lock()
		defer tally.Unlock()
		switch {
		case skipped || errors.Is(err, godog.ErrSkip):
			tally.skipped++
			reason := skipReason
			if reason == "" {
				reason = "(no reason given)"
			}
			tally.reasons[reason]++
			fmt.Fprintf(tally.out, "kairos-conformance: skipped: %s (%s): %s\n", p.Name, p.Uri, reason)
		case err != nil:
			tally.failed++
		default:
			tally.passed++
		}
		return ctx, nil
	}
	return afterStep, after
}

// writeTally prints the run's count, skips as skips, and the skip reasons
// with their counts. godog prints its own summary after this.
func writeTally() {
	tally.Lock()
	defer tally.Unlock()
	total := tally.passed + tally.failed + tally.skipped
	fmt.Fprintf(tally.out, "kairos-conformance: %d scenarios: %d passed, %d failed, %d skipped\n", total, tally.passed, tally.failed, tally.skipped)
	reasons := make([]string, 0, len(tally.reasons))
	for r := range tally.reasons {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if tally.reasons[reasons[i]] != tally.reasons[reasons[j]] {
			return tally.reasons[reasons[i]] > tally.reasons[reasons[j]]
		}
		return reasons[i] < reasons[j]
	})
	for _, r := range reasons {
		fmt.Fprintf(tally.out, "kairos-conformance: %4d skipped: %s\n", tally.reasons[r], r)
	}
	if tally.skipped > 0 {
		fmt.Fprintln(tally.out, "kairos-conformance: (godog's summary below counts a skipped scenario as passed)")
	}
}
