package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"
	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

func (st *scenario) registerReplaySteps(sc *godog.ScenarioContext) {
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

func (st *scenario) needSent() error {
	if st.sentBody == nil {
		return stepError("nothing was sent yet")
	}
	return nil
}

// resendUnchanged sends the last create request's body again, byte for byte.
func (st *scenario) resendUnchanged(ctx context.Context) error {
	if err := st.needSent(); err != nil {
		return err
	}
	if err := cancelled(ctx); err != nil {
		return err
	}
	o := outgoing{path: st.sentPath, body: st.sentBody, header: st.extraHeader}
	if !st.sentPlain {
		o.payload = st.sentPayload
	}
	st.send(ctx, o)
	return nil
}

// resealed seals the last payload again (a new random AES key string and
// new RSA randomness) and sends it to the same encrypted endpoint.
func (st *scenario) resealed(ctx context.Context) error {
	if err := st.needSent(); err != nil {
		return err
	}
	if st.sentPlain {
		return stepError("the last request was plain; there is nothing to re-seal")
	}
	prev := st.sealed
	if err := st.sendCreate(ctx, st.sentPayload, true, st.kind); err != nil {
		return err
	}
	if prev != nil && st.sealed != nil && prev.RequestEncryptedValue == st.sealed.RequestEncryptedValue {
		return fmt.Errorf("the harness re-sealed with the same AES key (its random source repeats)")
	}
	return nil
}

func (st *scenario) samePayloadTo(ctx context.Context, endpoint string) error {
	if err := st.needSent(); err != nil {
		return err
	}
	return st.sendCreate(ctx, st.sentPayload, endpoint == "encrypted", st.kind)
}

// oneByteChanged changes the last character of the first call's
// client-identifier (still a valid payload, now a different one) and sends
// it the way the last request went.
func (st *scenario) oneByteChanged(ctx context.Context) error {
	if err := st.needSent(); err != nil {
		return err
	}
	ids := clientIDs(st.sentPayload)
	if len(ids) == 0 || ids[0] == "" {
		return stepError("the payload needs a call with a client-identifier")
	}
	q, _ := json.Marshal(ids[0])
	i := bytes.Index(st.sentPayload, q)
	if i < 0 {
		return stepError("the client-identifier is not written plainly in the payload")
	}
	p := append([]byte(nil), st.sentPayload...)
	j := i + len(q) - 2 // the identifier's last character
	if p[j] == 'x' {
		p[j] = 'y'
	} else {
		p[j] = 'x'
	}
	return st.sendCreate(ctx, p, !st.sentPlain, st.kind)
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
	path := createPath(st.kind, true)
	bodies := make([][]byte, n)
	for i := range bodies {
		if i == 0 || resealed {
			s, err := st.seal(payload, nil)
			if err != nil {
				return err
			}
			bodies[i] = envelopeBody(&s.Envelope)
		} else {
			bodies[i] = bodies[0]
		}
	}
	st.sentPayload, st.sentCalls, st.sentPlain, st.sentBody, st.sentPath = payload, clientIDs(payload), false, bodies[0], path
	st.batch, st.batchOf = make([]*exchange, n), make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st.batch[i] = st.s.roundTrip(ctx, outgoing{path: path, body: bodies[i]})
		}()
		st.batchOf[i] = fmt.Sprintf("copy %d", i+1)
	}
	close(start)
	wg.Wait()
	var summary strings.Builder
	for i, x := range st.batch {
		fmt.Fprintf(&summary, "%s: %s\n", st.batchOf[i], x.summary())
	}
	st.last = st.batch[0]
	st.attach("request", dumpRequest(st.batch[0]))
	st.attach("payload", dumpBody(payload, true))
	st.attach("exchanges", summary.String())
	return nil
}

// exactlyOneAccepted checks a batch: one 200 SUCCESS echoing the calls, the
// others refused with the given code.
func (st *scenario) exactlyOneAccepted(num int, name string) error {
	want, err := parseCode(num, name)
	if err != nil {
		return err
	}
	if len(st.batch) == 0 {
		return stepError("no batch of requests was sent")
	}
	var v verdict
	accepted := 0
	var codes []string
	for i, x := range st.batch {
		var one verdict
		if !st.responseOK(x, &one) {
			for _, m := range one {
				v.add(m.expected+" for "+st.batchOf[i], m.actual, m.path)
			}
			codes = append(codes, "none")
			continue
		}
		code := gjson.GetBytes(x.body, "api-response-code")
		codes = append(codes, codeText(code))
		if code.Num == float64(protocol.Success) {
			accepted++
			st.expectEcho(x, st.sentCalls, &one)
			st.expectHTTPStatus(x, int(protocol.Success), 0, &one)
		} else {
			st.expectCode(x, want, 0, &one)
		}
		for _, m := range one {
			v.add(m.expected+" for "+st.batchOf[i], m.actual, m.path)
		}
	}
	if accepted != 1 {
		v.add(fmt.Sprintf("exactly one of %d identical requests accepted with 200 SUCCESS, the others %s", len(st.batch), want),
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
	if !st.tags["@clock"] {
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
