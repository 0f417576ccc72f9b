package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/callbudget"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// What every request passes on its way out (Suite.admit) and back
// (Suite.settle), whichever step sends it: a reservation, from the run's
// call budget, of the calls its payload carries, held while it is in
// flight, then a slot from the run's pacing limiter. A reservation waits
// while other requests in flight hold the budget's room, and is refused
// only when the calls already accepted leave none; a refused request is
// not sent, and the scenario that tried is skipped with the reason when
// its step ends (scenario.refusedStep), however the step sent it.

// refusals collects, for one scenario, the requests the call budget
// refused; requests sent at once may report together.
type refusals struct {
	mu  sync.Mutex
	err error // the first
}

type refusalsKey struct{}

func (r *refusals) add(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
	}
}

func (r *refusals) take() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.err
	r.err = nil
	return err
}

// withRefusals gives the scenario's steps a context its requests report
// refusals through.
func (st *scenario) withRefusals(ctx context.Context) context.Context {
	return context.WithValue(ctx, refusalsKey{}, &st.refused)
}

// refusedStep is the skip of a step one of whose requests the call budget
// refused, with the reason attached; nil if none was.
func (st *scenario) refusedStep() error {
	if err := st.refused.take(); err != nil {
		return st.skip("the harness did not send a request: %v", err)
	}
	return nil
}

// errNotSent marks an exchange that never left the harness.
var errNotSent = errors.New("not sent")

// admit reserves the calls o could place (unless its batch reserved them:
// o.reserved) and waits for its pacing slot. Both waits come before the
// request's own deadline starts.
func (s *Suite) admit(ctx context.Context, o outgoing) (*callbudget.Reservation, error) {
	reservation := o.reserved
	if reservation == nil {
		var err error
		if reservation, err = s.reserve(ctx, callsIn(o)); err != nil {
			return nil, err
		}
	}
	if err := s.limiter.Wait(ctx); err != nil {
		reservation.Settle(0)
		return nil, fmt.Errorf("%w: waiting for a slot under knobs.max-requests-per-minute: %w", errNotSent, err)
	}
	return reservation, nil
}

// reserve acquires n calls from the run's budget, waiting while requests
// in flight hold its room. A refusal is reported to the scenario (a skip
// with the reason); either way the error marks a request not sent.
func (s *Suite) reserve(ctx context.Context, n int) (*callbudget.Reservation, error) {
	reservation, err := s.budget.Acquire(ctx, n)
	if err == nil {
		return reservation, nil
	}
	if r, ok := ctx.Value(refusalsKey{}).(*refusals); ok && (errors.Is(err, callbudget.ErrOverBudget) || errors.Is(err, callbudget.ErrBulk)) {
		r.add(err)
	}
	return nil, fmt.Errorf("%w: %w", errNotSent, err)
}

// settle counts the calls the answer accepted (call-details entries with a
// phonon-uuid, spec section 4) and hands back the rest of the
// reservation. With no readable answer (no response, not JSON, no numeric
// api-response-code) all of them may have been placed; so may the calls a
// success answer (200, 209) neither accepts nor refuses in its
// call-details: a server that places calls without saying so must not
// take the run over its budget.
func (s *Suite) settle(r *callbudget.Reservation, x *exchange) {
	code := gjson.GetBytes(x.body, "api-response-code")
	if x.status == 0 || x.err != nil || !x.isJSON() || code.Type != gjson.Number {
		r.Unknown()
		return
	}
	accepted, refused := 0, 0
	gjson.GetBytes(x.body, "call-details").ForEach(func(_, v gjson.Result) bool {
		switch {
		case v.Get("phonon-uuid").String() != "":
			accepted++
		case v.Get("api-response-code").Exists():
			refused++
		}
		return true
	})
	uncertain := 0
	if c := protocol.Code(code.Int()); c == protocol.Success || c == protocol.PartialSuccess {
		uncertain = max(0, r.Calls()-accepted-refused)
	}
	r.SettleUncertain(accepted, uncertain)
}

// callsIn is the most calls a request could place, whatever path it goes
// to and however leniently a server reads it: the longest top-level list
// named "calls" in any case (a server that ignores case, or keeps the last
// of duplicate keys, reads one the harness would not) in the payload it
// carries (the envelope's inner payload) or in its body.
func callsIn(o outgoing) int {
	return max(callsInJSON(o.payload), callsInJSON(o.body))
}

func callsInJSON(doc []byte) int {
	n := 0
	gjson.ParseBytes(doc).ForEach(func(k, v gjson.Result) bool {
		if strings.EqualFold(k.String(), "calls") && v.IsArray() {
			n = max(n, int(v.Get("#").Int()))
		}
		return true
	})
	return n
}
