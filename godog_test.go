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
// godog's CLI is not strict by default: pass --strict so undefined steps
// fail. It reads all of features/, including the @client scenarios of
// features/client, which judge a vendor's client with the harness as the
// server: here each is skipped, with the reason, and `runner certify-client`
// runs them. go test runs the suite once, in package suite; the test here
// runs only the @client scenarios, which skip without a request.

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/internal/certify/clientsteps"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
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

// clientSkipped counts the @client scenarios skipped, for the note at the end.
var clientSkipped atomic.Int64

// InitializeTestSuite aims the suite (starting an in-process server if
// nothing else is named) before it runs, and stops the server after it.
func InitializeTestSuite(ctx *godog.TestSuiteContext) {
	ctx.BeforeSuite(func() {
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
		if n := clientSkipped.Load(); n > 0 {
			fmt.Fprintf(os.Stderr, "kairos-conformance: %d @client scenarios skipped: %s\n", n, clientSkipReason)
		}
	})
}

// InitializeScenario registers the step vocabulary for one scenario: the
// server steps, and the client steps in a mode that skips the scenario.
func InitializeScenario(sc *godog.ScenarioContext) {
	run.Lock()
	s, err := run.steps, run.err
	run.Unlock()
	clientsteps.RegisterSkipping(sc, clientSkipReason)
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		for _, tag := range p.Tags {
			if tag.Name == suite.ClientTag {
				clientSkipped.Add(1)
				break
			}
		}
		return ctx, nil
	})
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
	cfg := steps.Config{Redact: os.Getenv(envRedact) != "false"}
	if v := os.Getenv(envRequestTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, nil, fmt.Errorf("%s=%q: want a positive duration such as 20s", envRequestTimeout, v)
		}
		cfg.RequestTimeout = d
	}
	tg, err := target.Resolve(target.Options{
		Profile: os.Getenv(envProfile), URL: os.Getenv(envTarget), ProfileName: envProfile, URLName: envTarget,
		Client: target.ClientOptions{Timeout: cfg.RequestTimeout},
		Server: refserver.Options{KeyBits: inProcessKeyBits},
	})
	if err != nil {
		return nil, nil, err
	}
	cfg.Profile, cfg.HTTPClient, cfg.Now, cfg.AdvanceClock = tg.Profile, tg.HTTPClient, tg.Now, tg.AdvanceClock
	s, err := steps.New(cfg)
	if err != nil {
		tg.Close()
		return nil, nil, err
	}
	return s, tg, nil
}
