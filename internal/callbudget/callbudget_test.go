package callbudget

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func mustNew(t *testing.T, max int, bulk bool) *Budget {
	t.Helper()
	b, err := New(max, bulk)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReserveSettleRelease(t *testing.T) {
	b := mustNew(t, 10, false)
	r, err := b.Reserve(3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Reserve(8); !errors.Is(err, ErrOverBudget) {
		t.Fatalf("Reserve(8) with 3 of 10 reserved = %v, want ErrOverBudget", err)
	}
	r.Settle(1) // 2 handed back
	r.Settle(3) // settled already: ignored
	if _, err := b.Reserve(9); err != nil {
		t.Fatalf("Reserve(9) with 1 of 10 accepted: %v", err)
	}
	if got := b.Tally(); got.Accepted != 1 || got.Uncertain != 0 || got.Max != 10 {
		t.Errorf("Tally = %+v, want 1 accepted of 10", got)
	}
}

func TestUnknownAnswerKeepsTheReservation(t *testing.T) {
	b := mustNew(t, 4, false)
	r, _ := b.Reserve(3)
	r.Unknown()
	if _, err := b.Reserve(2); !errors.Is(err, ErrOverBudget) {
		t.Errorf("Reserve(2) after 3 uncertain of 4 = %v, want ErrOverBudget", err)
	}
	got := b.Tally()
	if got.Accepted != 0 || got.Uncertain != 3 {
		t.Errorf("Tally = %+v, want 0 accepted, 3 uncertain", got)
	}
	if s := got.String(); !strings.Contains(s, "accepted 0 calls") || !strings.Contains(s, "may have accepted 3 more") {
		t.Errorf("Tally.String() = %q", s)
	}
}

func TestOverBudgetNamesTheKnob(t *testing.T) {
	b := mustNew(t, 2, false)
	_, err := b.Reserve(3)
	if !errors.Is(err, ErrOverBudget) || !strings.Contains(err.Error(), "knobs.max-accepted-calls: 2") || !strings.Contains(err.Error(), "2 left") {
		t.Errorf("Reserve(3) of 2 = %v", err)
	}
}

func TestBulkNeedsTheKnob(t *testing.T) {
	_, err := mustNew(t, 0, false).Reserve(BulkCalls + 1)
	if !errors.Is(err, ErrBulk) || !strings.Contains(err.Error(), "knobs.allow-bulk-calls") {
		t.Errorf("bulk reservation without the knob = %v", err)
	}
	if _, err := mustNew(t, 0, false).Reserve(BulkCalls); err != nil {
		t.Errorf("Reserve(BulkCalls) = %v, want no error", err)
	}
	if _, err := mustNew(t, 0, true).Reserve(500); err != nil {
		t.Errorf("bulk reservation with the knob = %v", err)
	}
}

func TestNoLimitStillCounts(t *testing.T) {
	b := mustNew(t, 0, true)
	for range 100 {
		r, err := b.Reserve(5)
		if err != nil {
			t.Fatal(err)
		}
		r.Settle(5)
	}
	b.Count(2) // a request that reserved nothing
	if got := b.Tally(); got.Accepted != 502 {
		t.Errorf("accepted %d, want 502", got.Accepted)
	}
	if s := b.Tally().String(); s != "the target accepted 502 calls" {
		t.Errorf("String() = %q", s)
	}
}

// TestConcurrentReservationsNeverExceedTheBudget: however many requests
// reserve at once, and however many of their calls are accepted, the
// accepted calls stay within the budget.
func TestConcurrentReservationsNeverExceedTheBudget(t *testing.T) {
	b := mustNew(t, 10, false)
	var granted atomic.Int64
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := b.Reserve(1 + i%3)
			if err != nil {
				if !errors.Is(err, ErrOverBudget) {
					t.Error(err)
				}
				return
			}
			granted.Add(int64(r.Calls()))
			r.Settle(r.Calls()) // the worst case: every call accepted
		}()
	}
	wg.Wait()
	if got := b.Tally().Accepted; got > 10 || int64(got) != granted.Load() {
		t.Errorf("accepted %d (granted %d), want at most 10", got, granted.Load())
	}
}

