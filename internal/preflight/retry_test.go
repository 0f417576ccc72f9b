package preflight_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/hostiletest"
	"github.com/kairos-conformance/kairos-conformance/internal/pacing"
	"github.com/kairos-conformance/kairos-conformance/internal/preflight"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/watch"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// hiccupServer is the reference server behind hostiletest.Hiccups.
func hiccupServer(t *testing.T, how hostiletest.Hiccup, nth ...int64) (*hostiletest.Hiccups, *profile.Profile) {
	t.Helper()
	world := testWorld(t)
	h, err := refserver.New(world, refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := hostiletest.NewHiccups(h, how, nth...)
	ts := httptest.NewServer(hs)
	t.Cleanup(ts.Close)
	t.Cleanup(hs.Close) // before ts.Close: it releases held requests
	return hs, world.Profile(ts.URL)
}

// watched runs the preflight one role at a time (unless cfg says
// otherwise: a resend is then the very next request) through a watch with the run's
// rule, paced by limiter.
func watched(t *testing.T, cfg preflight.Config) ([]*preflight.Check, *watch.Watch, error) {
	t.Helper()
	ctx, stop := context.WithCancelCause(context.Background())
	defer stop(nil)
	cfg.Watch = watch.New(cfg.Profile.Target, 0, stop)
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 1
	}
	checks, err := preflight.Run(ctx, cfg)
	return checks, cfg.Watch, err
}

// TestOneHiccupIsSentAgain: one request of the preflight's that gets no
// answer (a reset, a timeout) is sent again, once, through the run's
// limiter, and its role is judged on the second answer: nothing stops, no
// profile field is blamed, and the role's line says it was sent again.
func TestOneHiccupIsSentAgain(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		how  hostiletest.Hiccup
		said string
	}{
		{hostiletest.HiccupReset, "connection reset by the target"},
		{hostiletest.HiccupSilence, "timeout: no complete answer within 1s"},
	} {
		t.Run(string(tc.how), func(t *testing.T) {
			t.Parallel() // the silence waits out its timeout
			hs, prof := hiccupServer(t, tc.how, 3)
			limiter, _ := pacing.New(0)
			checks, w, err := watched(t, preflight.Config{Profile: prof, Limiter: limiter, Timeout: time.Second})
			if err != nil || w.Stopped() != nil {
				t.Fatalf("err %v, stopped %v: one hiccup stopped the preflight", err, w.Stopped())
			}
			retried := preflight.Retried(checks)
			if len(retried) != 1 {
				t.Fatalf("%d roles sent again, want 1: %v", len(retried), retried)
			}
			for _, c := range checks {
				if !c.OK() {
					t.Errorf("%s", c)
				}
			}
			if line := retried[0].String(); !strings.Contains(line, "as expected (sent again: the first attempt got "+tc.said) {
				t.Errorf("line %q does not say it was sent again after %q", line, tc.said)
			}
			if got, want := hs.Requests(), int64(len(checks)+1); got != want || limiter.Requests() != got {
				t.Errorf("the server got %d requests, the limiter counted %d; want %d (one per role, one resent)", got, limiter.Requests(), want)
			}
		})
	}
}

// TestNoAnswerTwiceIsUnjudged: a request that gets no answer twice is not
// a hiccup: its role is unjudged (the run stops for the target, blaming no
// profile field), and the line says both attempts; the other roles are
// judged, and two in a row do not trip the breaker.
func TestNoAnswerTwiceIsUnjudged(t *testing.T) {
	t.Parallel()
	hs, prof := hiccupServer(t, hostiletest.HiccupReset, 3, 4)
	checks, w, err := watched(t, preflight.Config{Profile: prof, Timeout: 10 * time.Second})
	if err != nil || w.Stopped() != nil {
		t.Fatalf("err %v, stopped %v", err, w.Stopped())
	}
	unjudged := preflight.Unjudged(checks)
	if len(unjudged) != 1 {
		t.Fatalf("%d roles unjudged, want the one whose request got no answer twice: %v", len(unjudged), unjudged)
	}
	if line := unjudged[0].String(); !strings.Contains(line, "but no answer: connection reset by the target") ||
		!strings.Contains(line, "(sent twice; the first attempt got connection reset by the target") || strings.Contains(line, "flows.") {
		t.Errorf("%q: want unjudged after two resets, no profile field blamed", line)
	}
	for _, c := range checks {
		if c != unjudged[0] && !c.OK() {
			t.Errorf("%s", c)
		}
	}
	if got, want := hs.Requests(), int64(len(checks)+1); got != want {
		t.Errorf("the server got %d requests, want %d", got, want)
	}
}

