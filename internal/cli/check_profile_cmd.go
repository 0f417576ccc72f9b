package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/callbudget"
	"github.com/kairos-conformance/kairos-conformance/internal/pacing"
	"github.com/kairos-conformance/kairos-conformance/internal/preflight"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/safetext"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/internal/watch"
)

const checkProfileUsage = `usage: runner check-profile [--profile FILE] [--target URL] [flags]

Checks, without placing a call, that every role the profile maps reaches its
flow with working credentials: one encrypted create request per role with an
empty call list, which a Kairos server refuses with 302 only after checking
the flow-id, this machine's IP, the envelope (public key, RSA padding), the
security-id and the api-version (spec section 5). no-testing-version roles
expect 304, ip-not-whitelisted roles the knob's 401/403. Every wrong answer is
one line naming the role and the likely cause. The requests count against
knobs.max-requests-per-minute. A normal run makes the same check first
(runner run --no-preflight skips it).

An answer that names no credential problem (a target that reads the
empty-call-list rule otherwise, say with 210) is inconclusive: shown with "?",
and not a failure.

A request that got no answer (a reset, a timeout, a connection refused
once the target has answered) is sent once more, in its own pacing slot,
before its role is judged: one hiccup of the network is not the target's
verdict. A target that misbehaves (stops answering: the run's breaker,
three exchanges in a row without an answer, both attempts counted, ends the
check at once; or answers
with something that is not a Kairos answer: not JSON, not UTF-8, cut short,
over the harness's size or nesting limits, without api-response-code and
api-response-message) is named as such, in one line saying what came back,
and no profile field is blamed.

No report is written unless --reports DIR is given: check-profile is the
quick check before a run, and leaves the last run's reports/ alone. With
it, the files a run writes (cucumber.json, junit.xml, report.html,
summary.json), one testcase per role: passed, failed (Expected / Actual
and the profile field to check), skipped (inconclusive) or not run (the
target misbehaved, or the check was stopped first), in every way the check
ends; secrets masked as in a run.

Exit status: 0 every role answered as expected or inconclusively; 2 a role's
answer named a problem, the target misbehaved or could not be reached, or a
usage or profile error.

Flags:
`

