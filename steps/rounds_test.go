package steps

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// The window grows by one while rounds are answered within the slack of
// the fastest yet, shrinks by one when they are not, and stays within
// 1..max.
func TestRoundWindowAdapts(t *testing.T) {
	ms := time.Millisecond
	w := newRoundWindow(3, 15*ms)
	steps := []struct {
		took  time.Duration
		limit int
	}{
		{100 * ms, 2}, {115 * ms, 3}, {110 * ms, 3}, {116 * ms, 2}, {200 * ms, 1}, {200 * ms, 1}, {90 * ms, 2}, {106 * ms, 1},
	}
	if w.limit != 1 {
		t.Fatalf("Expected a first window of 1 round, Actual %d", w.limit)
	}
	for i, s := range steps {
		if err := w.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		w.release(s.took)
		if w.limit != s.limit {
			t.Errorf("round %d answered in %s (fastest %s): Expected a window of %d, Actual %d", i, s.took, w.fastest, s.limit, w.limit)
		}
	}
}

// sendRounds keeps at most maxInFlight rounds in flight, sends a round's
// requests one after another, and records them all as one batch in round
// order.
func TestSendRoundsBoundsRoundsInFlight(t *testing.T) {
	var mu sync.Mutex
	var now, most int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now++
		most = max(most, now)
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		now--
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	st := roundsScenario(t, srv)
	rounds := makeRounds(20, 3, "")
	out := st.sendRounds(context.Background(), rounds, 2, time.Second)
	for i, xs := range out {
		if len(xs) != 3 || firstUnanswered(xs) != nil {
			t.Fatalf("round %d: Expected 3 answers, Actual %v", i, xs)
		}
	}
	if most > 2 {
		t.Errorf("Expected at most 2 rounds in flight, each one request at a time, Actual %d requests at once", most)
	}
	if len(st.sent.batch) != 60 || st.sent.batchOf[3] != "round 1" {
		t.Errorf("Expected the 60 exchanges recorded in round order, Actual %d, the 4th %q", len(st.sent.batch), st.sent.batchOf[3])
	}
}

// A round ends at its first request without an answer, and no round
// starts after it.
func TestSendRoundsStopsAfterAnUnansweredRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "drop") {
			panic(http.ErrAbortHandler) // the connection closes without an answer
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	st := roundsScenario(t, srv)
	rounds := makeRounds(10, 3, "drop")
	out := st.sendRounds(context.Background(), rounds, 4, time.Second)
	if len(out[0]) != 1 || firstUnanswered(out[0]) == nil {
		t.Fatalf("Expected round 0 to end at its unanswered first request, Actual %v", out[0])
	}
	for i, xs := range out[1:] {
		if xs != nil {
			t.Errorf("round %d: Expected not sent after round 0 went unanswered, Actual %d exchanges", i+1, len(xs))
		}
	}
}

func roundsScenario(t *testing.T, srv *httptest.Server) *scenario {
	t.Helper()
	base, _ := url.Parse(srv.URL)
	return &scenario{s: &Suite{base: base, client: srv.Client(), timeout: time.Minute}}
}

// makeRounds builds n rounds of k requests, labelled by round; round 0's
// first body is drop0 when drop is set.
func makeRounds(n, k int, drop string) [][]outgoing {
	rounds := make([][]outgoing, n)
	for i := range rounds {
		for j := 0; j < k; j++ {
			body := "{}"
			if i == 0 && j == 0 && drop != "" {
				body = drop
			}
			rounds[i] = append(rounds[i], outgoing{path: "/", body: []byte(body), label: fmt.Sprint("round ", i)})
		}
	}
	return rounds
}

// The members of a group hold the lock together: a reader waits for the
// group, and the group's second member does not wait for the first.
func TestGroupLockSharedByItsMembers(t *testing.T) {
	var rw sync.RWMutex
	g := &groupLock{rw: &rw}
	g.join()
	joined := make(chan struct{})
	go func() { g.join(); close(joined) }()
	<-joined // would hang if the second member waited for the first
	read := make(chan struct{})
	go func() { rw.RLock(); close(read); rw.RUnlock() }()
	g.leave()
	select {
	case <-read:
		t.Fatal("a reader got the lock while a member of the group still held it")
	case <-time.After(20 * time.Millisecond):
	}
	g.leave()
	<-read // would hang if the last member did not give the lock back
}
