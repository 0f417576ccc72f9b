package refserver

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// recordPauses replaces the server's sleep with a counter of the time it
// would have waited, so no test here depends on the clock.
func recordPauses(h *harness) *atomic.Int64 {
	var waited atomic.Int64
	h.srv.pause = func(_ context.Context, d time.Duration) { waited.Add(int64(d)) }
	return &waited
}

// stageFaultProbes observe the close-connection and delay faults: what the
// connection handling and the (recorded) waiting show for one envelope.
func stageFaultProbes() map[string]probe {
	observe := func(name string) probe {
		return func(t *testing.T, h *harness, _ func(time.Time)) string {
			waited := recordPauses(h)
			body := brokenEnvelopes(t, h.flow("healthy", protocol.KindMulticast))[name]
			r := h.post(protocol.PathEncMulticastCreate, body)
			return fmt.Sprintf("%s, connection closed %v, waited %s", codeOf(r), r.closed, time.Duration(waited.Load()))
		}
	}
	return map[string]probe{
		faultCloseOnRSAFailure: observe("RSA decryption"),
		faultDelayAfterRSA:     observe("AES padding"),
		faultDelayBadPayload:   observe("payload JSON"),
	}
}

// TestStageFaults: each fault changes exactly the failures it names, and
// the correct server treats every stage alike.
func TestStageFaults(t *testing.T) {
	rsaFails := func(s envelope.Stage) bool { return s <= envelope.StageKeyEncoding }
	payloadFails := func(s envelope.Stage) bool {
		return s == envelope.StagePayloadBase64 || s == envelope.StagePayloadJSON
	}
	never := func(envelope.Stage) bool { return false }
	cases := []struct {
		fault        string
		closes, slow func(envelope.Stage) bool
	}{
		{"", never, never},
		{faultCloseOnRSAFailure, rsaFails, never},
		{faultDelayAfterRSA, never, func(s envelope.Stage) bool { return !rsaFails(s) }},
		{faultDelayBadPayload, never, payloadFails},
	}
	for _, tc := range cases {
		t.Run(Fault{name: tc.fault}.Name(), func(t *testing.T) {
			h := newHarness(t, Options{Fault: Fault{name: tc.fault}})
			waited := recordPauses(h)
			f := h.flow("healthy", protocol.KindDialer)
			seen := map[envelope.Stage]bool{}
			for name, body := range brokenEnvelopes(t, f) {
				env, ok := h.srv.parseEnvelope(body)
				if !ok {
					continue // rule 1: never opened
				}
				_, _, stage := h.srv.openEnvelope(env, f.PrivateKey)
				seen[stage] = true
				before := waited.Load()
				r := h.post(protocol.PathEncDialerCreate, body)
				closed := r.closed
				slow := time.Duration(waited.Load()-before) == faultDelay
				if closed != tc.closes(stage) || slow != tc.slow(stage) || waited.Load()-before != 0 && !slow {
					t.Errorf("%s (stage %s): connection closed %v, waited %s; want closed %v, a %s wait %v",
						name, stage, r.closed, time.Duration(waited.Load()-before), tc.closes(stage), faultDelay, tc.slow(stage))
				}
			}
			for s := envelope.StageEncryptedValueBase64; s <= envelope.StagePayloadJSON; s++ {
				if !seen[s] {
					t.Errorf("no envelope failed at stage %s", s)
				}
			}
		})
	}
}

// TestSleepEndsWithTheRequest: a delayed answer never outlives its request.
func TestSleepEndsWithTheRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() { sleep(ctx, time.Hour); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("sleep ignored its cancelled context")
	}
}
