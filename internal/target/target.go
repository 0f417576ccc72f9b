// Package target decides where a conformance run is aimed and hands back
// what the steps need to reach it: the base URL, the profile describing the
// server (its flows by role, spec section 8; its knobs, section 7), an HTTP
// client that honours the profile's TLS settings, and, for a reference
// server run in-process, a clock the steps may move past the 24-hour
// checksum window (spec section 5, rule 20).
//
// Resolve applies the rules every front end shares (`runner run`, the godog
// CLI from the repository root); StartEmbedded serves the reference world on
// loopback for a test that wants its own server.
package target

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/refserver"
	"github.com/kairos-conformance/kairos-conformance/steps"
)

// Options say where to aim a run.
type Options struct {
	// Profile is a target profile file (profile.Load); empty: none.
	Profile string
	// URL is a base URL. With a profile it overrides the profile's target;
	// alone it is a server of the reference world (`runner serve`).
	URL string
	// ProfileName and URLName are how the user gives Profile and URL
	// ("--profile" and "--target", or "KAIROS_PROFILE" and
	// "KAIROS_TARGET"), for errors and the label (defaults: "the profile",
	// "the target URL").
	ProfileName, URLName string
	// Client shapes Target.HTTPClient.
	Client ClientOptions
	// Server configures the reference server started when neither Profile
	// nor URL is given (see StartEmbedded).
	Server refserver.Options
}

// Target is the server a run is aimed at.
type Target struct {
	// URL is the base URL, the same as Profile.Target.
	URL string
	// Profile describes the server. The caller may adjust it before the run.
	Profile *profile.Profile
	// Label names the profile as the reports show it: its file, or the
	// reference world's.
	Label string
	// HTTPClient is the client every request of the run goes through (see
	// NewHTTPClient).
	HTTPClient *http.Client
	// Now is the target's clock: time.Now for a real server.
	Now func() time.Time
	// AdvanceClock moves the target's clock (and Now) forward; nil for a
	// server not running in this process, whose clock nobody can move.
	AdvanceClock func(time.Duration)

	closeOnce sync.Once
	stop      func()
}

// StepsConfig is the target's part of what the steps need: its profile,
// HTTP client and clock. The caller adds the run's own settings (timeout,
// redaction, pacing) before handing it to steps.New or suite.Run.
func (t *Target) StepsConfig() steps.Config {
	return steps.Config{Profile: t.Profile, HTTPClient: t.HTTPClient, Now: t.Now, AdvanceClock: t.AdvanceClock}
}

// Close closes the client's idle connections and stops an in-process
// server, waiting for its requests to finish (at most a few seconds). It
// may be called more than once.
func (t *Target) Close() {
	t.closeOnce.Do(func() {
		// First: a server's graceful shutdown would wait seconds for
		// connections the transport dialed but never used.
		t.HTTPClient.CloseIdleConnections()
		if t.stop != nil {
			t.stop()
		}
	})
}

// Resolve picks the target:
//
//   - Profile given: the server it describes; URL, if given, overrides the
//     profile's own target, and one of the two must name it.
//   - URL alone: a server of the reference world, such as `runner serve`,
//     described by the reference world's profile.
//   - Neither: the reference server, started in-process on loopback with a
//     movable clock (StartEmbedded with opts.Server).
//
// Errors name the file, flag or variable at fault.
func Resolve(opts Options) (*Target, error) {
	urlName := nameOr(opts.URLName, "the target URL")
	if opts.URL != "" {
		if u, err := url.Parse(opts.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%s: %q is not an http(s) base URL", urlName, opts.URL)
		}
	}
	base := strings.TrimRight(opts.URL, "/")
	if opts.Profile != "" {
		prof, err := profile.Load(opts.Profile)
		if err != nil {
			return nil, err
		}
		if base == "" {
			base = strings.TrimRight(prof.Target, "/")
		}
		if base == "" {
			return nil, fmt.Errorf("profile %s sets no target: add \"target: https://...\" to it, or set %s", opts.Profile, urlName)
		}
		prof.Target = base
		return newTarget(base, prof, opts.Profile, opts.Client)
	}
	world, err := ReferenceWorld()
	if err != nil {
		return nil, err
	}
	if base != "" {
		label := fmt.Sprintf("reference world %s (no %s)", shortPath(world.Path), nameOr(opts.ProfileName, "profile"))
		return newTarget(base, world.Profile(base), label, opts.Client)
	}
	return StartEmbedded(world, opts.Server, opts.Client)
}

// newTarget is a target served elsewhere, on the real clock.
func newTarget(base string, prof *profile.Profile, label string, client ClientOptions) (*Target, error) {
	hc, err := NewHTTPClient(prof, client)
	if err != nil {
		return nil, err
	}
	return &Target{URL: base, Profile: prof, Label: label, HTTPClient: hc, Now: time.Now}, nil
}

// ReferenceWorld loads the reference world (refserver.DefaultWorld): the
// module's fixtures/world/reference.yaml when the working directory is
// inside the repository, else the copy embedded in the binary.
func ReferenceWorld() (*refserver.World, error) {
	return refserver.DefaultWorld()
}

func nameOr(name, fallback string) string {
	if name == "" {
		return fallback
	}
	return name
}

// shortPath is path relative to the working directory when that is shorter.
func shortPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && len(rel) < len(path) {
		return rel
	}
	return path
}
