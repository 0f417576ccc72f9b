// Package preflight checks, before any scenario runs, that every role a
// profile maps reaches its flow with working credentials, without placing
// a call.
//
// Spec section 5's order makes that possible: a create request whose
// payload has an empty call list passes the flow (rule 2), IP (3),
// envelope (4), mandatory-field (5), version (6), inner flow (7),
// security-id (8) and testing-version (9) checks, and is then refused with
// 302 EMPTY_CALL_LIST (rule 10), before anything about calls is looked at.
// So each role gets one encrypted create request with calls: [] and
//
//   - api-version "1.0", expecting 302: every role but the two below;
//   - api-version "TEST" for no-testing-version roles, expecting 304 (rule
//     9 comes before 10: the answer also shows the flow has no testing
//     version, as the role says);
//   - for ip-not-whitelisted roles the code the profile's
//     knobs.ip-not-whitelisted-code names (401, or 403): rule 3 answers
//     before the envelope is opened, so only the flow-id is checked.
//
// A wrong answer that points at the profile or the target fails the check
// and names the likely cause: 301 the flow-id, 401/403 this machine's IP,
// 400 the public key or the RSA padding knob, 202 the security-id, 302 a
// flow that cannot play its role. Any other code is inconclusive: the
// empty-call-list rule is this project's reading, and a target may answer
// it otherwise (210, say) without its credentials being wrong. Security ids
// are never printed, only the field's name.
//
// An answer that says nothing about the credentials because the target
// misbehaved (no answer, a body cut short, over the harness's size or
// nesting limits, not a JSON object in UTF-8, without the code and message
// section 4.1 requires) is a fault of the target, never blamed on a profile
// field: such a Check is Unjudged and names what came back. Every exchange
// is shown to the run's watch (package watch), whose breaker stops the
// preflight when the target stops answering.
package preflight

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/callbudget"
	"github.com/kairos-conformance/kairos-conformance/internal/pacing"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/watch"
)

// Defaults.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultConcurrency = 4
)

// Config is what a preflight needs. Client, Limiter and Budget are the
// run's own, so the preflight's requests count against the pacing limit.
type Config struct {
	Profile *profile.Profile // the flows, the knobs and Profile.Target, the base URL
	Client  *http.Client     // nil: http.DefaultClient (tests only: no timeouts of its own)
	Limiter *pacing.Limiter  // nil: no pacing
	Budget  *callbudget.Budget
	// Timeout bounds each request once its pacing slot came (0:
	// DefaultTimeout).
	Timeout time.Duration
	// Concurrency is how many roles are checked at once (0:
	// DefaultConcurrency).
	Concurrency int
	// Watch, when set, sees every exchange, as it sees the scenarios':
	// give it a stop function that cancels ctx, and its breaker ends the
	// preflight when the target stops answering (the roles not yet
	// checked are Unjudged, "not checked").
	Watch *watch.Watch
	// Answered says the target answered before the preflight (the run's
	// probe): a connection it then refuses is a hiccup, sent again once,
	// not a target that was never there.
	Answered bool
	// answered is set once any role got an HTTP answer.
	answered *atomic.Bool
}

// Check is one role's result.
type Check struct {
	Role       string
	FlowID     string
	APIVersion string
	Want       protocol.Code
	Got        protocol.Code // 0: no api-response-code came back
	HTTPStatus int           // 0: no answer
	// Err is why no code came back: no answer, or an unreadable one.
	Err error
	// Cause is the likely cause of a wrong answer; empty when OK.
	Cause string
	// Field is what a Failed check blames: the profile field to check
	// ("flows.healthy-dialer.security-id"), or this machine's IP address,
	// which no profile field holds. Empty unless Failed.
	Field string
	// Inconclusive marks a wrong answer that names no credential problem:
	// a code section 5's order does not tie to the checks before 302 (a
	// target that reads the empty-call-list rule otherwise, or a failing
	// one). The preflight cannot judge the credentials; the scenarios will.
	Inconclusive bool
	// Unjudged marks a role whose answer says nothing about its
	// credentials because the target misbehaved (Err says how), or that
	// was not checked because the preflight was stopped or interrupted
	// first. No profile field is blamed.
	Unjudged bool
	// Retried is why the role's request was sent a second time: its first
	// got no answer (a reset, a timeout, a connection refused after the
	// target had answered), which one hiccup of a real network causes.
	// Empty when it was sent once.
	Retried string
}

// OK reports whether the role answered as expected.
func (c *Check) OK() bool { return c.Err == nil && c.Got == c.Want }

