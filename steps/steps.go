// Package steps is the conformance suite's step vocabulary: the Go behind
// the sentences of features/*.feature.
//
// A scenario names flows by role ("a healthy multicast flow", spec section
// 8), builds a payload from a template under fixtures/payloads, seals it
// (or corrupts it on purpose), sends it, and checks the answer with gjson
// paths and gomega matchers. Everything a scenario remembers lives in a
// scenario struct made by InitializeScenario, so scenarios run in parallel
// without sharing state; what they share (the profile, the templates, the
// run id that keeps client-identifiers unique) is read-only or atomic.
//
// A failing step's error reads like h2spec: the requirement first, then
// Expected, Actual and the gjson path. Every HTTP exchange is attached to
// the Cucumber JSON as "request" and "response" (secrets masked when
// Config.Redact is set); a scenario skipped because the profile lacks a
// role or a knob attaches its reason as "skip-reason".
package steps

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/fixtures"
	"github.com/kairos-conformance/kairos-conformance/internal/callbudget"
	"github.com/kairos-conformance/kairos-conformance/internal/pacing"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/repo"
	"github.com/kairos-conformance/kairos-conformance/internal/watch"
)

// DefaultRequestTimeout bounds every HTTP exchange a step makes.
const DefaultRequestTimeout = 10 * time.Second

// Config is what the steps need to know about a run.
type Config struct {
	// Profile names the target (Profile.Target, the base URL), the flows
	// playing each role, the phones and the knobs. Required.
	Profile *profile.Profile
	// RequestTimeout bounds each HTTP exchange (0: DefaultRequestTimeout).
	RequestTimeout time.Duration
	// Redact masks security ids, AES key strings, private keys and phone
	// numbers in attachments and error messages.
	Redact bool
	// HTTPClient sends the requests (nil: a client that does not follow
	// redirects). Its own Timeout, if any, applies too.
	HTTPClient *http.Client
	// Now is the harness's clock for start-times (nil: time.Now). It must
	// agree with the target's clock.
	Now func() time.Time
	// AdvanceClock, when set, moves the target's clock (and Now) forward.
	// Only an in-process reference server offers it; scenarios that need it
	// (the 24-hour checksum window) are skipped with a reason otherwise.
	AdvanceClock func(time.Duration)
	// FixturesDir holds payloads/ and vectors/ (empty: the repository's
	// fixtures directory, found by walking up from the working directory,
	// or outside a repository the copy embedded in the binary).
	FixturesDir string
	// RunID prefixes every generated client-identifier (empty: random), so
	// that two runs against one server never send identical payloads. Use
	// letters and digits.
	RunID string
	// Limiter paces every request (nil: one made from the profile's
	// knobs.max-requests-per-minute). Share the run's: the preflight's
	// requests count too.
	Limiter *pacing.Limiter
	// Budget counts the calls the target accepts and refuses requests
	// that could take it over knobs.max-accepted-calls (nil: one made from
	// the profile's knobs).
	Budget *callbudget.Budget
	// Watch, when set, sees every exchange: it stops the run when the
	// target stops answering (by cancelling the context the run's
	// scenarios share), and tells when the target does not speak Kairos.
	Watch *watch.Watch
}

// Suite is one run's shared, read-only (or synchronised) state.
type Suite struct {
	cfg       Config
	prof      *profile.Profile
	base      *url.URL
	client    *http.Client
	timeout   time.Duration
	now       func() time.Time
	templates map[string]string
	vector    *publishedVector
	ids       *idSource
	redact    *redact.Redactor
	limiter   *pacing.Limiter
	budget    *callbudget.Budget

	// flowLocks keep a scenario that rotates a flow's key alone on that
	// flow (flowlock.go).
	flowLocks sync.Map // flow-id -> *sync.RWMutex
	// stepPatterns are the step patterns outside the vocabulary, compiled
	// once per run (registry.go).
	stepPatterns sync.Map
	// exclusive lets a scenario that moves an in-process server's clock, or
	// measures answer times, run alone: every other scenario holds it for
	// reading, a @clock scenario or a @timing one against an in-process
	// server for writing, the @timing ones against a separate server
	// together through measuring.
	exclusive sync.RWMutex
	measuring *groupLock
}

