package refserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// TestConcurrentRepeats: 50 identical requests at once over HTTP, exactly
// one accepted, the other 49 CHECKSUM_REPEATED. Run it under -race.
func TestConcurrentRepeats(t *testing.T) {
	for _, encrypted := range []bool{false, true} {
		t.Run(modeName(encrypted), func(t *testing.T) {
			h := newHarness(t, Options{})
			f := h.flow("healthy", protocol.KindMulticast)
			body := payload(f)
			if encrypted {
				body = seal(t, f, f.ID, body)
			}
			const n = 50
			codes := make([]protocol.Code, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					codes[i] = postCode(h, createPath(f.Kind, encrypted), body)
				})
			}
			close(start)
			wg.Wait()
			count := map[protocol.Code]int{}
			for _, c := range codes {
				count[c]++
			}
			if count[protocol.Success] != 1 || count[protocol.ChecksumRepeated] != n-1 {
				t.Errorf("answers %v, want one 200 and %d x 201", count, n-1)
			}
		})
	}
}

// postCode sends a request from any goroutine; 0 means it failed.
func postCode(h *harness, path string, body []byte) protocol.Code {
	resp, err := h.http.Client().Post(h.http.URL+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var r struct {
		Code protocol.Code `json:"api-response-code"`
	}
	if json.NewDecoder(resp.Body).Decode(&r) != nil {
		return 0
	}
	return r.Code
}

// TestChecksumWindow: a repeat within 24 hours is refused, after it the
// same payload is accepted again (on a clock the test moves).
func TestChecksumWindow(t *testing.T) {
	var now atomic.Pointer[time.Time]
	set := func(t time.Time) { now.Store(&t) }
	set(testNow)
	h := newHarness(t, Options{Now: func() time.Time { return *now.Load() }})
	f := h.flow("healthy", protocol.KindDialer)
	body := payload(f, func(p map[string]any) {
		p["calls"].([]any)[0].(map[string]any)["start-time"] = "2026-06-10T10:00:00Z"
	})
	h.create(f, true, body).expect(t, protocol.Success, http.StatusOK)
	set(testNow.Add(protocol.ChecksumWindow - time.Second))
	h.create(f, true, body).expect(t, protocol.ChecksumRepeated, http.StatusOK)
	set(testNow.Add(protocol.ChecksumWindow))
	h.create(f, false, body).expect(t, protocol.Success, http.StatusOK)
	h.create(f, true, body).expect(t, protocol.ChecksumRepeated, http.StatusOK)
}

// TestChecksumStoreBounded: expired entries are evicted as new ones come,
// and a full store drops its oldest.
func TestChecksumStoreBounded(t *testing.T) {
	c := newChecksumStore(time.Hour, 1000)
	key := func(i int) checksumKey { return checksumKey{flow: "F", sum: [32]byte{byte(i), byte(i >> 8)}} }
	at := testNow
	for i := range 500 {
		if c.admit(key(i), at, true) {
			t.Fatalf("new key %d is a repeat", i)
		}
	}
	if !c.admit(key(7), at.Add(59*time.Minute), true) {
		t.Error("key 7 within the window is not a repeat")
	}
	at = at.Add(2 * time.Hour)
	for i := 500; i < 600; i++ {
		c.admit(key(i), at, true)
	}
	if n := c.len(); n != 100 {
		t.Errorf("%d entries after the window passed, want 100", n)
	}
	if c.admit(key(7), at, false) {
		t.Error("key 7 is still a repeat after the window")
	}
	for i := 1000; i < 5000; i++ {
		c.admit(key(i), at, true)
	}
	if n := c.len(); n > 1000 {
		t.Errorf("%d entries, want at most 1000", n)
	}
	if !c.admit(key(4999), at, false) || c.admit(key(1000), at, false) {
		t.Error("a full store should keep its newest and drop its oldest")
	}
	if len(c.queue) > 2*1000+64 {
		t.Errorf("queue holds %d (head %d) for %d entries", len(c.queue), c.head, c.len())
	}
}

// TestPullStoreBounded: at most maxPerFlow calls are kept per flow.
func TestPullStoreBounded(t *testing.T) {
	p := newPullStore(10)
	for i := range 25 {
		p.add("F", []pullRecord{{PhononUUID: string(rune('a' + i)), FlowID: "F"}})
	}
	if len(p.byUUID) != 10 || len(p.order["F"]) != 10 {
		t.Errorf("%d records, %d in order; want 10", len(p.byUUID), len(p.order["F"]))
	}
	if got := p.find("F", []string{"a", "y", "y"}, false); len(got) != 1 || got[0].PhononUUID != "y" {
		t.Errorf("find: %+v", got)
	}
}
