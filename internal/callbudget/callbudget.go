// Package callbudget counts the calls a target accepted in one run and
// keeps that number under the profile's knobs.max-accepted-calls: on a
// staging server every call accepted under api-version TEST rings a test
// phone.
//
// The cap is hard: at any moment the calls accepted, the calls that may
// have been (requests with no readable answer) and the calls of requests
// still in flight together stay within the budget, so even a server that
// accepts a request it should refuse cannot take the run over it. The
// budget is spent only on what the target accepted: a request reserves the
// calls its payload carries while it is in flight, and when its answer
// comes the reservation is settled, the calls accepted (a phonon-uuid
// returned in call-details, spec section 4) counted and the rest handed
// back. A request whose calls do not fit beside the reservations in flight
// waits for them to settle (Acquire), in turn; it is refused only when the
// calls already accepted leave no room, and its scenario is skipped with
// the reason. A request with no readable answer keeps its whole
// reservation, counted as calls that may have been accepted: the budget
// errs on the side of the phones.
package callbudget

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// BulkCalls is the most calls one request may place unless the profile
// allows bulk calls (protocol.BulkCalls).
const BulkCalls = protocol.BulkCalls

// Errors a refused reservation wraps; the message names the knob.
var (
	ErrOverBudget = errors.New("over the call budget")
	ErrBulk       = errors.New("bulk calls not allowed")
)

// Budget is one run's call budget. It is safe for concurrent use.
type Budget struct {
	max       int // 0: no limit
	allowBulk bool

	mu        sync.Mutex
	reserved  int // calls of requests in flight (reservations not settled yet)
	accepted  int // calls the target accepted (settled)
	uncertain int // reserved calls of requests with no readable answer
	// waiting are the reservations that do not fit beside those in
	// flight, first come first served.
	waiting []*waiter
}

// waiter is one Acquire waiting for reservations in flight to settle.
type waiter struct {
	n     int
	ready chan struct{} // closed when decided
	err   error         // nil: granted
}

// New returns a budget of max accepted calls (0: no limit); allowBulk lets
// one request place more than BulkCalls calls.
func New(max int, allowBulk bool) (*Budget, error) {
	if max < 0 {
		return nil, fmt.Errorf("callbudget: %d calls: want 0 (no limit) or more", max)
	}
	return &Budget{max: max, allowBulk: allowBulk}, nil
}

// Max is the budget (0: no limit).
func (b *Budget) Max() int {
	if b == nil {
		return 0
	}
	return b.max
}

// Reservation is calls set aside for one request (or one batch sent at
// once) until its answer settles them. Settling more than once counts
// only the first.
type Reservation struct {
	b       *Budget
	n       int  // guarded by b.mu (Take moves calls out)
	settled bool // guarded by b.mu
}

// Reserve sets aside n calls now, or refuses: (ErrBulk) more than
// BulkCalls in one request unless bulk calls are allowed, and
// (ErrOverBudget) calls that do not fit beside those accepted, those that
// may have been, those in flight and those waiting. Acquire waits instead
// where only calls in flight are in the way.
func (b *Budget) Reserve(n int) (*Reservation, error) {
	r, _, err := b.reserve(n, false) // never queued: wait is false
	return r, err
}

// Acquire sets aside n calls for a request about to be sent. When they do
// not fit beside the reservations in flight it waits, in turn, until
// enough of those settle, or ctx ends; it refuses (ErrOverBudget) only
// when the calls accepted, and those that may have been, leave no room
// for n, and (ErrBulk) a bulk request the profile does not allow.
func (b *Budget) Acquire(ctx context.Context, n int) (*Reservation, error) {
	r, w, err := b.reserve(n, true)
	if w == nil {
		return r, err
	}
	select {
	case <-w.ready:
	case <-ctx.Done():
		b.mu.Lock()
		decided := b.abandon(w)
		b.mu.Unlock()
		if !decided {
			return nil, fmt.Errorf("waiting for the call budget (knobs.max-accepted-calls: %d) to hold %d more calls: %w", b.max, n, context.Cause(ctx))
		}
		<-w.ready // decided while ctx ended: take the decision
	}
	if w.err != nil {
		return nil, w.err
	}
	return &Reservation{b: b, n: n}, nil
}