// Failed reports a wrong answer that names a cause in the profile: the run
// must not go on.
func (c *Check) Failed() bool { return !c.OK() && !c.Inconclusive && !c.Unjudged }

// String is the check's line: "ok" or the wrong answer and its likely cause.
func (c *Check) String() string {
	head := fmt.Sprintf("%s (flow %s, api-version %s)", c.Role, c.FlowID, c.APIVersion)
	switch {
	case c.OK() && c.Retried != "":
		return fmt.Sprintf("%s: %s as expected (sent again: the first attempt got %s)", head, c.Want, c.Retried)
	case c.OK():
		return fmt.Sprintf("%s: %s as expected", head, c.Want)
	case c.Unjudged && c.Retried != "" && !errors.Is(c.Err, ErrNotChecked):
		return fmt.Sprintf("%s: expected %s, but %v (sent twice; the first attempt got %s): %s", head, c.Want, c.Err, c.Retried, c.Cause)
	case c.Unjudged:
		return fmt.Sprintf("%s: expected %s, but %v: %s", head, c.Want, c.Err, c.Cause)
	case c.Err != nil:
		return fmt.Sprintf("%s: expected %s, got %v: %s", head, c.Want, c.Err, c.Cause)
	default:
		return fmt.Sprintf("%s: expected %s, got %s (HTTP %d): %s", head, c.Want, c.Got, c.HTTPStatus, c.Cause)
	}
}

// Failed returns the checks whose answer names a problem with the profile
// or the target.
func Failed(checks []*Check) []*Check {
	var out []*Check
	for _, c := range checks {
		if c.Failed() {
			out = append(out, c)
		}
	}
	return out
}

// Inconclusive returns the checks whose answer could not be judged.
func Inconclusive(checks []*Check) []*Check {
	var out []*Check
	for _, c := range checks {
		if c.Inconclusive {
			out = append(out, c)
		}
	}
	return out
}

// Unjudged returns the checks the target's misbehaviour (or the
// preflight's end) left unjudged.
func Unjudged(checks []*Check) []*Check {
	var out []*Check
	for _, c := range checks {
		if c.Unjudged {
			out = append(out, c)
		}
	}
	return out
}

// Retried returns the checks whose request was sent a second time.
func Retried(checks []*Check) []*Check {
	var out []*Check
	for _, c := range checks {
		if c.Retried != "" {
			out = append(out, c)
		}
	}
	return out
}

// Run checks every role the profile maps, in the profile's role order. An
// error means the preflight could not be made at all (no target) or did not
// finish (ctx ended: interrupted, or stopped by cfg.Watch; the checks are
// returned all the same); a wrong answer is a Check.
func Run(ctx context.Context, cfg Config) ([]*Check, error) {
	if cfg.Profile == nil || cfg.Profile.Target == "" {
		return nil, errors.New("preflight: no target")
	}
	if cfg.Client == nil {
		cfg.Client = http.DefaultClient
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	cfg.answered = new(atomic.Bool)
	cfg.answered.Store(cfg.Answered)
	roles := cfg.Profile.Roles()
	checks := make([]*Check, len(roles))
	sem := make(chan struct{}, cfg.Concurrency)
	var wg sync.WaitGroup
	for i, role := range roles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			checks[i] = checkRole(ctx, cfg, role)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return checks, fmt.Errorf("preflight: interrupted: %w", context.Cause(ctx))
	}
	return checks, nil
}

// expectation is the api-version a role is checked with and the answer.
func expectation(prof *profile.Profile, role string) (apiVersion string, want protocol.Code) {
	switch {
	case strings.HasPrefix(role, "ip-not-whitelisted-"):
		return "1.0", protocol.Code(prof.Knobs.IPNotWhitelistedAs)
	case strings.HasPrefix(role, "no-testing-version-"):
		return "TEST", protocol.InvalidFlowVersion
	default:
		return "1.0", protocol.EmptyCallList
	}
}

