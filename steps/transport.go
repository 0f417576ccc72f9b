package steps

import (
	"bytes"
	"context"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

func (st *scenario) registerTransportSteps(sc stepRegistry) {
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint with the method "([A-Z]+)"$`, st.sendWithMethod)
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint with the content type "([^"]*)"$`, st.sendWithContentType)
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint in a body of exactly 256 KB$`, func(ctx context.Context, endpoint string) error {
		return st.sendPadded(ctx, endpoint, protocol.MaxBodyBytes)
	})
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint in a body one byte over 256 KB$`, func(ctx context.Context, endpoint string) error {
		return st.sendPadded(ctx, endpoint, protocol.MaxBodyBytes+1)
	})
	sc.Step(`^an empty JSON object is sent to the path "(/[^"]*)"$`, st.sendToPath)
}

// sendVariant sends the payload as "the payload is sent to the ... endpoint"
// does, with mod changing the request (method, content type, body).
func (st *scenario) sendVariant(ctx context.Context, endpoint string, mod func(*outgoing) error) error {
	if err := cancelled(ctx); err != nil {
		return err
	}
	if err := st.needFlow(); err != nil {
		return err
	}
	payload, err := st.payloadBytes()
	if err != nil {
		return err
	}
	o, err := st.createRequest(payload, endpoint == "encrypted", st.target.kind)
	if err != nil {
		return err
	}
	if err := mod(&o); err != nil {
		return err
	}
	if !o.encrypted {
		o.payload = o.body // on a plain endpoint the body is the payload
	}
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
