package reporting

import (
	"fmt"
	"time"
)

// Traffic is what a run asked of the target: the requests it sent (the
// preflight's included) under the pacing limit, and the calls the target
// accepted under the call budget.
type Traffic struct {
	Requests int64
	// RequestLimit is knobs.max-requests-per-minute (0: none).
	RequestLimit int
	// AcceptedCalls came back with a phonon-uuid; UncertainCalls were in
	// requests whose answer did not say what became of them (none could be
	// read, or a success answer left them out), and may have been placed.
	AcceptedCalls, UncertainCalls int
	// CallBudget is knobs.max-accepted-calls (0: none).
	CallBudget int
}

// RequestsText is "512 requests in 12.3s: 2497 a minute (no limit set)".
func (t *Traffic) RequestsText(elapsed time.Duration) string {
	s := fmt.Sprintf("%d requests", t.Requests)
	if elapsed > 0 {
		s += fmt.Sprintf(" in %s: %.0f a minute", elapsed.Round(time.Millisecond), float64(t.Requests)/elapsed.Minutes())
	}
	if t.RequestLimit > 0 {
		return s + fmt.Sprintf(" (limit: knobs.max-requests-per-minute %d)", t.RequestLimit)
	}
	return s + " (no limit set)"
}

// CallsText is "the target accepted 12 calls (budget: knobs.max-accepted-calls 20)".
func (t *Traffic) CallsText() string {
	s := fmt.Sprintf("the target accepted %d call", t.AcceptedCalls)
	if t.AcceptedCalls != 1 {
		s += "s"
	}
	if t.UncertainCalls > 0 {
		s += fmt.Sprintf(", and may have accepted %d more (answers that did not say what became of them)", t.UncertainCalls)
	}
	if t.CallBudget > 0 {
		return s + fmt.Sprintf(" (budget: knobs.max-accepted-calls %d)", t.CallBudget)
	}
	return s + " (no call budget set)"
}

// elapsed is the run's wall time, 0 when unknown.
func (m Meta) elapsed() time.Duration {
	if m.Started.IsZero() || m.Finished.IsZero() {
		return 0
	}
	return m.Finished.Sub(m.Started)
}

// TrafficText is the reports' sentence about the run's traffic: "Sent 512
// requests in 12.3s: ...; the target accepted 12 calls (...)"; empty when
// nothing was counted.
func (m Meta) TrafficText() string {
	if m.Traffic == nil {
		return ""
	}
	return fmt.Sprintf("Sent %s; %s.", m.Traffic.RequestsText(m.elapsed()), m.Traffic.CallsText())
}
