package preflight

import (
	"context"

	"github.com/kairos-conformance/kairos-conformance/internal/netfault"
)

// send posts a role's request and returns its complete answer, or fills c
// in (Unjudged, with why) and returns false.
//
// A request that got no answer is sent once more, after its own pacing
// slot, before the role is judged: one reset or timeout among a run's
// requests happens on real networks, and the preflight's verdict stops the
// whole run. The watch sees both attempts, so a target that is really dead
// still trips its breaker (several exchanges in a row without an answer)
// within the first round of requests.
func send(ctx context.Context, cfg Config, c *Check, url string, body []byte) (answer, bool) {
	var first error // the first attempt's failure, once it is sent again
	ended := func(why string) (answer, bool) {
		c.Err, c.Cause, c.Unjudged = ErrNotChecked, why, true
		if first != nil {
			// What the target did is known: say it, not "not checked".
			c.Err, c.Cause, c.Retried = first, targetFault+"; the preflight ended before the request sent again was answered", ""
		}
		return answer{}, false
	}
	for attempt := 1; ; attempt++ {
		if err := cfg.Limiter.Wait(ctx); err != nil || ctx.Err() != nil {
			return ended("the preflight ended before this role's turn")
		}
		// An empty call list places no call; a broken server that accepts
		// some all the same is counted.
		reservation, _ := cfg.Budget.Reserve(0)
		a := post(ctx, cfg, url, body)
		c.HTTPStatus = a.status
		if ctx.Err() != nil && a.err != nil { // stopped or interrupted meanwhile: not the target's answer
			reservation.Unknown()
			return ended("the preflight ended while this role's request was out")
		}
		if a.status != 0 {
			cfg.answered.Store(true)
		}
		if cfg.Watch != nil {
			cfg.Watch.Observe(a.exchange())
		}
		if a.err == nil {
			reservation.Settle(acceptedCalls(a.body))
			return a, true
		}
		reservation.Unknown()
		if attempt > 1 || !hiccup(a, cfg.answered.Load()) {
			c.Err, c.Cause, c.Unjudged = a.err, targetFault, true
			return answer{}, false
		}
		first, c.Retried = a.err, netfault.Explain(a.exchange().Err)
	}
}

// hiccup reports whether a failed exchange is worth sending again: no
// (complete) answer because the connection was reset or closed, or the
// deadline passed, or a connection refused by a target that has answered
// before (restarting behind its address). A target that refuses from the
// start, does not resolve, fails TLS or does not speak HTTP would answer
// the same again; an answer cut short or over a limit is an answer.
func hiccup(a answer, answeredBefore bool) bool {
	switch netfault.Classify(a.exchange().Err) {
	case netfault.Reset, netfault.Closed, netfault.Timeout:
		return true
	case netfault.Refused:
		return answeredBefore
	}
	return false
}
