package preflight_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/callbudget"
	"github.com/kairos-conformance/kairos-conformance/internal/hostiletest"
	"github.com/kairos-conformance/kairos-conformance/internal/pacing"
	"github.com/kairos-conformance/kairos-conformance/internal/preflight"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/testworld"
	"github.com/kairos-conformance/kairos-conformance/internal/watch"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// server is a reference server that counts the requests it got and the
// calls it accepted (phonon-uuids in its answers).
type server struct {
	url      string
	requests atomic.Int64
	accepted atomic.Int64
	world    *refserver.World
}

// worlds are loaded once: servers only read them.
var worlds struct {
	once            sync.Once
	reference, test *refserver.World
	err             error
}

// loadWorlds returns the reference world (4096-bit flow keys) and
// testworld's (the same flows with 2048-bit keys, six times cheaper for
// the server to open: these tests judge the preflight, not key sizes).
func loadWorlds(t *testing.T) (reference, test *refserver.World) {
	t.Helper()
	worlds.once.Do(func() {
		if worlds.reference, worlds.err = refserver.DefaultWorld(); worlds.err != nil {
			return
		}
		dir, err := os.MkdirTemp("", "preflight-testworld-")
		if err != nil {
			worlds.err = err
			return
		}
		defer os.RemoveAll(dir) // the keys are held in memory
		worlds.test, worlds.err = testworld.Load(dir)
	})
	if worlds.err != nil {
		t.Fatal(worlds.err)
	}
	return worlds.reference, worlds.test
}

// testWorld is testworld's world, loaded once.
func testWorld(t *testing.T) *refserver.World {
	t.Helper()
	_, w := loadWorlds(t)
	return w
}

// startServer serves testworld's world.
func startServer(t *testing.T) *server {
	t.Helper()
	return startServerWith(t, testWorld(t))
}

func startServerWith(t *testing.T, world *refserver.World) *server {
	t.Helper()
	h, err := refserver.New(world, refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := &server{world: world}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		gjson.GetBytes(rec.Body.Bytes(), "call-details.#.phonon-uuid").ForEach(func(_, v gjson.Result) bool {
			if v.String() != "" {
				s.accepted.Add(1)
			}
			return true
		})
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		io.Copy(w, bytes.NewReader(rec.Body.Bytes()))
	}))
	t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

func (s *server) profile() *profile.Profile { return s.world.Profile(s.url) }

