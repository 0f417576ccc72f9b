package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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

A target that misbehaves (stops answering: the run's breaker, three
exchanges in a row without an answer, ends the check at once; or answers
with something that is not a Kairos answer: not JSON, not UTF-8, cut short,
over the harness's size or nesting limits, without api-response-code and
api-response-message) is named as such, in one line saying what came back,
and no profile field is blamed.

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
	verdict, reason := runPreflight(ctx, tgt, pace, *timeout, true, stdout, stderr)
	if verdict == preflightStopped {
		fmt.Fprintf(stderr, "runner check-profile: %s\n", reason)
	}
	fmt.Fprintf(stdout, "%d requests sent; %s.\n", pace.limiter.Requests(), pace.budget.Tally())
	if verdict != preflightPassed {
		return exitUsage
	}
	return exitOK
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

// runPreflight checks every mapped role and reports: each wrong answer as
// one line on stderr (every role on stdout when verbose), then one summary
// line. Its exchanges go through a watch with the scenarios' breaker rule,
// which stops it when the target stops answering. When the target
// misbehaved (the breaker tripped, or a role's answer was no usable Kairos
// answer) the verdict is preflightStopped and reason says, in one line,
// what the target did: the run stops and reports every scenario not run
// for it, rather than blame a profile field.
func runPreflight(ctx context.Context, tgt *target.Target, pace runPacing, timeout time.Duration, verbose bool, stdout, stderr io.Writer) (verdict preflightVerdict, reason string) {
	start := time.Now()
	preCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	w := watch.New(tgt.URL, 0, stop)
	checks, err := preflight.Run(preCtx, preflight.Config{
		Profile: tgt.Profile, Client: tgt.HTTPClient, Limiter: pace.limiter, Budget: pace.budget, Timeout: timeout, Watch: w,
	})
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "runner: preflight: interrupted: %v\n", context.Cause(ctx))
		return preflightInterrupted, ""
	case err != nil && w.Stopped() == nil:
		fmt.Fprintf(stderr, "runner: %v\n", err)
		return preflightFailed, ""
	}
	failed, inconclusive, unjudged := preflight.Failed(checks), preflight.Inconclusive(checks), preflight.Unjudged(checks)
	reason = misbehaviour(tgt.URL, w, checks, unjudged)
	for _, c := range checks {
		switch {
		case c.Failed():
			fmt.Fprintf(stderr, "preflight: FAIL %s\n", c)
		case reason != "" && !verbose:
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
	took := time.Since(start).Round(time.Millisecond)
	if reason != "" {
		fmt.Fprintf(stderr, "preflight: the target misbehaved (%s): %d of %d roles got a usable answer\n", took, len(checks)-len(unjudged), len(checks))
		return preflightStopped, reason
	}
	if len(failed) > 0 {
		fmt.Fprintf(stderr, "preflight: %d of %d roles did not answer as expected (%s); fix the profile (or the target)\n", len(failed), len(checks), took)
		return preflightFailed, ""
	}
	ok := len(checks) - len(inconclusive)
	fmt.Fprintf(stdout, "Preflight: %d of %d mapped roles answered as expected, %d inconclusive, without placing a call (%s).\n", ok, len(checks), len(inconclusive), took)
	return preflightPassed, ""
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