func TestZeroReservationNeedsNoBudget(t *testing.T) {
	b := mustNew(t, 1, false)
	r, _ := b.Reserve(1)
	r.Settle(1)
	z, err := b.Reserve(0)
	if err != nil {
		t.Fatalf("Reserve(0) on a spent budget: %v", err)
	}
	z.Settle(2) // the target accepted calls the harness did not expect: counted
	if got := b.Tally().Accepted; got != 3 {
		t.Errorf("accepted %d, want 3", got)
	}
	var nilBudget *Budget
	if _, err := nilBudget.Reserve(3); err != nil {
		t.Errorf("nil budget: %v", err)
	}
	if _, err := New(-1, false); err == nil {
		t.Error("New(-1) gave no error")
	}
}

// acquire is Acquire in a goroutine: its result arrives on the channel.
func acquire(b *Budget, ctx context.Context, n int) <-chan result {
	ch := make(chan result, 1)
	go func() {
		r, err := b.Acquire(ctx, n)
		ch <- result{r, err}
	}()
	return ch
}

type result struct {
	r   *Reservation
	err error
}

// waiting fails the test if ch already has a result.
func waiting(t *testing.T, ch <-chan result) {
	t.Helper()
	select {
	case res := <-ch:
		t.Fatalf("decided while it should wait: %+v", res)
	default:
	}
}

// queued waits until the budget holds n waiting reservations: a goroutine
// reaches Acquire's queue in its own time.
func queued(t *testing.T, b *Budget, n int) {
	t.Helper()
	for {
		b.mu.Lock()
		got := len(b.waiting)
		b.mu.Unlock()
		if got >= n {
			return
		}
		runtime.Gosched()
	}
}

// TestAcquireWaitsForRequestsInFlight: calls held by a request in flight
// are not spent; a request that does not fit beside it waits, and gets
// them when the answer accepted none.
func TestAcquireWaitsForRequestsInFlight(t *testing.T) {
	b := mustNew(t, 3, false)
	inFlight, _ := b.Reserve(3)
	ch := acquire(b, context.Background(), 2)
	queued(t, b, 1)
	waiting(t, ch)
	inFlight.Settle(0) // refused, as the scenario expected: nothing spent
	res := <-ch
	if res.err != nil || res.r.Calls() != 2 {
		t.Fatalf("Acquire(2) after the 3 in flight were handed back = %v", res.err)
	}
	res.r.Settle(2)
	if got := b.Tally(); got.Accepted != 2 {
		t.Errorf("Tally = %+v, want 2 accepted", got)
	}
}

// TestAcquireRefusedWhenTheAcceptedLeaveNoRoom: a waiting request is
// refused, with the knob named, once the request in flight turns out
// accepted; one that cannot fit even if nothing in flight is accepted is
// refused at once.
func TestAcquireRefusedWhenTheAcceptedLeaveNoRoom(t *testing.T) {
	b := mustNew(t, 3, false)
	inFlight, _ := b.Reserve(2)
	ch := acquire(b, context.Background(), 2)
	queued(t, b, 1)
	inFlight.Settle(2)
	if res := <-ch; !errors.Is(res.err, ErrOverBudget) || !strings.Contains(res.err.Error(), "knobs.max-accepted-calls: 3") || !strings.Contains(res.err.Error(), "1 left") {
		t.Errorf("Acquire(2) with 2 of 3 accepted = %v, want ErrOverBudget naming the knob", res.err)
	}
	if _, err := b.Acquire(context.Background(), 4); !errors.Is(err, ErrOverBudget) {
		t.Errorf("Acquire(4) of a budget of 3 = %v, want ErrOverBudget at once", err)
	}
	if r, err := b.Acquire(context.Background(), 1); err != nil || r.Calls() != 1 {
		t.Errorf("Acquire(1) with 2 of 3 accepted = %v", err)
	}
}

// TestAcquireInTurn: a large request that waits is served before smaller
// ones that came after it, though they would fit sooner.
func TestAcquireInTurn(t *testing.T) {
	b := mustNew(t, 4, false)
	a, _ := b.Reserve(2)
	c, _ := b.Reserve(2)
	large := acquire(b, context.Background(), 4)
	queued(t, b, 1)
	small := acquire(b, context.Background(), 1)
	queued(t, b, 2)
	a.Settle(0) // 2 free: enough for the small one, not for the large one
	waiting(t, large)
	waiting(t, small)
	c.Settle(0)
	res := <-large
	if res.err != nil {
		t.Fatalf("the large request: %v", res.err)
	}
	waiting(t, small)
	res.r.Settle(0)
	if res := <-small; res.err != nil {
		t.Fatalf("the small request: %v", res.err)
	}
}