// runCheckProfile is `runner check-profile`: the preflight alone.
func runCheckProfile(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("runner check-profile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, checkProfileUsage)
		fs.PrintDefaults()
	}
	profilePath := fs.String("profile", os.Getenv(envProfile), "target profile YAML `file` (env "+envProfile+")")
	targetURL := fs.String("target", os.Getenv(envTarget), "base `URL` of the Kairos server (env "+envTarget+"; default: the profile's target)")
	timeout := fs.Duration("timeout", 10*time.Second, "deadline for each HTTP request (the wait for a pacing slot is not part of it)")
	reportsDir := fs.String("reports", "", "write the reports a run writes (cucumber.json, junit.xml, report.html, summary.json) to `dir`, one testcase per role (default: none)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "runner check-profile: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	case *timeout <= 0:
		fmt.Fprintf(stderr, "runner check-profile: --timeout: %s: want a positive duration such as 10s\n", *timeout)
		return exitUsage
	}
	tgt, err := target.Resolve(target.Options{
		Profile: *profilePath, URL: *targetURL, ProfileName: "--profile", URLName: "--target (or " + envTarget + ")",
		Client: target.ClientOptions{Timeout: *timeout},
	})
	if err != nil {
		fmt.Fprintf(stderr, "runner check-profile: %v\n", err)
		return exitUsage
	}
	defer tgt.Close()
	pace, err := newPacing(tgt)
	if err != nil {
		fmt.Fprintf(stderr, "runner check-profile: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "Preflight of %s (profile %s)\n", tgt.URL, tgt.Label)
	res := runPreflight(ctx, tgt, pace, *timeout, true, false, stdout, stderr)
	if res.verdict == preflightStopped {
		fmt.Fprintf(stderr, "runner check-profile: %s\n", res.reason)
	}
	fmt.Fprintf(stdout, "%d requests sent; %s.\n", pace.limiter.Requests(), pace.budget.Tally())
	code := exitOK
	if res.verdict != preflightPassed {
		code = exitUsage
	}
	if *reportsDir != "" { // however the preflight ended, as a run's reports
		paths, err := writePreflightReports(*reportsDir, tgt, pace, *timeout, res)
		if err != nil {
			fmt.Fprintf(stderr, "runner check-profile: %v\n", err)
			return exitUsage // a pass without its reports is not a pass CI can show
		}
		fmt.Fprintf(stdout, "Reports: %s\n", strings.Join(paths, ", "))
	}
	return code
}

// runPacing is what a run shares between its preflight and its scenarios:
// the pacing limiter and the call budget, from the profile's knobs.
type runPacing struct {
	limiter *pacing.Limiter
	budget  *callbudget.Budget
}

func newPacing(tgt *target.Target) (runPacing, error) {
	k := tgt.Profile.Knobs
	limiter, err := pacing.New(k.MaxRequestsPerMinute)
	if err != nil {
		return runPacing{}, fmt.Errorf("knobs.max-requests-per-minute: %w", err)
	}
	budget, err := callbudget.New(k.MaxAcceptedCalls, k.AllowBulkCalls)
	if err != nil {
		return runPacing{}, fmt.Errorf("knobs.max-accepted-calls: %w", err)
	}
	return runPacing{limiter: limiter, budget: budget}, nil
}

// traffic is the run's counts so far.
func (p runPacing) traffic() reporting.Traffic {
	tally := p.budget.Tally()
	return reporting.Traffic{
		Requests: p.limiter.Requests(), RequestLimit: p.limiter.PerMinute(),
		AcceptedCalls: tally.Accepted, UncertainCalls: tally.Uncertain, CallBudget: tally.Max,
	}
}

// trafficSince is what was sent and accepted since before: one repetition
// of a run, the probe and the preflight before it not included (its wall
// time does not include them either).
func (p runPacing) trafficSince(before reporting.Traffic) *reporting.Traffic {
	t := p.traffic()
	t.Requests -= before.Requests
	t.AcceptedCalls -= before.AcceptedCalls
	t.UncertainCalls -= before.UncertainCalls
	return &t
}

// preflightVerdict is how a preflight ended.
type preflightVerdict int

const (
	preflightPassed      preflightVerdict = iota // every role answered as expected or inconclusively
	preflightFailed                              // a role's answer named a problem with the profile, or no target
	preflightStopped                             // the target misbehaved: the credentials could not be judged
	preflightInterrupted                         // the run was interrupted
)

// preflightResult is how a preflight ended, and what the run's reports
// need of it.
type preflightResult struct {
	verdict preflightVerdict
	// reason is one line when the preflight stops the run: what the target
	// did (preflightStopped), or which roles' credentials the target
	// refused and which profile field each blames (preflightFailed).
	reason string
	// refusals are the FAIL lines, one per refused role, for the reports'
	// notes (reason lists the first few).
	refusals []string
	checks   []*preflight.Check
	started  time.Time
	took     time.Duration
}

// runPreflight checks every mapped role and reports: each wrong answer as
// one line on stderr (every role on stdout when verbose), then one summary
// line. Its exchanges go through a watch with the scenarios' breaker rule,
// which stops it when the target stops answering; a request that got no
// answer is sent once more before its role is judged (probed: the target
// answered the run's probe, so even a refused connection may be a
// hiccup). When the target misbehaved (the breaker tripped, or a role's
// answer was no usable Kairos answer) the verdict is preflightStopped and
// reason says, in one line, what the target did: the run stops and reports
// every scenario not run for it, rather than blame a profile field. When a
// role's answer names a profile field, the verdict is preflightFailed and
// reason names the roles and the fields.
func runPreflight(ctx context.Context, tgt *target.Target, pace runPacing, timeout time.Duration, verbose, probed bool, stdout, stderr io.Writer) preflightResult {
	res := preflightResult{started: time.Now()}
	preCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	w := watch.New(tgt.URL, 0, stop)
	checks, err := preflight.Run(preCtx, preflight.Config{
		Profile: tgt.Profile, Client: tgt.HTTPClient, Limiter: pace.limiter, Budget: pace.budget, Timeout: timeout, Watch: w, Answered: probed,
	})
	res.checks = checks
	res.took = time.Since(res.started).Round(time.Millisecond)
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "runner: preflight: interrupted: %v\n", context.Cause(ctx))
		res.verdict = preflightInterrupted
		return res
	case err != nil && w.Stopped() == nil:
		fmt.Fprintf(stderr, "runner: %v\n", err)
		res.verdict, res.reason = preflightFailed, err.Error()
		return res
	}
	failed, inconclusive, unjudged := preflight.Failed(checks), preflight.Inconclusive(checks), preflight.Unjudged(checks)
	res.reason = misbehaviour(tgt.URL, w, checks, unjudged)
	for _, c := range checks {
		switch {
		case c.Failed():
			fmt.Fprintf(stderr, "preflight: FAIL %s\n", c)
			res.refusals = append(res.refusals, "preflight: FAIL "+c.String())
		case res.reason != "" && !verbose:
			// The run stops for the target's misbehaviour: its one line
			// says what matters; check-profile lists every role.
		case c.Inconclusive:
			fmt.Fprintf(stderr, "preflight: ?    %s\n", c)
		case c.Unjudged && verbose && !errors.Is(c.Err, preflight.ErrNotChecked):
			fmt.Fprintf(stderr, "preflight: !    %s\n", c)
		case verbose && c.OK():
			fmt.Fprintf(stdout, "preflight: ok   %s\n", c)
		}
	}
	resent := ""
	if n := len(preflight.Retried(checks)); n > 0 {
		resent = fmt.Sprintf("; %d sent again after no answer", n)
	}
	if res.reason != "" {
		fmt.Fprintf(stderr, "preflight: the target misbehaved (%s): %d of %d roles got a usable answer%s\n", res.took, len(checks)-len(unjudged), len(checks), resent)
		res.verdict = preflightStopped
		return res
	}
	if len(failed) > 0 {
		fmt.Fprintf(stderr, "preflight: %d of %d roles did not answer as expected (%s%s); fix the profile (or the target)\n", len(failed), len(checks), res.took, resent)
		res.verdict, res.reason = preflightFailed, refusalReason(failed, len(checks))
		return res
	}
	ok := len(checks) - len(inconclusive)
	fmt.Fprintf(stdout, "Preflight: %d of %d mapped roles answered as expected, %d inconclusive, without placing a call (%s%s).\n", ok, len(checks), len(inconclusive), res.took, resent)
	res.verdict = preflightPassed
	return res
}