// reserve grants, refuses or (with wait) queues n calls.
func (b *Budget) reserve(n int, wait bool) (*Reservation, *waiter, error) {
	n = max(n, 0)
	if b == nil || n == 0 {
		return &Reservation{b: b}, nil, nil // still counts what Settle reports
	}
	if n > BulkCalls && !b.allowBulk {
		return nil, nil, fmt.Errorf("%w: the request places %d calls, more than %d, and the profile does not allow bulk calls (knobs.allow-bulk-calls: false)", ErrBulk, n, BulkCalls)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.max == 0 {
		b.reserved += n
		return &Reservation{b: b, n: n}, nil, nil
	}
	if err := b.noRoom(n); err != nil {
		return nil, nil, err
	}
	if len(b.waiting) == 0 && b.reserved+b.spent()+n <= b.max {
		b.reserved += n
		return &Reservation{b: b, n: n}, nil, nil
	}
	if !wait {
		return nil, nil, fmt.Errorf("%w: the request could place %d calls, and the call budget (knobs.max-accepted-calls: %d) has %d left, of which requests in flight hold %d", ErrOverBudget, n, b.max, b.max-b.spent(), b.reserved)
	}
	w := &waiter{n: n, ready: make(chan struct{})}
	b.waiting = append(b.waiting, w)
	return nil, w, nil
}

// spent is the calls accepted and those that may have been.
func (b *Budget) spent() int { return b.accepted + b.uncertain }

// noRoom refuses n calls the budget cannot hold even once every request in
// flight is settled with nothing accepted.
func (b *Budget) noRoom(n int) error {
	if b.spent()+n <= b.max {
		return nil
	}
	return fmt.Errorf("%w: the request could place %d calls, and the call budget (knobs.max-accepted-calls: %d) has %d left", ErrOverBudget, n, b.max, max(0, b.max-b.spent()))
}

// dispatch decides the waiting reservations in turn: the first is granted
// when it fits, refused when it never will, and otherwise every one behind
// it waits too (first come, first served: a large reservation is not
// starved by small ones). Called with b.mu held after every change.
func (b *Budget) dispatch() {
	for len(b.waiting) > 0 {
		w := b.waiting[0]
		if w.err = b.noRoom(w.n); w.err == nil {
			if b.reserved+b.spent()+w.n > b.max {
				return // wait for what is in flight
			}
			b.reserved += w.n
		}
		b.waiting = b.waiting[1:]
		close(w.ready)
	}
}

// abandon takes w out of the queue when its context ended first. It
// reports whether w had already been decided.
func (b *Budget) abandon(w *waiter) bool {
	for i, q := range b.waiting {
		if q == w {
			b.waiting = append(b.waiting[:i:i], b.waiting[i+1:]...)
			b.dispatch() // the ones behind it may fit now
			return false
		}
	}
	return true
}

// Calls is how many calls the reservation holds.
func (r *Reservation) Calls() int {
	if r == nil || r.b == nil {
		return 0
	}
	r.b.mu.Lock()
	defer r.b.mu.Unlock()
	return r.n
}

// Take moves n of the reservation's calls (at most what it holds) into a
// reservation of their own, settled on its own: requests sent at the same
// moment reserve together, each answer settles its part.
func (r *Reservation) Take(n int) *Reservation {
	if r == nil || r.b == nil {
		return &Reservation{}
	}
	r.b.mu.Lock()
	defer r.b.mu.Unlock()
	if r.settled {
		return &Reservation{b: r.b}
	}
	n = min(max(n, 0), r.n)
	r.n -= n
	return &Reservation{b: r.b, n: n}
}

// Settle counts the calls the target accepted and hands back the rest.
// More accepted than reserved are counted all the same: the budget reports
// what the target did.
func (r *Reservation) Settle(accepted int) { r.SettleUncertain(accepted, 0) }

// Unknown settles a request whose answer could not be read: all its calls
// may have been accepted.
func (r *Reservation) Unknown() {
	if r == nil || r.b == nil {
		return
	}
	r.b.mu.Lock()
	n := r.n
	r.b.mu.Unlock()
	r.SettleUncertain(0, n)
}

// SettleUncertain counts accepted calls, and uncertain ones that may have
// been accepted (an answer that does not say what became of them); the
// rest of the reservation is handed back.
func (r *Reservation) SettleUncertain(accepted, uncertain int) {
	if r == nil || r.b == nil {
		return
	}
	b := r.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.settled {
		return
	}
	r.settled = true
	b.reserved -= r.n
	b.accepted += max(0, accepted)
	b.uncertain += max(0, uncertain)
	b.dispatch()
}

// Count records calls accepted by a request that reserved nothing (a
// request the harness did not expect to place any).
func (b *Budget) Count(accepted int) {
	if b == nil || accepted <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.accepted += accepted
	b.dispatch()
}

// Tally is what a run's target accepted.
type Tally struct {
	Accepted  int // calls returned with a phonon-uuid
	Uncertain int // calls of requests whose answer did not say what became of them
	Max       int // the budget (0: no limit)
}

// Tally returns the counts so far.
func (b *Budget) Tally() Tally {
	if b == nil {
		return Tally{}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return Tally{Accepted: b.accepted, Uncertain: b.uncertain, Max: b.max}
}

// String is the console's sentence: "the target accepted 12 calls (budget
// 20)".
func (t Tally) String() string {
	s := fmt.Sprintf("the target accepted %d call%s", t.Accepted, plural(t.Accepted))
	if t.Uncertain > 0 {
		s += fmt.Sprintf(", and may have accepted %d more (answers that did not say what became of them)", t.Uncertain)
	}
	if t.Max > 0 {
		s += fmt.Sprintf(" (budget: knobs.max-accepted-calls %d)", t.Max)
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