func run(t *testing.T, prof *profile.Profile, limiter *pacing.Limiter, budget *callbudget.Budget) []*preflight.Check {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	checks, err := preflight.Run(ctx, preflight.Config{Profile: prof, Limiter: limiter, Budget: budget, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return checks
}

// TestReferenceWorldPasses: every role of the reference world (its own
// 4096-bit keys) answers as the preflight expects, with one request each,
// and no call is placed.
func TestReferenceWorldPasses(t *testing.T) {
	t.Parallel()
	reference, _ := loadWorlds(t)
	s := startServerWith(t, reference)
	prof := s.profile()
	limiter, _ := pacing.New(0)
	budget, _ := callbudget.New(0, false)
	checks := run(t, prof, limiter, budget)
	if len(checks) != len(prof.Roles()) {
		t.Fatalf("%d checks for %d roles", len(checks), len(prof.Roles()))
	}
	for _, c := range checks {
		if !c.OK() {
			t.Errorf("%s", c)
		}
	}
	if got := s.requests.Load(); got != int64(len(checks)) || limiter.Requests() != got {
		t.Errorf("the server got %d requests, the limiter counted %d, for %d roles", got, limiter.Requests(), len(checks))
	}
	if s.accepted.Load() != 0 || budget.Tally().Accepted != 0 {
		t.Errorf("the preflight placed %d calls (budget counted %d)", s.accepted.Load(), budget.Tally().Accepted)
	}
}

// TestWrongCredentialsNameTheirCause breaks one role's credentials at a time
// and checks that only that role fails, with the cause its answer points to.
func TestWrongCredentialsNameTheirCause(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	for _, c := range []struct {
		name, role string
		edit       func(p *profile.Profile, f *profile.Flow)
		want       []string // in the line
		field      string   // Check.Field
	}{
		{"security-id", "healthy-dialer", func(_ *profile.Profile, f *profile.Flow) { f.SecurityID = strings.Repeat("0", 64) },
			[]string{"got 202 INVALID_SECURITY_ID", "flows.healthy-dialer.security-id"}, "flows.healthy-dialer.security-id"},
		{"flow-id", "healthy-multicast", func(_ *profile.Profile, f *profile.Flow) { f.FlowID = "ZzNoSuch" },
			[]string{"got 301 INVALID_FLOW_ID", "flows.healthy-multicast.flow-id"}, "flows.healthy-multicast.flow-id"},
		{"public key", "no-did-multicast", func(p *profile.Profile, f *profile.Flow) { f.PublicKey = p.Flows["healthy-multicast"].PublicKey },
			[]string{"got 400 INVALID_FORMAT", "flows.no-did-multicast.public-key", "knobs.rsa-padding"}, "flows.no-did-multicast.public-key or knobs.rsa-padding"},
		{"this machine's IP", "failing-dialer", func(p *profile.Profile, f *profile.Flow) { *f = p.Flows["ip-not-whitelisted-dialer"] },
			[]string{"got 401 IP_NOT_WHITELISTED", "this machine's IP"}, "this machine's IP address"},
		{"a flow with a testing version", "no-testing-version-multicast", func(p *profile.Profile, f *profile.Flow) { *f = p.Flows["healthy-multicast"] },
			[]string{"expected 304 INVALID_FLOW_VERSION, got 302 EMPTY_CALL_LIST", "has a testing version"}, "flows.no-testing-version-multicast"},
		{"a whitelisted IP", "ip-not-whitelisted-multicast", func(p *profile.Profile, f *profile.Flow) { *f = p.Flows["healthy-multicast"] },
			[]string{"expected 401 IP_NOT_WHITELISTED, got 302 EMPTY_CALL_LIST", "whitelists this machine's IP"}, "flows.ip-not-whitelisted-multicast"},
	} {
		t.Run(c.name, func(t *testing.T) {
			prof := s.profile()
			f := prof.Flows[c.role]
			c.edit(prof, &f)
			prof.Flows[c.role] = f
			secret := f.SecurityID
			failed := preflight.Failed(run(t, prof, nil, nil))
			if len(failed) != 1 || failed[0].Role != c.role {
				t.Fatalf("failed checks %v, want only %s", failed, c.role)
			}
			line := failed[0].String()
			for _, w := range c.want {
				if !strings.Contains(line, w) {
					t.Errorf("line %q lacks %q", line, w)
				}
			}
			if strings.Contains(line, secret) {
				t.Errorf("line %q shows the security-id", line)
			}
			if failed[0].Field != c.field {
				t.Errorf("Field %q, want %q", failed[0].Field, c.field)
			}
		})
	}
}

func TestUnreachableTargetIsAFailedCheck(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	s := startServer(t)
	prof := s.profile()
	prof.Target = url
	for _, c := range run(t, prof, nil, nil) {
		if !c.Unjudged || c.Failed() || !strings.Contains(c.String(), "no answer: connection refused") {
			t.Errorf("against a closed port: %s", c)
		}
	}
}

func TestNoTargetIsAnError(t *testing.T) {
	t.Parallel()
	if _, err := preflight.Run(context.Background(), preflight.Config{Profile: &profile.Profile{}}); err == nil {
		t.Error("no error for a profile without a target")
	}
}

// TestOtherReadingIsInconclusive: a target that answers an empty call list
// with 210 (another reading of a [ref] rule) fails no check; every role is
// inconclusive, and one with a wrong security-id still fails.
func TestOtherReadingIsInconclusive(t *testing.T) {
	t.Parallel()
	world := testWorld(t)
	fault, err := refserver.ParseFault("empty-call-list-as-210")
	if err != nil {
		t.Fatal(err)
	}
	h, err := refserver.New(world, refserver.Options{Fault: fault})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	prof := world.Profile(ts.URL)
	f := prof.Flows["healthy-multicast"]
	f.SecurityID = strings.Repeat("0", 64)
	prof.Flows["healthy-multicast"] = f
	checks := run(t, prof, nil, nil)
	failed, inconclusive := preflight.Failed(checks), preflight.Inconclusive(checks)
	if len(failed) != 1 || failed[0].Role != "healthy-multicast" {
		t.Errorf("failed %v, want only healthy-multicast (its security-id)", failed)
	}
	if len(inconclusive) == 0 || !strings.Contains(inconclusive[0].String(), "inconclusive: 210 INVALID_MANDATORY_PARAMETERS") {
		t.Errorf("inconclusive %v, want the roles answered 210", inconclusive)
	}
	for _, c := range checks {
		if !c.OK() && !c.Failed() && !c.Inconclusive {
			t.Errorf("%s: neither ok, failed nor inconclusive", c)
		}
	}
}

// TestMisbehavingTargetIsNotBlamedOnTheProfile: a target whose answers are
// no Kairos answer at all (not JSON, not UTF-8, cut short, over a limit,
// without the message section 4.1 requires) leaves every role unjudged,
// none failed, and the line says what came back without naming a profile
// field.
func TestMisbehavingTargetIsNotBlamedOnTheProfile(t *testing.T) {
	t.Parallel()
	prof := startServer(t).profile()
	for _, c := range []struct {
		b    hostiletest.Behaviour
		want string
	}{
		{hostiletest.HTML, `HTTP 200 text/html; charset=utf-8, not a JSON object but text/html ("<!doctype html>`},
		{hostiletest.BadUTF8, "HTTP 200 application/json, JSON that is not valid UTF-8"},
		{hostiletest.LargeJSON, "a JSON object with api-response-code 400 but no api-response-message string"},
		{hostiletest.HugeJSON, "HTTP 200 application/json, but the response body is larger than the harness's limit of 1 MiB"},
		{hostiletest.DeepJSON, "HTTP 200 application/json, but the JSON nests deeper than the harness's limit of 64 levels"},
		{hostiletest.ShortBody, "HTTP 200 application/json, but the response body ended after 10 of the 1000 bytes"},
		{hostiletest.NotHTTP, "no answer: not HTTP"},
	} {
		t.Run(string(c.b), func(t *testing.T) {
			srv, err := hostiletest.Start(c.b)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			p := *prof
			p.Target = srv.URL
			checks := run(t, &p, nil, nil)
			if failed := preflight.Failed(checks); len(failed) != 0 {
				t.Errorf("failed (blamed on the profile): %v", failed)
			}
			for _, ch := range checks {
				line := ch.String()
				if !ch.Unjudged || !strings.Contains(line, c.want) || strings.Contains(line, "flows.") || !utf8.ValidString(line) {
					t.Errorf("%q: want unjudged, naming %q and no profile field", line, c.want)
					break
				}
			}
		})
	}
}

// TestBreakerStopsThePreflight: against a target that never answers, the
// watch's breaker ends the preflight after the first round of requests
// (one --timeout), where it used to wait one timeout per round of four
// roles; the roles it did not reach are unjudged, "not checked".
func TestBreakerStopsThePreflight(t *testing.T) {
	t.Parallel()
	srv, err := hostiletest.Start(hostiletest.Silent)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	prof := startServer(t).profile()
	prof.Target = srv.URL
	ctx, stop := context.WithCancelCause(context.Background())
	defer stop(nil)
	w := watch.New(srv.URL, 0, stop)
	const timeout = 2 * time.Second
	rounds := (len(prof.Roles()) + preflight.DefaultConcurrency - 1) / preflight.DefaultConcurrency
	start := time.Now()
	checks, err := preflight.Run(ctx, preflight.Config{Profile: prof, Timeout: timeout, Watch: w})
	took := time.Since(start)
	if err == nil || w.Stopped() == nil || !strings.Contains(w.Stopped().Reason, "3 exchanges in a row got no answer (the last: timeout") {
		t.Fatalf("err %v, stopped %v: want the breaker's stop", err, w.Stopped())
	}
	// One round of requests, each costing at most one timeout: the server
	// saw the first round, plus one request for each of the first timeouts
	// before the streak's last (a role starts as soon as another ends),
	// cancelled as soon as the breaker trips.
	if n, most := srv.Accepted(), int64(preflight.DefaultConcurrency+protocol.NoAnswerStreak-1); n > most {
		t.Errorf("the target got %d connections, want at most %d (one round)", n, most)
	}
	if took >= time.Duration(rounds)*timeout {
		t.Errorf("took %s, as long as %d rounds of %s: the breaker did not stop the preflight", took, rounds, timeout)
	}
	notChecked := 0
	for _, c := range checks {
		if !c.Unjudged || c.Failed() || strings.Contains(c.String(), "flows.") {
			t.Errorf("%s: want unjudged, nothing blamed on the profile", c)
		}
		if errors.Is(c.Err, preflight.ErrNotChecked) {
			notChecked++
		}
	}
	if notChecked < len(checks)-preflight.DefaultConcurrency-protocol.NoAnswerStreak+1 {
		t.Errorf("%d of %d roles not checked, want all but the first round", notChecked, len(checks))
	}
}

// TestForeignMessageIsInconclusive: a wrong code whose message is not the
// table's for it (a target answering "Bad Request" with 400) names no
// profile field: the code may not mean what section 5 says.
func TestForeignMessageIsInconclusive(t *testing.T) {
	t.Parallel()
	prof := startServer(t).profile()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"api-response-code": 400, "api-response-message": "Bad Request"}`)
	}))
	defer ts.Close()
	prof.Target = ts.URL
	for _, c := range run(t, prof, nil, nil) {
		if !c.Inconclusive || !strings.Contains(c.String(), `api-response-message "Bad Request" is not "Invalid Format"`) {
			t.Errorf("%s: want inconclusive, naming the foreign message", c)
		}
	}
	// Under message-check off, the code is trusted.
	prof.Knobs.MessageCheck = protocol.MessageOff
	for _, c := range run(t, prof, nil, nil) {
		if strings.HasPrefix(c.Role, "ip-not-whitelisted-") {
			continue // its own cause: the request got past the IP check
		}
		if c.Inconclusive || !c.Failed() || !strings.Contains(c.String(), "flows."+c.Role+".public-key") {
			t.Errorf("%s: under message-check off, want the 400's cause", c)
			break
		}
	}
}

// TestMessageInAnotherCaseStillNamesTheCause: a server whose wording drifts
// only in case ("Invalid Security Id") still has its 202 blamed on the
// security-id.
func TestMessageInAnotherCaseStillNamesTheCause(t *testing.T) {
	t.Parallel()
	prof := startServer(t).profile()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"api-response-code": 202, "api-response-message": "Invalid Security Id"}`)
	}))
	defer ts.Close()
	prof.Target = ts.URL
	for _, c := range run(t, prof, nil, nil) {
		if strings.HasPrefix(c.Role, "ip-not-whitelisted-") {
			continue // its own cause: the request got past the IP check
		}
		if !c.Failed() || !strings.Contains(c.String(), "flows."+c.Role+".security-id") {
			t.Errorf("%s: want the security-id blamed", c)
		}
	}
}