// refusalsListed is how many refused roles a refusal reason names; the
// reports' notes hold every one.
const refusalsListed = 3

// refusalReason is one line naming the roles whose credentials the target
// refused and, for each, what to check (a profile field, or this
// machine's IP): "the preflight refused the profile's credentials (1 of
// 22 roles): healthy-dialer got 202 INVALID_SECURITY_ID (check
// flows.healthy-dialer.security-id)". Never a value: Field is a name.
func refusalReason(failed []*preflight.Check, roles int) string {
	parts := make([]string, 0, refusalsListed+1)
	for i, c := range failed {
		if i == refusalsListed {
			parts = append(parts, fmt.Sprintf("and %d more (the notes list every one)", len(failed)-refusalsListed))
			break
		}
		what := "got " + c.Got.String()
		if c.Err != nil {
			what = "could not be checked"
		}
		parts = append(parts, fmt.Sprintf("%s %s (check %s)", c.Role, what, c.Field))
	}
	return fmt.Sprintf("the preflight refused the profile's credentials (%d of %d roles): %s", len(failed), roles, strings.Join(parts, "; "))
}

// misbehaviour is one line saying why the preflight could not judge the
// credentials, or "" when it could: the breaker's reason when it tripped,
// else the watch's census when most answers were not JSON, else the first
// unusable answer.
func misbehaviour(url string, w *watch.Watch, checks, unjudged []*preflight.Check) string {
	const head = "the preflight could not judge the credentials: "
	if stopped := w.Stopped(); stopped != nil {
		return head + stopped.Reason
	}
	if len(unjudged) == 0 {
		return ""
	}
	if d := w.Diagnosis(); d != "" {
		return head + d
	}
	first := unjudged[0]
	return safetext.Clean(fmt.Sprintf("%s%d of %d roles got no usable answer from the target at %s (%s: %v)",
		head, len(unjudged), len(checks), url, first.Role, first.Err))
}