// TestAcquireGivesUpWithItsContext: a wait ends with the context, is not a
// refusal, and leaves the queue to those behind it.
func TestAcquireGivesUpWithItsContext(t *testing.T) {
	b := mustNew(t, 3, false)
	inFlight, _ := b.Reserve(2)
	ctx, cancel := context.WithCancel(context.Background())
	first := acquire(b, ctx, 3)
	queued(t, b, 1)
	second := acquire(b, context.Background(), 1)
	queued(t, b, 2)
	cancel()
	if res := <-first; res.err == nil || errors.Is(res.err, ErrOverBudget) || !errors.Is(res.err, context.Canceled) {
		t.Errorf("a cancelled wait = %v, want context.Canceled, not a refusal", res.err)
	}
	if res := <-second; res.err != nil {
		t.Errorf("the request behind the cancelled one: %v", res.err)
	}
	inFlight.Settle(0)
}

// TestTakeSplitsABatch: requests sent at the same moment reserve together
// and each settles its own part.
func TestTakeSplitsABatch(t *testing.T) {
	b := mustNew(t, 6, false)
	group, err := b.Acquire(context.Background(), 6)
	if err != nil {
		t.Fatal(err)
	}
	parts := []*Reservation{group.Take(2), group.Take(2), group.Take(2)}
	if group.Calls() != 0 {
		t.Errorf("the group still holds %d calls", group.Calls())
	}
	parts[0].Settle(2)
	parts[1].Settle(0)
	parts[2].Unknown()
	group.Settle(0)
	if got := b.Tally(); got.Accepted != 2 || got.Uncertain != 2 {
		t.Errorf("Tally = %+v, want 2 accepted and 2 uncertain", got)
	}
	if _, err := b.Acquire(context.Background(), 3); !errors.Is(err, ErrOverBudget) {
		t.Errorf("Acquire(3) with 4 of 6 spent = %v", err)
	}
}

// TestRefusalsCostNothing: 300 requests at once against a budget of 10,
// each of 1 to 3 calls, all refused by the server: every one is sent (in
// turn, as the ones in flight settle), none skipped.
func TestRefusalsCostNothing(t *testing.T) {
	b := mustNew(t, 10, false)
	sent, refused := storm(t, b, func(int) bool { return false })
	if refused != 0 || sent != 300 {
		t.Errorf("%d sent, %d refused by the budget; want all 300 sent", sent, refused)
	}
	if got := b.Tally(); got.Accepted != 0 {
		t.Errorf("Tally = %+v", got)
	}
}

// TestTheCapIsHard: the same against a server that accepts every call it
// gets (one that does not follow the spec), and against one that accepts
// one request in ten: the calls accepted never exceed the budget, and the
// requests refused by the budget came only once the calls accepted left
// less room than a request may need (3).
func TestTheCapIsHard(t *testing.T) {
	for name, accepts := range map[string]func(int) bool{
		"accepts everything": func(int) bool { return true },
		"accepts one in ten": func(i int) bool { return i%10 == 0 },
	} {
		t.Run(name, func(t *testing.T) {
			const budget = 10
			b := mustNew(t, budget, false)
			sent, refused := storm(t, b, accepts)
			got := b.Tally()
			if got.Accepted > budget {
				t.Errorf("accepted %d calls, over the budget of %d", got.Accepted, budget)
			}
			if refused == 0 || got.Accepted < budget-2 {
				t.Errorf("%d refused with %d of %d calls accepted: the budget refused requests it had room for", refused, got.Accepted, budget)
			}
			t.Logf("%d sent, %d refused, %d calls accepted", sent, refused, got.Accepted)
		})
	}
}

// storm sends 300 requests of 1 to 3 calls at once through b; accepts(i)
// says whether the server accepts request i's calls. It returns how many
// were sent and how many the budget refused, and checks that nothing is
// left reserved or waiting.
func storm(t *testing.T, b *Budget, accepts func(int) bool) (sent, refused int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a backstop against a hang, never reached
	defer cancel()
	var wg sync.WaitGroup
	var nSent, nRefused atomic.Int64
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 1 + i%3
			r, err := b.Acquire(ctx, n)
			if err != nil {
				if !errors.Is(err, ErrOverBudget) {
					t.Error(err)
				}
				nRefused.Add(1)
				return
			}
			nSent.Add(1)
			runtime.Gosched() // in flight
			if accepts(i) {
				r.Settle(n)
			} else {
				r.Settle(0)
			}
		}()
	}
	wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.reserved != 0 || len(b.waiting) != 0 {
		t.Errorf("%d calls still reserved, %d waiting", b.reserved, len(b.waiting))
	}
	return nSent.Load(), nRefused.Load()
}
