package callbudget

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
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
