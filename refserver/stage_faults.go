package refserver

import (
	"context"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// The faults that leak an envelope's failed stage through something other
// than the body: the connection's handling and the answer's time. Both are
// oracles a Bleichenbacher attacker can use as well as a message.

const (
	faultCloseOnRSAFailure = "close-connection-on-rsa-failure"
	faultDelayAfterRSA     = "delay-after-rsa"
	faultDelayBadPayload   = "delay-bad-payload"
)

// faultDelay is how much later the delay-* faults answer.
const faultDelay = 40 * time.Millisecond

// rsaStage reports whether an envelope failed at or before the RSA step
// (its base64, the RSA value's length, padding, or the key string inside).
func rsaStage(st envelope.Stage) bool { return st <= envelope.StageKeyEncoding }

// applyStageFaults makes an INVALID_FORMAT reply for an envelope that
// failed at stage leak it, under the faults above.
func (s *Server) applyStageFaults(ctx context.Context, rep *reply, st envelope.Stage) {
	switch {
	case s.fault.is(faultCloseOnRSAFailure) && rsaStage(st):
		rep.closeConn = true
	case s.fault.is(faultDelayAfterRSA) && !rsaStage(st),
		s.fault.is(faultDelayBadPayload) && (st == envelope.StagePayloadBase64 || st == envelope.StagePayloadJSON):
		s.pause(ctx, faultDelay)
	}
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