func checkRole(ctx context.Context, cfg Config, role string) *Check {
	flow, _ := cfg.Profile.Flow(role)
	c := &Check{Role: role, FlowID: flow.FlowID}
	c.APIVersion, c.Want = expectation(cfg.Profile, role)
	payload, _ := json.Marshal(map[string]any{
		"api-version": c.APIVersion, "security-id": flow.SecurityID, "flow-id": flow.FlowID, "calls": []any{},
	})
	env, err := envelope.Seal(payload, flow.FlowID, flow.PublicKey, &envelope.SealOptions{Padding: cfg.Profile.Knobs.RSAPadding})
	if err != nil {
		c.Err, c.Cause, c.Field = fmt.Errorf("the harness could not seal the payload: %w", err), fieldCause(role, "public-key"), fieldOf(role, "public-key")
		return c
	}
	body, _ := json.Marshal(env)
	url := strings.TrimRight(cfg.Profile.Target, "/") + protocol.CreatePath(profile.KindOf(role), true)
	a, ok := send(ctx, cfg, c, url, body)
	if !ok {
		return c
	}
	got, message, err := kairosAnswer(a)
	if err != nil {
		c.Err, c.Cause, c.Unjudged = err, targetFault, true
		return c
	}
	c.Got = got
	if c.Got == c.Want {
		return c
	}
	if want := got.Message(); want != "" && cfg.Profile.Knobs.MessageCheck != protocol.MessageOff && !strings.EqualFold(want, strings.TrimSpace(message)) {
		// A code whose message is not the table's, even in another case,
		// may not mean what the table says ("Bad Request" with 400):
		// blaming a profile field on it would be a guess. Wording that
		// drifts only in case still names the cause; message-check off
		// trusts every code.
		c.Cause, c.Inconclusive = fmt.Sprintf("inconclusive: the answer's api-response-message %s is not %q, the table's for %s, even ignoring case, so the code may not mean what section 5 says; the scenarios will tell",
			quote(message), want, got), true
		return c
	}
	c.Cause, c.Field, c.Inconclusive = cause(cfg.Profile, role, c.Got)
	return c
}

// acceptedCalls counts the call-details entries carrying a phonon-uuid.
func acceptedCalls(answer []byte) int {
	n := 0
	gjson.GetBytes(answer, "call-details").ForEach(func(_, v gjson.Result) bool {
		if v.Get("phonon-uuid").String() != "" {
			n++
		}
		return true
	})
	return n
}

func fieldCause(role, field string) string {
	return "check " + fieldOf(role, field)
}

// fieldOf is a flow's field as the profile spells its path.
func fieldOf(role, field string) string { return fmt.Sprintf("flows.%s.%s", role, field) }

// thisIP is what a refused IP blames: no profile field holds it.
const thisIP = "this machine's IP address"

// cause names the likely cause of a wrong answer, what it blames (see
// Check.Field), and whether the answer is inconclusive: it names no
// problem with the credentials.
func cause(prof *profile.Profile, role string, got protocol.Code) (why, field string, inconclusive bool) {
	kind := profile.KindOf(role)
	ipRole := strings.HasPrefix(role, "ip-not-whitelisted-")
	ipCode := protocol.Code(prof.Knobs.IPNotWhitelistedAs)
	mapping := "flows." + role // the flow the role is mapped to
	switch {
	case got == protocol.InvalidFlowID:
		return fmt.Sprintf("the target does not know the flow-id (flows.%s.flow-id) as a %s flow", role, kind), fieldOf(role, "flow-id"), false
	case (got == protocol.IPNotWhitelisted || got == protocol.BulkHostIPNotWhitelistedCode) && ipRole:
		return fmt.Sprintf("the target refused this machine's IP with %s; the profile says %s (knobs.ip-not-whitelisted-code)", got, ipCode), "knobs.ip-not-whitelisted-code", false
	case got == protocol.IPNotWhitelisted || got == protocol.BulkHostIPNotWhitelistedCode:
		return "the flow's account does not whitelist this machine's IP address", thisIP, false
	case ipRole && (got == protocol.InvalidFormat || got == protocol.InvalidSecurityID || got == protocol.EmptyCallList):
		return "the flow's account whitelists this machine's IP (the request got past the IP check), so the flow cannot play " + role, mapping, false
	case got == protocol.InvalidFormat:
		return fmt.Sprintf("the envelope did not open: the public key (flows.%s.public-key) is not the flow's current key (rotated?), or knobs.rsa-padding (%s) is not the target's", role, prof.Knobs.RSAPaddingName),
			fieldOf(role, "public-key") + " or knobs.rsa-padding", false
	case got == protocol.InvalidSecurityID:
		return fmt.Sprintf("the security-id (flows.%s.security-id) is not the flow's", role), fieldOf(role, "security-id"), false
	case got == protocol.EmptyCallList && strings.HasPrefix(role, "no-testing-version-"):
		return "the flow has a testing version (api-version TEST got past the version check), so it cannot play " + role, mapping, false
	default:
		return fmt.Sprintf("inconclusive: %s does not say whether the credentials work (a target may read the empty-call-list rule otherwise, SPEC.md section 5); the scenarios will tell", got), "", true
	}
}
