// Package watch judges a target from all of a run's exchanges at once,
// which no single scenario can: a target that stopped answering (a circuit
// breaker stops the run, so a dead target costs seconds, not an hour of
// timeouts) and a target that does not speak Kairos at all (one line in the
// summary rather than 330 failures to read).
package watch

import (
	"bytes"
	"fmt"
	"mime"
	"sort"
	"strings"
	"sync"

	"github.com/kairos-conformance/kairos-conformance/internal/netfault"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/safetext"
)

// Exchange is what one request got back, as the watch needs it.
type Exchange struct {
	// Err is the transport error, nil when a complete answer came back.
	Err error
	// Answered is set when an HTTP status line and headers came back.
	Answered    bool
	ContentType string
	// Body is the body as read (within the harness's limits); only its
	// first bytes are looked at.
	Body []byte
}

// StoppedError is the cause a Watch stops the run with.
type StoppedError struct {
	// Reason is one line naming the target and what it did.
	Reason string
}

func (e *StoppedError) Error() string { return e.Reason }

// Watch watches one run. Its methods are safe for concurrent use.
type Watch struct {
	target string
	limit  int
	stop   func(error)

	mu      sync.Mutex
	streak  int
	last    string // the last failure of the streak, explained
	stopped *StoppedError
	answers int
	notJSON map[string]int // by media type
}

// New watches a run against target. stop is called once, with a
// *StoppedError, when streak exchanges in a row get no answer (streak <= 0:
// protocol.NoAnswerStreak); give it the run context's cancel function.
func New(target string, streak int, stop func(error)) *Watch {
	if streak <= 0 {
		streak = protocol.NoAnswerStreak
	}
	return &Watch{target: target, limit: streak, stop: stop, notJSON: map[string]int{}}
}

// Observe records one exchange. An exchange the run itself cancelled says
// nothing about the target and is ignored.
func (w *Watch) Observe(x Exchange) {
	kind := netfault.Classify(x.Err)
	if kind == netfault.Canceled {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if x.Answered {
		w.answers++
		if !looksLikeJSON(x.Body) {
			w.notJSON[mediaType(x.ContentType)]++
		}
	}
	if !kind.NoAnswer() {
		w.streak = 0
		return
	}
	w.streak++
	w.last = netfault.Explain(x.Err)
	if w.streak >= w.limit && w.stopped == nil {
		w.stopLocked(fmt.Sprintf("the target at %s stopped answering: %d exchanges in a row got no answer (the last: %s)", w.target, w.streak, w.last))
	}
}

// Stop stops the run at once, e.g. when the probe before it got no answer;
// reason is one line naming the target and what it did.
func (w *Watch) Stop(reason string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped == nil {
		w.stopLocked(reason)
	}
}

func (w *Watch) stopLocked(reason string) {
	w.stopped = &StoppedError{Reason: safetext.Clean(reason)}
	if w.stop != nil {
		w.stop(w.stopped)
	}
}

// Stopped is the cause the run was stopped with, or nil.
func (w *Watch) Stopped() *StoppedError {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stopped
}

// Diagnosis is one line when most answers were not JSON at all ("the
// target at URL is not speaking Kairos: 330 of 330 answers were
// text/html"), else "".
func (w *Watch) Diagnosis() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	types := make([]string, 0, len(w.notJSON))
	for t, c := range w.notJSON {
		n += c
		types = append(types, t)
	}
	if w.answers == 0 || 2*n <= w.answers {
		return ""
	}
	sort.Slice(types, func(i, j int) bool {
		if w.notJSON[types[i]] != w.notJSON[types[j]] {
			return w.notJSON[types[i]] > w.notJSON[types[j]]
		}
		return types[i] < types[j]
	})
	what := types[0]
	if len(types) > 1 {
		parts := make([]string, len(types))
		for i, t := range types {
			parts[i] = fmt.Sprintf("%d %s", w.notJSON[t], t)
		}
		what = "not JSON (" + strings.Join(parts, ", ") + ")"
	}
	return safetext.Clean(fmt.Sprintf("the target at %s is not speaking Kairos: %d of %d answers were %s", w.target, n, w.answers, what))
}

// looksLikeJSON is a cheap test: a JSON object or list, however broken
// inside. Every Kairos answer is a JSON object (spec section 4).
func looksLikeJSON(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// mediaType is the Content-Type without parameters, or a phrase for none.
func mediaType(ct string) string {
	if strings.TrimSpace(ct) == "" {
		return "without a Content-Type"
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	return fmt.Sprintf("%q", ct)
}
