package hostiletest

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// Hiccup is how a working server fails one request, once: what a real
// network does now and then, as opposed to a target that is broken.
type Hiccup string

const (
	// HiccupReset resets the request's connection (TCP RST) instead of
	// answering.
	HiccupReset Hiccup = "reset"
	// HiccupSilence holds the request unanswered until the client gives up
	// (its deadline) or the server closes.
	HiccupSilence Hiccup = "silence"
)

// Hiccups serves a working server h, except that the requests whose
// numbers are listed (counted from 1, in the order they arrive) get no
// answer, the way how says: "resets the 2nd request once". Every other
// request, and a resent one (it has a new number), is h's to answer.
type Hiccups struct {
	h        http.Handler
	how      Hiccup
	nth      map[int64]bool
	requests atomic.Int64
	failed   atomic.Int64
	done     chan struct{}
	once     sync.Once
}

// NewHiccups wraps h; nth are the request numbers that get no answer.
func NewHiccups(h http.Handler, how Hiccup, nth ...int64) *Hiccups {
	set := make(map[int64]bool, len(nth))
	for _, n := range nth {
		set[n] = true
	}
	return &Hiccups{h: h, how: how, nth: set, done: make(chan struct{})}
}

// Requests is how many requests arrived; Failed how many got no answer.
func (s *Hiccups) Requests() int64 { return s.requests.Load() }
func (s *Hiccups) Failed() int64   { return s.failed.Load() }

// Close releases the requests held by HiccupSilence (call it before the
// server's own Close, which waits for its handlers).
func (s *Hiccups) Close() { s.once.Do(func() { close(s.done) }) }

func (s *Hiccups) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.nth[s.requests.Add(1)] {
		s.h.ServeHTTP(w, r)
		return
	}
	s.failed.Add(1)
	switch s.how {
	case HiccupSilence:
		select {
		case <-r.Context().Done(): // the client gave up
		case <-s.done:
		}
		return
	default: // HiccupReset
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("hostiletest: HiccupReset needs a server whose connections can be hijacked (HTTP/1)")
		}
		c, _, err := hj.Hijack()
		if err != nil {
			return
		}
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // close sends RST, not FIN
		}
		c.Close()
	}
}
