// Package pacing spaces a run's requests so that the target's published
// rate limit (Phonon publishes 500 requests a minute for its real-time
// host) is never exceeded: one Limiter per run, shared by the preflight,
// every scenario and every request a scenario sends at once.
//
// A request waits for its slot; it never fails because of the limit. The
// schedule is a token bucket kept as a theoretical arrival time (GCRA):
// a burst of Burst requests may go at once, then one every Interval. The
// two are chosen from the per-minute limit N so that any 60-second window
// holds at most N requests and any 5-second window at most N/10 (the
// average plus a fifth): the burst is half a second's worth of requests,
// and the interval makes up the rest of the minute (see New).
//
// The target counts requests as they arrive, not as they leave: a request
// that leaves in its slot and is held up on the way (a busy network, a
// stalled machine) arrives with the ones behind it. So the schedule keeps
// a tenth of the limit in reserve (this project's reading of "never
// exceeded"): it paces at 9N/10, and any 5 seconds of its slots leave at
// least a second's worth of the limit free for late arrivals.
package pacing

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Window is the period the published limit counts requests over.
const Window = time.Minute

// burstShare is the part of a minute's allowance that may go at once:
// half a second's worth, so that a 5-second window never holds more than
// a tenth of the minute's limit (burst + 5 s of the steady rate).
const burstShare = 120

// reserveShare is the part of the limit the schedule leaves unused, for
// requests that arrive later than they left: a tenth.
const reserveShare = 10

// Limiter hands out request slots. It is safe for concurrent use; the zero
// of perMinute (New(0)) never waits but still counts requests.
type Limiter struct {
	perMinute int
	burst     int
	interval  time.Duration
	// tolerance is how far ahead of the steady schedule a request may go:
	// (burst-1) intervals.
	tolerance time.Duration
	now       func() time.Time

	mu  sync.Mutex
	tat time.Time // the theoretical arrival time of the next request

	requests atomic.Int64
}

// New returns a limiter for perMinute requests a minute (0: no limit).
//
// With P = perMinute - perMinute/10 (the paced rate, the reserve left
// out), the burst is b = max(1, P/120) and the interval 60 s / (P - b + 1),
// rounded up: after a burst of b, the remaining P - b slots of any
// minute-long window are spaced evenly, so a window [t, t+60s) holds at
// most b + (P - b + 1) - 1 = P requests.
func New(perMinute int) (*Limiter, error) { return newWithClock(perMinute, time.Now) }

func newWithClock(perMinute int, now func() time.Time) (*Limiter, error) {
	if perMinute < 0 {
		return nil, fmt.Errorf("pacing: %d requests a minute: want 0 (no limit) or more", perMinute)
	}
	l := &Limiter{perMinute: perMinute, now: now}
	if perMinute == 0 {
		return l, nil
	}
	paced := perMinute - perMinute/reserveShare
	l.burst = max(1, paced/burstShare)
	slots := int64(paced - l.burst + 1)
	l.interval = time.Duration((int64(Window) + slots - 1) / slots) // rounded up: never faster
	l.tolerance = time.Duration(l.burst-1) * l.interval
	return l, nil
}

// PerMinute is the limit (0: none).
func (l *Limiter) PerMinute() int { return l.perMinute }

// Burst is how many requests may go at once after a quiet period.
func (l *Limiter) Burst() int { return l.burst }

// Interval is the steady spacing between requests (0: no limit).
func (l *Limiter) Interval() time.Duration { return l.interval }

// Requests is how many requests were given a slot so far.
func (l *Limiter) Requests() int64 { return l.requests.Load() }

// Wait blocks until the next request may be sent, or ctx ends. The wait is
// the caller's to spend before it starts a request's own deadline. A slot
// given up (ctx ended) is not handed back: the schedule only ever errs on
// the slow side.
func (l *Limiter) Wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	at := l.reserve()
	wait := at.Sub(l.now())
	if wait <= 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && deadline.Before(at) {
		return fmt.Errorf("pacing: the next slot under the limit of %d requests a minute is %s away, after this request's deadline", l.perMinute, wait.Round(time.Millisecond))
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// reserve counts a request and returns the moment it may be sent.
func (l *Limiter) reserve() time.Time {
	l.requests.Add(1)
	now := l.now()
	if l.perMinute == 0 {
		return now
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	tat := l.tat
	if tat.Before(now) {
		tat = now
	}
	at := tat.Add(-l.tolerance)
	if at.Before(now) {
		at = now
	}
	l.tat = tat.Add(l.interval)
	return at
}

// Rate is the effective request rate of n requests over elapsed, a minute.
func Rate(n int64, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return float64(n) / elapsed.Minutes()
}
