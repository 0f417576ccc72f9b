package kairosconformance

// This file lets QA run the conformance suite with the godog CLI from the
// repository root, as they are used to:
//
//	go install github.com/cucumber/godog/cmd/godog@v0.16.0
//	godog run --strict --tags='~@client'                  # the embedded reference server
//	KAIROS_PROFILE=fixtures/profiles/staging.yaml godog run --strict --tags='~@client'
//	KAIROS_TARGET=http://127.0.0.1:8080 godog run --strict   # a `runner serve` reference server
//
// KAIROS_PROFILE names a target profile (profile.Load); KAIROS_TARGET a
// base URL, overriding the profile's, or alone the URL of a reference server
// (the reference world's profile is used). With neither, an in-process
// reference server is started before the suite and stopped after it.
// KAIROS_REDACT=false shows secrets in the output (default: masked);
// KAIROS_REQUEST_TIMEOUT (e.g. 20s) bounds each HTTP exchange.
//
// godog's CLI is not strict by default: pass --strict so undefined steps
// fail. The @client scenarios (features/client) judge a vendor's client and
// have their own runner (runner certify-client); exclude them with
// --tags='~@client'. go test runs the suite once, in package suite; this
// package defines no tests, so `go test ./...` does not run it twice.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/profile"
	"github.com/kairos-conformance/kairos-conformance/refserver"
	"github.com/kairos-conformance/kairos-conformance/steps"
)

// inProcessKeyBits is the size of keys the in-process server makes for
// generateKeyPair (4096-bit keys take seconds each).
const inProcessKeyBits = 2048

var run struct {
	sync.Mutex
	steps  *steps.Suite
	server *httptest.Server
	err    error
}

// InitializeTestSuite starts the target (or reads the profile) before the
// suite and stops an in-process server after it.
func InitializeTestSuite(ctx *godog.TestSuiteContext) {
	ctx.BeforeSuite(func() {
		run.Lock()
		defer run.Unlock()
		run.steps, run.server, run.err = setUp()
		if run.err != nil {
			fmt.Fprintln(os.Stderr, "kairos-conformance:", run.err)
		}
	})
	ctx.AfterSuite(func() {
		run.Lock()
		defer run.Unlock()
		if run.server != nil {
			run.server.Close()
		}
	})
}

// InitializeScenario registers the step vocabulary for one scenario.
func InitializeScenario(sc *godog.ScenarioContext) {
	run.Lock()
	s, err := run.steps, run.err
	run.Unlock()
	if s == nil {
		if err == nil {
			err = fmt.Errorf("the suite was not set up (InitializeTestSuite did not run)")
		}
		sc.Before(func(ctx context.Context, _ *godog.Scenario) (context.Context, error) { return ctx, err })
		return
	}
	s.InitializeScenario(sc)
}

func setUp() (*steps.Suite, *httptest.Server, error) {
	cfg := steps.Config{Redact: os.Getenv("KAIROS_REDACT") != "false"}
	if v := os.Getenv("KAIROS_REQUEST_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, nil, fmt.Errorf("KAIROS_REQUEST_TIMEOUT=%q: %w", v, err)
		}
		cfg.RequestTimeout = d
	}
	target, profilePath := os.Getenv("KAIROS_TARGET"), os.Getenv("KAIROS_PROFILE")
	var server *httptest.Server
	switch {
	case profilePath != "":
		p, err := profile.Load(profilePath)
		if err != nil {
			return nil, nil, err
		}
		if target != "" {
			p.Target = target
		}
		if p.Target == "" {
			return nil, nil, fmt.Errorf("profile %s has no target: set KAIROS_TARGET", profilePath)
		}
		client, err := tlsClient(p)
		if err != nil {
			return nil, nil, err
		}
		cfg.Profile, cfg.HTTPClient = p, client
	default:
		w, err := loadWorld()
		if err != nil {
			return nil, nil, err
		}
		if target != "" {
			cfg.Profile = w.Profile(target)
			break
		}
		c := &movableClock{}
		srv, err := refserver.New(w, refserver.Options{Now: c.Now, KeyBits: inProcessKeyBits})
		if err != nil {
			return nil, nil, err
		}
		server = httptest.NewServer(srv)
		cfg.Profile = w.Profile(server.URL)
		cfg.Profile.Knobs.RSAKeyBits = inProcessKeyBits
		cfg.Now, cfg.AdvanceClock = c.Now, c.Advance
	}
	s, err := steps.New(cfg)
	if err != nil {
		if server != nil {
			server.Close()
		}
		return nil, nil, err
	}
	return s, server, nil
}

// tlsClient trusts the profile's CA file or skips
// verification if it says so; nil (the default client) otherwise.
func tlsClient(p *profile.Profile) (*http.Client, error) {
	if p.TLS.CAFile == "" && !p.TLS.InsecureSkipVerify {
		return nil, nil
	}
	conf := &tls.Config{InsecureSkipVerify: p.TLS.InsecureSkipVerify}
	if ca := p.TLS.CAFile; ca != "" { // profile.Load made it relative to the profile
		pemData, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("profile %s: tls.ca-file: %w", p.Path, err)
		}
		conf.RootCAs = x509.NewCertPool()
		if !conf.RootCAs.AppendCertsFromPEM(pemData) {
			return nil, fmt.Errorf("profile %s: tls.ca-file %s holds no PEM certificate", p.Path, ca)
		}
	}
	return &http.Client{
		Transport:     &http.Transport{Proxy: http.ProxyFromEnvironment, TLSClientConfig: conf},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}

func loadWorld() (*refserver.World, error) {
	path, err := refserver.FindWorld()
	if err != nil {
		return nil, err
	}
	return refserver.LoadWorld(path)
}

// movableClock lets the in-process server's clock cross the checksum window.
type movableClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *movableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *movableClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}
