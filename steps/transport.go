package steps

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/cucumber/godog"
)

// maxBodyBytes is the spec's body limit: 256 KB (section 2).
const maxBodyBytes = 256 << 10

func (st *scenario) registerTransportSteps(sc *godog.ScenarioContext) {
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint with the method "([A-Z]+)"$`, st.sendWithMethod)
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint with the content type "([^"]*)"$`, st.sendWithContentType)
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint in a body of exactly 256 KB$`, func(ctx context.Context, endpoint string) error {
		return st.sendPadded(ctx, endpoint, maxBodyBytes)
	})
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint in a body one byte over 256 KB$`, func(ctx context.Context, endpoint string) error {
		return st.sendPadded(ctx, endpoint, maxBodyBytes+1)
	})
	sc.Step(`^an empty JSON object is sent to the path "(/[^"]*)"$`, st.sendToPath)
}

// createBody builds the body the payload would be sent with.
func (st *scenario) createBody(endpoint string) ([]byte, []byte, error) {
	if err := st.needFlow(); err != nil {
		return nil, nil, err
	}
	payload, err := st.payloadBytes()
	if err != nil {
		return nil, nil, err
	}
	if endpoint == "plain" {
		return payload, nil, nil
	}
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, nil, err
	}
	st.sealed = s
	return envelopeBody(&s.Envelope), payload, nil
}

func (st *scenario) sendVariant(ctx context.Context, endpoint string, mod func(*outgoing) error) error {
	if err := cancelled(ctx); err != nil {
		return err
	}
	body, payload, err := st.createBody(endpoint)
	if err != nil {
		return err
	}
	o := outgoing{path: createPath(st.kind, endpoint == "encrypted"), body: body, payload: payload}
	if err := mod(&o); err != nil {
		return err
	}
	inner := payload
	if inner == nil {
		inner = o.body
	}
	st.sentPayload, st.sentCalls, st.sentPlain, st.sentBody, st.sentPath = inner, clientIDs(inner), endpoint == "plain", o.body, o.path
	st.send(ctx, o)
	return nil
}

func (st *scenario) sendWithMethod(ctx context.Context, endpoint, method string) error {
	return st.sendVariant(ctx, endpoint, func(o *outgoing) error { o.method = method; return nil })
}

func (st *scenario) sendWithContentType(ctx context.Context, endpoint, ct string) error {
	return st.sendVariant(ctx, endpoint, func(o *outgoing) error { o.contentType = &ct; return nil })
}

// sendPadded pads the body with spaces before its closing brace (still the
// same JSON) to exactly size bytes.
func (st *scenario) sendPadded(ctx context.Context, endpoint string, size int) error {
	return st.sendVariant(ctx, endpoint, func(o *outgoing) error {
		b := bytes.TrimSpace(o.body)
		if len(b) > size || len(b) == 0 || b[len(b)-1] != '}' {
			return stepError("the body (%d bytes) cannot be padded to %d", len(b), size)
		}
		padded := make([]byte, 0, size)
		padded = append(padded, b[:len(b)-1]...)
		padded = append(padded, bytes.Repeat([]byte{' '}, size-len(b))...)
		o.body = append(padded, '}')
		return nil
	})
}

func (st *scenario) sendToPath(ctx context.Context, path string) error {
	if err := cancelled(ctx); err != nil {
		return err
	}
	st.send(ctx, outgoing{path: path, body: []byte("{}")})
	return nil
}

// newRandomUUID is a random version-4 UUID.
func newRandomUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
