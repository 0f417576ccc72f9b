package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/kairos-conformance/kairos-conformance/profile"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// target is the server a run is aimed at, with the profile that describes it.
type target struct {
	url   string
	prof  *profile.Profile
	label string // the profile as the reports name it
	// clock is set only for the embedded server, whose clock the steps may
	// move forward (the 24-hour checksum window); nil for a real server.
	clock *offsetClock
	stop  func() // shuts an embedded server down; never nil
}

// resolveTarget picks the target from the flags: the embedded reference
// server by default; --target alone is a server of the reference world
// (`runner serve`), so it gets the world's profile; --profile describes any
// other server, and --target overrides the profile's own target.
func resolveTarget(cfg suiteConfig) (*target, error) {
	if cfg.profilePath != "" {
		prof, err := profile.Load(cfg.profilePath)
		if err != nil {
			return nil, err
		}
		url := cfg.target
		if url == "" {
			url = prof.Target
		}
		if url == "" {
			return nil, fmt.Errorf("profile %s sets no target: add \"target: https://...\" to it or pass --target", cfg.profilePath)
		}
		prof.Target = url
		return &target{url: url, prof: prof, label: cfg.profilePath, stop: func() {}}, nil
	}
	world, err := loadReferenceWorld()
	if err != nil {
		return nil, err
	}
	if cfg.target != "" {
		return &target{url: cfg.target, prof: world.Profile(cfg.target),
			label: "reference world " + displayPath(world.Path) + " (no --profile)", stop: func() {}}, nil
	}
	return startEmbedded(world)
}

func loadReferenceWorld() (*refserver.World, error) {
	path, err := refserver.FindWorld()
	if err != nil {
		return nil, fmt.Errorf("the embedded reference server needs its world: %w", err)
	}
	return refserver.LoadWorld(path)
}

// startEmbedded serves the reference world on a loopback port for the run.
func startEmbedded(world *refserver.World) (*target, error) {
	clock := &offsetClock{}
	srv, err := refserver.New(world, refserver.Options{Now: clock.Now})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("embedded reference server: %w", err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
	}
	go hs.Serve(ln)
	url := "http://" + ln.Addr().String()
	return &target{
		url:   url,
		prof:  world.Profile(url),
		label: "reference world " + displayPath(world.Path) + " (embedded server)",
		clock: clock,
		stop: func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			hs.Shutdown(ctx)
		},
	}, nil
}

// offsetClock is the embedded server's clock: real time plus an offset the
// steps may advance, so a scenario can cross the 24-hour checksum window
// without waiting for it.
type offsetClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *offsetClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// newHTTPClient is the client every request of the run goes through: TLS as
// the profile says, every phase bounded by the per-request timeout, no
// redirects (a Kairos endpoint never redirects; following one would hide it).
func newHTTPClient(prof *profile.Profile, timeout time.Duration, concurrency int) (*http.Client, error) {
	tlsConfig := &tls.Config{InsecureSkipVerify: prof.TLS.InsecureSkipVerify}
	if prof.TLS.CAFile != "" {
		caFile := prof.TLS.CAFile // profile.Load resolved it against the profile's directory
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("profile %s: tls.ca-file: %w", prof.Path, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("profile %s: tls.ca-file: %s holds no PEM certificate", prof.Path, caFile)
		}
		tlsConfig.RootCAs = pool
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   concurrency,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}
