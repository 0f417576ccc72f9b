package steps

import (
	"context"
	"sync"
	"time"
)

// Rounds: a measurement that compares classes of requests sends them in
// rounds, one request of each class per round, one after another in an
// order drawn for the round, so that a drift of the load meets every class
// of a round alike. Against a far-away target one round at a time costs
// three round trips per round; several rounds in flight hide them, but
// where the target's own work is what takes the time (a server on this
// machine, a slow one), requests in flight queue behind one another at the
// target and add the very noise the rounds are there to cancel. So the
// window of rounds in flight adapts, as TCP Vegas does: it grows by one
// while rounds are answered within a slack of the fastest round yet (the
// time is the network's), and shrinks by one when they are not (the time
// is the target's queue). The slack is absolute, not a share of the round
// trip: what the measurement can bear is a few milliseconds of queueing,
// however far away the target is.

// roundWindow bounds the rounds in flight.
type roundWindow struct {
	mu       sync.Mutex
	freed    chan struct{} // signalled when a round ends or the window grows
	inFlight int
	limit    int // rounds allowed in flight now, 1..max
	max      int
	slack    time.Duration
	fastest  time.Duration
}

func newRoundWindow(max int, slack time.Duration) *roundWindow {
	return &roundWindow{freed: make(chan struct{}, 1), limit: 1, max: max, slack: slack}
}

// acquire waits for room for one more round in flight.
func (w *roundWindow) acquire(ctx context.Context) error {
	for {
		w.mu.Lock()
		if w.inFlight < w.limit {
			w.inFlight++
			w.mu.Unlock()
			return nil
		}
		w.mu.Unlock()
		select {
		case <-w.freed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// release ends a round that took took (its slowest answer) and adapts the
// window.
func (w *roundWindow) release(took time.Duration) {
	w.mu.Lock()
	w.inFlight--
	if w.fastest == 0 || took < w.fastest {
		w.fastest = took
	}
	if took <= w.fastest+w.slack {
		w.limit = min(w.limit+1, w.max)
	} else {
		w.limit = max(w.limit-1, 1)
	}
	w.mu.Unlock()
	select {
	case w.freed <- struct{}{}:
	default:
	}
}

// abandon gives back room acquired for a round that is not sent.
func (w *roundWindow) abandon() {
	w.mu.Lock()
	w.inFlight--
	w.mu.Unlock()
}

// sendRounds sends rounds of requests, each round's one after another, up
// to maxInFlight rounds at a time as the window allows (slack: how much
// slower than the fastest round a round may be and still let it grow). A round ends at
// its first request without an answer, and no round starts after one
// did: every further request could wait out its deadline. A round that
// was not sent is nil. Every exchange made is recorded, in round order,
// as the step's batch.
func (st *scenario) sendRounds(ctx context.Context, rounds [][]outgoing, maxInFlight int, slack time.Duration) [][]*exchange {
	out := make([][]*exchange, len(rounds))
	w := newRoundWindow(max(1, maxInFlight), slack)
	var mu sync.Mutex
	unanswered := false
	var wg sync.WaitGroup
	for i := range rounds {
		if w.acquire(ctx) != nil {
			break
		}
		mu.Lock()
		stop := unanswered
		mu.Unlock()
		if stop {
			w.abandon()
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var xs []*exchange
			start := time.Now()
			for _, o := range rounds[i] {
				x := st.s.batchRoundTrip(ctx, o) // large answers shed once read
				xs = append(xs, x)
				if x.status == 0 {
					break
				}
			}
			took := time.Since(start)
			mu.Lock()
			unanswered = unanswered || xs[len(xs)-1].status == 0
			out[i] = xs
			mu.Unlock()
			w.release(took)
		}()
	}
	wg.Wait()
	var reqs []outgoing
	var xs []*exchange
	for i, round := range out {
		if round != nil {
			reqs, xs = append(reqs, rounds[i][:len(round)]...), append(xs, round...)
		}
	}
	if len(xs) > 0 {
		st.record(reqs, xs)
	}
	return out
}