// refusingDialer refuses the dials whose numbers (from 1) are listed, as a
// target restarting behind its address does, and dials the others.
type refusingDialer struct {
	n      atomic.Int64
	refuse map[int64]bool
}

func (d *refusingDialer) client() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: d.dial, DisableKeepAlives: true}} // a dial per request
}

func (d *refusingDialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.refuse[d.n.Add(1)] {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

// TestRefusedAfterAnAnswerIsSentAgain: a connection refused once the
// target has answered (the probe, or an earlier role) is a hiccup, sent
// again; refused before the target ever answered, it is what a target that
// is not there does, and is not sent again.
func TestRefusedAfterAnAnswerIsSentAgain(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		refuse   int64 // the dial refused
		answered bool  // Config.Answered: the probe answered
		retried  bool
	}{
		{"after an earlier role's answer", 3, false, true},
		{"after the probe's answer", 1, true, true},
		{"before any answer", 1, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t)
			d := &refusingDialer{refuse: map[int64]bool{tc.refuse: true}}
			checks, w, err := watched(t, preflight.Config{Profile: s.profile(), Client: d.client(), Answered: tc.answered, Timeout: 10 * time.Second})
			if err != nil || w.Stopped() != nil {
				t.Fatalf("err %v, stopped %v", err, w.Stopped())
			}
			// With one role at a time, no other request is out when the
			// refusal comes: the resend is the next dial.
			retried, unjudged := preflight.Retried(checks), preflight.Unjudged(checks)
			switch {
			case tc.retried && (len(retried) != 1 || len(unjudged) != 0 || !retried[0].OK() || !strings.Contains(retried[0].Retried, "connection refused")):
				t.Errorf("retried %v, unjudged %v: want one role ok after the refusal, sent again", retried, unjudged)
			case !tc.retried && (len(retried) != 0 || len(unjudged) != 1 || !strings.Contains(unjudged[0].String(), "no answer: connection refused")):
				t.Errorf("retried %v, unjudged %v: want one role unjudged, refused, not sent again", retried, unjudged)
			}
			// The refused dial never reached the server; its resend did.
			want := int64(len(checks))
			if !tc.retried {
				want--
			}
			if got := s.requests.Load(); got != want {
				t.Errorf("the server got %d requests, want %d", got, want)
			}
		})
	}
}

// TestDeadTargetStillStopsWithinTheFirstRound: resending a request that
// got no answer does not keep a dead target's preflight going: the watch
// sees every attempt, its breaker trips at the third no-answer in a row,
// and the preflight ends within about twice --timeout (here, counted in
// timeouts: under three), against a target that never answers as against
// one that resets every connection.
func TestDeadTargetStillStopsWithinTheFirstRound(t *testing.T) {
	t.Parallel()
	prof := startServer(t).profile()
	for _, b := range []hostiletest.Behaviour{hostiletest.Silent, hostiletest.Reset} {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel() // the silent one waits out its timeouts
			srv, err := hostiletest.Start(b)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			p := *prof
			p.Target = srv.URL
			const timeout = 2 * time.Second
			start := time.Now()
			checks, w, err := watched(t, preflight.Config{Profile: &p, Timeout: timeout, Concurrency: preflight.DefaultConcurrency})
			took := time.Since(start)
			if err == nil || w.Stopped() == nil || !strings.Contains(w.Stopped().Reason, "3 exchanges in a row got no answer") {
				t.Fatalf("err %v, stopped %v: want the breaker's stop", err, w.Stopped())
			}
			// The first round: a request per role at once, and a resend for
			// each no-answer before the streak's last.
			if n, most := srv.Accepted(), int64(preflight.DefaultConcurrency+protocol.NoAnswerStreak-1); n > most {
				t.Errorf("the target got %d connections, want at most %d (one round)", n, most)
			}
			if took >= 3*timeout {
				t.Errorf("took %s with a timeout of %s: want under about twice the timeout", took, timeout)
			}
			notChecked := 0
			for _, c := range checks {
				if !c.Unjudged || strings.Contains(c.String(), "flows.") {
					t.Errorf("%s: want unjudged, nothing blamed on the profile", c)
				}
				if errors.Is(c.Err, preflight.ErrNotChecked) {
					notChecked++
				}
			}
			if notChecked < len(checks)-preflight.DefaultConcurrency-protocol.NoAnswerStreak+1 {
				t.Errorf("%d of %d roles not checked, want all but the first round", notChecked, len(checks))
			}
		})
	}
}
