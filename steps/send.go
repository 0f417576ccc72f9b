package steps

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// sealTarget is the flow id and key an envelope is addressed to.
func (st *scenario) sealTarget() (string, *rsa.PublicKey) {
	if st.envTo != nil {
		return st.envTo.FlowID, st.envTo.PublicKey
	}
	return st.flow.FlowID, st.pub
}

// seal seals payload for the scenario's flow with a fresh AES key string
// and the profile's RSA padding; the key string is masked from then on.
func (st *scenario) seal(payload []byte, opts *envelope.SealOptions) (*envelope.Sealed, error) {
	flowID, pub := st.sealTarget()
	if pub == nil {
		return nil, stepError("the profile gives no public key for %s", st.role)
	}
	if opts == nil {
		opts = &envelope.SealOptions{Padding: st.knobs().RSAPadding}
	}
	s, err := envelope.SealDetailed(payload, flowID, pub, opts)
	if err != nil {
		return nil, fmt.Errorf("the harness could not seal the payload: %w", err)
	}
	st.addSecret(s.Key)
	st.addSecret(encodeB64([]byte(s.Key)))
	return s, nil
}

// envelopeBody is the JSON body of an encrypted request.
func envelopeBody(env *envelope.Envelope) []byte {
	b, _ := json.Marshal(env)
	return b
}

func (st *scenario) registerSendSteps(sc *godog.ScenarioContext) {
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint( of the other kind)?$`, st.sendPayload)
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint with the header "([^":]+): ([^"]*)"$`, st.sendWithHeader)
	sc.Step(`^a new payload is sealed for the (new|previous) key and sent$`, st.sendForKey)
}

func (st *scenario) sendPayload(ctx context.Context, endpoint, otherKind string) error {
	if err := st.needFlow(); err != nil {
		return err
	}
	kind := st.kind
	if otherKind != "" {
		kind = otherKindOf(kind)
	}
	payload, err := st.payloadBytes()
	if err != nil {
		return err
	}
	return st.sendCreate(ctx, payload, endpoint == "encrypted", kind)
}

func otherKindOf(kind string) string { return otherKind(kind) }

func (st *scenario) sendWithHeader(ctx context.Context, endpoint, name, value string) error {
	if st.extraHeader == nil {
		st.extraHeader = map[string]string{}
	}
	st.extraHeader[name] = value
	return st.sendPayload(ctx, endpoint, "")
}

// sendCreate sends payload to a create endpoint, sealed if encrypted, and
// remembers what was sent for resends and echo checks.
func (st *scenario) sendCreate(ctx context.Context, payload []byte, encrypted bool, kind string) error {
	if err := cancelled(ctx); err != nil {
		return err
	}
	o := outgoing{path: createPath(kind, encrypted), header: st.extraHeader}
	st.sealed = nil
	if encrypted {
		s, err := st.seal(payload, nil)
		if err != nil {
			return err
		}
		st.sealed = s
		o.body, o.payload = envelopeBody(&s.Envelope), payload
	} else {
		o.body = payload
	}
	st.sentPayload, st.sentCalls, st.sentPlain = payload, clientIDs(payload), !encrypted
	st.sentBody, st.sentPath = o.body, o.path
	st.send(ctx, o)
	return nil
}

// sendForKey sends a fresh payload (new client-identifiers) sealed for the
// key the scenario's generateKeyPair returned, or the one before it.
func (st *scenario) sendForKey(ctx context.Context, which string) error {
	if st.prevPub == nil {
		return stepError("no key rotation yet in this scenario: rotate the flow's key pair first")
	}
	if err := st.refreshClientIDs(); err != nil {
		return err
	}
	saved := st.pub
	if which == "previous" {
		st.pub = st.prevPub
	}
	defer func() { st.pub = saved }()
	payload, err := st.payloadBytes()
	if err != nil {
		return err
	}
	return st.sendCreate(ctx, payload, true, st.kind)
}
