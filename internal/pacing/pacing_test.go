package pacing

import (
	"context"
	"errors"
	"math/rand"
	"sort"
	"testing"
	"time"
)

// fakeClock is a clock the test sets.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// maxInWindow is the most slots any half-open window [t, t+w) holds; the
// fullest window starts at a slot.
func maxInWindow(slots []time.Time, w time.Duration) int {
	sort.Slice(slots, func(i, j int) bool { return slots[i].Before(slots[j]) })
	best, j := 0, 0
	for i := range slots {
		for j < len(slots) && slots[j].Before(slots[i].Add(w)) {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// schedule asks for a slot at each arrival time and returns the slots.
func schedule(t *testing.T, perMinute int, arrivals []time.Duration) []time.Time {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	start := clock.t
	l, err := newWithClock(perMinute, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	var slots []time.Time
	for _, a := range arrivals {
		clock.t = start.Add(a)
		at := l.reserve()
		if at.Before(clock.t) {
			t.Fatalf("slot %s before the request arrived at %s", at, clock.t)
		}
		slots = append(slots, at)
	}
	if got := l.Requests(); got != int64(len(arrivals)) {
		t.Errorf("Requests() = %d, want %d", got, len(arrivals))
	}
	return slots
}

// arrivalPatterns are ways requests may come: all at once, steadily faster
// than the limit, in bursts after quiet periods, at random.
func arrivalPatterns(n int) map[string][]time.Duration {
	rng := rand.New(rand.NewSource(1))
	p := map[string][]time.Duration{}
	var all, steady, bursts, random []time.Duration
	var r time.Duration
	for i := range n {
		all = append(all, 0)
		steady = append(steady, time.Duration(i)*time.Millisecond)
		bursts = append(bursts, time.Duration(i/50)*37*time.Second)
		r += time.Duration(rng.Int63n(int64(300 * time.Millisecond)))
		random = append(random, r)
	}
	p["all at once"], p["steady 1000/s"], p["bursts of 50 every 37s"], p["random"] = all, steady, bursts, random
	return p
}

// TestNoWindowOverTheLimit checks the guarantee: any minute holds at most
// the limit, any 5 seconds at most a tenth of it (at least one request).
func TestNoWindowOverTheLimit(t *testing.T) {
	for _, perMinute := range []int{1, 7, 60, 119, 120, 121, 500, 1200, 6000} {
		for name, arrivals := range arrivalPatterns(3 * perMinute) {
			slots := schedule(t, perMinute, arrivals)
			if got := maxInWindow(slots, time.Minute); got > perMinute {
				t.Errorf("%d/min, %s: %d requests in one minute", perMinute, name, got)
			}
			limit5 := max(1, perMinute/10)
			if perMinute >= 60 {
				limit5 -= perMinute / 60 // a second's worth kept free for late arrivals
			}
			if got := maxInWindow(slots, 5*time.Second); got > limit5 {
				t.Errorf("%d/min, %s: %d requests in 5 seconds, want at most %d", perMinute, name, got, limit5)
			}
		}
	}
}

// TestSteadyRateIsCloseToTheLimit: the limit is not undercut by much more
// than the reserve, so a paced run takes no longer than it must.
func TestSteadyRateIsCloseToTheLimit(t *testing.T) {
	for _, perMinute := range []int{60, 500, 1200} {
		arrivals := make([]time.Duration, 10*perMinute) // all at once: 10 minutes' worth at the limit
		slots := schedule(t, perMinute, arrivals)
		took := slots[len(slots)-1].Sub(slots[0])
		paced := perMinute - perMinute/reserveShare
		if want := 10 * time.Minute * time.Duration(perMinute) / time.Duration(paced); took > want+want/50 || took < want-want/50 {
			t.Errorf("%d/min: %d requests took %s, want about %s", perMinute, len(slots), took, want)
		}
	}
}

func TestBurstIsHalfASecondsWorth(t *testing.T) {
	for perMinute, want := range map[int]int{1: 1, 119: 1, 500: 3, 1200: 9} {
		l, _ := New(perMinute)
		if l.Burst() != want {
			t.Errorf("New(%d).Burst() = %d, want %d", perMinute, l.Burst(), want)
		}
	}
}

func TestNoLimitNeverWaitsButCounts(t *testing.T) {
	l, err := New(0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	for range 1000 {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if l.Requests() != 1000 {
		t.Errorf("Requests() = %d, want 1000", l.Requests())
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("1000 unlimited waits took %s", took)
	}
}

func TestNegativeLimitIsAnError(t *testing.T) {
	if _, err := New(-1); err == nil {
		t.Error("New(-1) gave no error")
	}
}

// TestWaitEndsWithItsContext: a cancelled wait returns the cause, and a slot
// beyond the request's deadline is refused at once instead of waited for.
func TestWaitEndsWithItsContext(t *testing.T) {
	l, _ := New(1) // one request a minute
	ctx := context.Background()
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}

	cause := errors.New("interrupted")
	cctx, cancel := context.WithCancelCause(ctx)
	go func() { time.Sleep(10 * time.Millisecond); cancel(cause) }()
	if err := l.Wait(cctx); !errors.Is(err, cause) {
		t.Errorf("Wait after cancel = %v, want %v", err, cause)
	}

	dctx, dcancel := context.WithTimeout(ctx, time.Second)
	defer dcancel()
	start := time.Now()
	if err := l.Wait(dctx); err == nil {
		t.Error("Wait gave a slot minutes away within a one-second deadline")
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("refusing a slot past the deadline took %s", took)
	}
}

func TestNilLimiterDoesNotWait(t *testing.T) {
	var l *Limiter
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestRate(t *testing.T) {
	if got := Rate(500, 30*time.Second); got != 1000 {
		t.Errorf("Rate(500, 30s) = %v, want 1000", got)
	}
	if got := Rate(5, 0); got != 0 {
		t.Errorf("Rate(5, 0) = %v, want 0", got)
	}
}
