package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

func (st *scenario) registerReplaySteps(sc stepRegistry) {
	sc.Step(`^the same request is sent again unchanged$`, st.resendUnchanged)
	sc.Step(`^the same payload is sealed again with a new AES key and sent$`, st.resealed)
	sc.Step(`^the same payload is sent again to the (encrypted|plain) endpoint$`, st.samePayloadTo)
	sc.Step(`^the payload with one byte changed is sent again$`, st.oneByteChanged)
	sc.Step(`^(\d+) copies of the same sealed envelope are sent at once$`, func(ctx context.Context, n int) error { return st.sendAtOnce(ctx, n, false) })
	sc.Step(`^the same payload is sealed (\d+) times with different AES keys and sent at once$`, func(ctx context.Context, n int) error { return st.sendAtOnce(ctx, n, true) })
	sc.Step(`^exactly one of them is accepted and the others are refused with (\d{3}) ([A-Z_]+)$`, st.exactlyOneAccepted)
	sc.Step(`^the target's clock can be moved$`, st.clockMovable)
	sc.Step(`^the checksum window passes$`, st.windowPasses)
}

// lastCreate is the last request if it was a create request (it carried
// a payload), else a step error.
func (st *scenario) lastCreate() (*exchange, error) {
	x := st.sent.last
	if x == nil {
		return nil, stepError("nothing was sent yet")
	}
	if x.req.payload == nil {
		return nil, stepError("the last request (%s %s) carried no payload to send again", x.req.method, x.req.path)
	}
	return x, nil
}

// resendUnchanged sends the last request again, byte for byte: method,
// path, headers and body.
func (st *scenario) resendUnchanged(ctx context.Context) error {
	x, err := st.lastCreate()
	if err != nil {
		return err
	}
	if err := cancelled(ctx); err != nil {
		return err
	}
	st.send(ctx, x.req)
	return nil
}

// resealed seals the last payload again (a new random AES key string and
// new RSA randomness) and sends it to the same encrypted endpoint.
func (st *scenario) resealed(ctx context.Context) error {
	x, err := st.lastCreate()
	if err != nil {
		return err
	}
	if !x.req.encrypted {
		return stepError("the last request was plain; there is nothing to re-seal")
	}
	if err := st.sendCreate(ctx, x.req.payload, true, st.target.kind); err != nil {
		return err
	}
	prev, now := x.req.sealed, st.sent.last.req.sealed
	if prev != nil && now != nil && prev.RequestEncryptedValue == now.RequestEncryptedValue {
		return fmt.Errorf("the harness re-sealed with the same AES key (its random source repeats)")
	}
	return nil
}

func (st *scenario) samePayloadTo(ctx context.Context, endpoint string) error {
	x, err := st.lastCreate()
	if err != nil {
		return err
	}
	return st.sendCreate(ctx, x.req.payload, endpoint == "encrypted", st.target.kind)
}

// oneByteChanged changes one byte of the first call's client-identifier
// (still a valid payload, now a different one, see changedClientID) and
// sends it the way the last request went.
func (st *scenario) oneByteChanged(ctx context.Context) error {
	x, err := st.lastCreate()
	if err != nil {
		return err
	}
	if len(x.calls) == 0 || x.calls[0] == "" {
		return stepError("the payload needs a call with a client-identifier")
	}
	q, _ := json.Marshal(x.calls[0])
	i := bytes.Index(x.req.payload, q)
	if i < 0 {
		return stepError("the client-identifier is not written plainly in the payload")
	}
	changed, err := changedClientID(x.calls[0])
	if err != nil {
		return err
	}
	p := append([]byte(nil), x.req.payload...)
	p[i+1] = changed[0] // the byte after the opening quote
	return st.sendCreate(ctx, p, x.req.encrypted, st.target.kind)
}

// sendAtOnce sends n copies of the last payload at the same moment: the
// same envelope bytes, or (resealed) n envelopes under n AES keys.
func (st *scenario) sendAtOnce(ctx context.Context, n int, resealed bool) error {
	if err := st.needFlow(); err != nil {
		return err
	}
	if n < 2 {
		return stepError("send at least 2 copies")
	}
	payload, err := st.payloadBytes()
	if err != nil {
		return err
	}
	if err := cancelled(ctx); err != nil {
		return err
	}
	reqs := make([]outgoing, n)
	for i := range reqs {
		if i == 0 || resealed {
			if reqs[i], err = st.createRequest(payload, true, st.target.kind); err != nil {
				return err
			}
		} else {
			reqs[i] = reqs[0]
		}
		reqs[i].label = fmt.Sprintf("copy %d", i+1)
	}
	xs := st.sendBatch(ctx, reqs, atOnce)
	var summary strings.Builder
	for i, x := range xs {
		fmt.Fprintf(&summary, "%s: %s\n", reqs[i].label, x.summary())
	}
	st.attach(evidence.AttachRequest, dumpRequest(xs[0]))
	st.attach(evidence.AttachPayload, dumpBody(payload, true))
	st.attach(evidence.AttachExchanges, summary.String())
	return nil
}

// exactlyOneAccepted checks a batch: one 200 SUCCESS echoing the calls, the
// others refused with the given code.
func (st *scenario) exactlyOneAccepted(num int, name string) error {
	want, err := parseCode(num, name)
	if err != nil {
		return err
	}
	if len(st.sent.batch) == 0 {
		return stepError("no batch of requests was sent")
	}
	var v verdict
	accepted := 0
	var codes []string
	for i, x := range st.sent.batch {
		var one verdict
		if !st.responseOK(x, &one) {
			for _, m := range one {
				v.add(m.expected+" for "+st.sent.batchOf[i], m.actual, m.path)
			}
			codes = append(codes, "none")
			continue
		}
		code := gjson.GetBytes(x.body, "api-response-code")
		codes = append(codes, codeText(code))
		if code.Num == float64(protocol.Success) {
			accepted++
			st.expectEcho(x, x.calls, &one)
			st.expectHTTPStatus(x, int(protocol.Success), 0, &one)
		} else {
			st.expectCode(x, want, 0, &one)
		}
		for _, m := range one {
			v.add(m.expected+" for "+st.sent.batchOf[i], m.actual, m.path)
		}
	}
	if accepted != 1 {
		v.add(fmt.Sprintf("exactly one of %d identical requests accepted with 200 SUCCESS, the others %s", len(st.sent.batch), want),
			fmt.Sprintf("%d accepted; codes: %s", accepted, strings.Join(codes, ", ")), "api-response-code")
	}
	return st.fail(nil, v)
}

// clockMovable skips the scenario up front when the target's clock cannot
// be moved (a real server, or a reference server in another process).
func (st *scenario) clockMovable() error {
	if st.s.cfg.AdvanceClock == nil {
		return st.skip("the target's clock cannot be moved (only an in-process reference server offers that), so the %s checksum window cannot be crossed", st.knobs().ChecksumWindow)
	}
	if !st.meta.tags["@clock"] {
		return stepError("a scenario that moves the clock must be tagged @clock, so that it runs alone")
	}
	return nil
}

// windowPasses moves the target's clock past the checksum window. Only an
// in-process reference server can do that; elsewhere the scenario is
// skipped with the reason.
func (st *scenario) windowPasses() error {
	if err := st.clockMovable(); err != nil {
		return err
	}
	st.s.cfg.AdvanceClock(st.knobs().ChecksumWindow + time.Second)
	return nil
}