// New checks cfg and loads the templates and the published vector.
func New(cfg Config) (*Suite, error) {
	if cfg.Profile == nil {
		return nil, errors.New("steps: Config.Profile is required")
	}
	base, err := url.Parse(strings.TrimRight(cfg.Profile.Target, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("steps: target %q is not an http(s) base URL", cfg.Profile.Target)
	}
	s := &Suite{cfg: cfg, prof: cfg.Profile, base: base, client: cfg.HTTPClient, timeout: cfg.RequestTimeout, now: cfg.Now}
	s.measuring = &groupLock{rw: &s.exclusive}
	if s.client == nil {
		s.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if s.timeout <= 0 {
		s.timeout = DefaultRequestTimeout
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ids, err = newIDSource(cfg.RunID); err != nil {
		return nil, err
	}
	fsys, err := fixturesFS(cfg.FixturesDir)
	if err != nil {
		return nil, err
	}
	if s.templates, err = loadTemplates(fsys); err != nil {
		return nil, err
	}
	if s.vector, err = loadVector(fsys); err != nil {
		return nil, err
	}
	s.redact = newRedactor(cfg.Redact, cfg.Profile)
	if s.limiter = cfg.Limiter; s.limiter == nil {
		if s.limiter, err = pacing.New(s.prof.Knobs.MaxRequestsPerMinute); err != nil {
			return nil, fmt.Errorf("steps: knobs.max-requests-per-minute: %w", err)
		}
	}
	if s.budget = cfg.Budget; s.budget == nil {
		if s.budget, err = callbudget.New(s.prof.Knobs.MaxAcceptedCalls, s.prof.Knobs.AllowBulkCalls); err != nil {
			return nil, fmt.Errorf("steps: knobs.max-accepted-calls: %w", err)
		}
	}
	return s, nil
}

// fixturesFS is dir, else the repository's fixtures directory, else the
// copy embedded in the binary.
func fixturesFS(dir string) (fs.FS, error) {
	if dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("steps: fixtures: %w", err)
		}
		return os.DirFS(dir), nil
	}
	if root, err := repo.Root(); err == nil {
		return os.DirFS(filepath.Join(root, "fixtures")), nil
	}
	return fixtures.FS, nil
}

// RepoRoot walks up from the working directory to the directory holding
// this module's go.mod (repo.Root).
func RepoRoot() (string, error) {
	root, err := repo.Root()
	if err != nil {
		return "", fmt.Errorf("steps: %w; set the fixtures and features paths explicitly", err)
	}
	return root, nil
}

// InitializeTestSuite is a no-op hook for symmetry with godog's API.
func (s *Suite) InitializeTestSuite(*godog.TestSuiteContext) {}

// InitializeScenario registers the vocabulary for one scenario, with a
// fresh scenario state.
func (s *Suite) InitializeScenario(sc *godog.ScenarioContext) {
	st := &scenario{s: s}
	sc.Before(st.before)
	sc.After(st.after)
	sc.StepContext().Before(st.beforeStep)
	sc.StepContext().After(st.afterStep)
	st.register(stepRegistry{sc: sc, patterns: &s.stepPatterns})
}

// register registers the vocabulary.
func (st *scenario) register(reg stepRegistry) {
	st.registerFlowSteps(reg)
	st.registerPayloadSteps(reg)
	st.registerValueSteps(reg)
	st.registerSendSteps(reg)
	st.registerMalformedSteps(reg)
	st.registerResponseSteps(reg)
	st.registerKeySteps(reg)
	st.registerEncryptDataSteps(reg)
	st.registerPullSteps(reg)
	st.registerTransportSteps(reg)
	st.registerECBSteps(reg)
	st.registerReplaySteps(reg)
	st.registerTimingSteps(reg)
	st.registerClassSteps(reg)
}

// cancelled is the error of a step started after the run was cancelled.
func cancelled(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("the run was cancelled before this scenario could finish: %w", context.Cause(ctx))
	}
	return nil
}
