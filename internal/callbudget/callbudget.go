// Package callbudget counts the calls a target accepted in one run and
// keeps that number under the profile's knobs.max-accepted-calls: on a
// staging server every call accepted under api-version TEST rings a test
// phone.
//
// A request that could place calls reserves them before it is sent; a
// reservation that would take the run over its budget is refused, and the
// scenario is skipped with the reason. When the answer comes, the
// reservation is settled: the calls accepted (a phonon-uuid returned in
// call-details, spec section 4) are counted, the rest handed back. A
// request with no readable answer keeps its whole reservation, counted as
// calls that may have been accepted: the budget errs on the side of the
// phones.
package callbudget

import (
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
	reserved  int // reservations not settled yet
	accepted  int // calls the target accepted (settled)
	uncertain int // reserved calls of requests with no readable answer
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
func (b *Budget) Max() int { return b.max }

// Reservation is calls set aside for one request until its answer settles
// them. Its methods may be called more than once; only the first counts.
type Reservation struct {
	b    *Budget
	n    int
	once sync.Once
}

// Reserve sets aside n calls for a request about to be sent. It refuses
// (ErrBulk) more than BulkCalls in one request unless bulk calls are
// allowed, and (ErrOverBudget) calls the budget no longer holds, counting
// those accepted, those that may have been, and those reserved by
// requests still waiting for their answer.
func (b *Budget) Reserve(n int) (*Reservation, error) {
	if n < 0 {
		n = 0
	}
	if b == nil || n == 0 {
		return &Reservation{b: b}, nil // still counts what Settle reports
	}
	if n > BulkCalls && !b.allowBulk {
		return nil, fmt.Errorf("%w: the request places %d calls, more than %d, and the profile does not allow bulk calls (knobs.allow-bulk-calls: false)", ErrBulk, n, BulkCalls)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.max > 0 {
		if used := b.accepted + b.uncertain + b.reserved; used+n > b.max {
			return nil, fmt.Errorf("%w: the request could place %d calls, and the call budget (knobs.max-accepted-calls: %d) has %d left", ErrOverBudget, n, b.max, max(0, b.max-used))
		}
	}
	b.reserved += n
	return &Reservation{b: b, n: n}, nil
}

// Calls is how many calls the reservation holds.
func (r *Reservation) Calls() int { return r.n }

// Settle counts the calls the target accepted and hands back the rest.
// More accepted than reserved are counted all the same: the budget reports
// what the target did.
func (r *Reservation) Settle(accepted int) {
	r.settle(max(0, accepted), 0)
}

// Unknown settles a request whose answer could not be read: all its calls
// may have been accepted.
func (r *Reservation) Unknown() { r.settle(0, r.n) }

func (r *Reservation) settle(accepted, uncertain int) {
	if r == nil {
		return
	}
	r.once.Do(func() {
		b := r.b
		if b == nil {
			return
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		b.reserved -= r.n
		b.accepted += accepted
		b.uncertain += uncertain
	})
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
}

// Tally is what a run's target accepted.
type Tally struct {
	Accepted  int // calls returned with a phonon-uuid
	Uncertain int // calls of requests whose answer could not be read
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
		s += fmt.Sprintf(", and may have accepted %d more (requests with no readable answer)", t.Uncertain)
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
