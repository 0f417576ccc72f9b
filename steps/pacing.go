package steps

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/callbudget"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// What every request passes on its way out (Suite.admit) and back
// (Suite.settle), whichever step sends it: a slot from the run's pacing
// limiter, and for a create request a reservation of the calls its payload
// carries from the run's call budget. A reservation the budget refuses is
// not sent; the scenario that tried is skipped with the reason when its
// step ends (scenario.refusedStep), however the step sent it.

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

// admit reserves the calls o could place and waits for its pacing slot.
// The wait comes before the request's own deadline starts.
func (s *Suite) admit(ctx context.Context, o outgoing) (*callbudget.Reservation, error) {
	reservation, err := s.budget.Reserve(callsIn(o))
	if err != nil {
		if r, ok := ctx.Value(refusalsKey{}).(*refusals); ok {
			r.add(err)
		}
		return nil, fmt.Errorf("%w: %w", errNotSent, err)
	}
	if err := s.limiter.Wait(ctx); err != nil {
		reservation.Settle(0)
		return nil, fmt.Errorf("%w: waiting for a slot under knobs.max-requests-per-minute: %w", errNotSent, err)
	}
	return reservation, nil
}

// settle counts the calls the answer accepted (call-details entries with a
// phonon-uuid, spec section 4) and hands back the rest of the
// reservation; with no readable answer, all of them may have been placed.
func (s *Suite) settle(r *callbudget.Reservation, x *exchange) {
	if x.status == 0 || !gjson.ValidBytes(x.body) {
		r.Unknown()
		return
	}
	n := 0
	gjson.GetBytes(x.body, "call-details").ForEach(func(_, v gjson.Result) bool {
		if v.Get("phonon-uuid").String() != "" {
			n++
		}
		return true
	})
	r.Settle(n)
}

// callsIn is how many calls a request could place: the length of the calls
// list of the payload it carries to a create endpoint (the envelope's
// inner payload, or a plain body). Anything else places none.
func callsIn(o outgoing) int {
	if !isCreatePath(o.path) {
		return 0
	}
	payload := o.payload
	if payload == nil {
		payload = o.body
	}
	calls := gjson.GetBytes(payload, "calls")
	if !calls.IsArray() {
		return 0
	}
	return int(calls.Get("#").Int())
}

func isCreatePath(path string) bool {
	for _, e := range protocol.Endpoints() {
		if e.Path == path {
			return e.Kind != "" // only create endpoints serve a flow kind
		}
	}
	return false
}
