package steps

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/onsi/gomega"
	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// The other requests of spec section 6 are built from templates like the
// payload, edited with the same phrases, and sent with "... is sent".
const (
	reqKeyPair     = "key pair request"
	reqEncryptData = "encryptdata request"
	reqPull        = "pull request"
)

const reqKinds = `(key pair request|encryptdata request|pull request)`

var reqPaths = map[string]string{reqKeyPair: protocol.PathGenerateKeyPair, reqEncryptData: protocol.PathEncryptData, reqPull: protocol.PathPull}

func (st *scenario) registerKeySteps(sc stepRegistry) {
	sc.Step(`^the encryptdata request's "aesKey" is a key of (\d+) characters$`, st.aesKeyOfLength)
	sc.Step(`^the `+reqKinds+` has no "([^"]+)"$`, st.removeFromRequest)
	sc.Step(`^the `+reqKinds+` is sent$`, st.sendRequest)

	sc.Step(`^a key pair request for the flow$`, st.newKeyPairRequest)
	sc.Step(`^the flow's key pair is rotated$`, st.rotate)
	sc.Step(`^the flow's key pair has been rotated$`, st.rotated)
	sc.Step(`^the response carries a new public key for the flow$`, st.newPublicKey)
}

func (st *scenario) needRequest(kind string) error {
	if st.side.body == nil || st.side.kind != kind {
		return stepError("no %s yet in this scenario", kind)
	}
	return nil
}

// setInRequest sets the value at a path of the side request being built.
func (st *scenario) setInRequest(kind, field string, v any) error {
	if err := st.needRequest(kind); err != nil {
		return err
	}
	if err := setPath(st.side.body, field, v); err != nil {
		return stepError("%v", err)
	}
	if kind == reqEncryptData && field == "aesKey" {
		st.side.aesKey, _ = v.(string)
	}
	return nil
}

// aesKeyOfLength gives the encryptdata request a random key string of n
// characters.
func (st *scenario) aesKeyOfLength(n int) error {
	key := randomKeyString(n)
	st.addSecret(key)
	return st.setInRequest(reqEncryptData, "aesKey", key)
}

func (st *scenario) removeFromRequest(kind, field string) error {
	if err := st.needRequest(kind); err != nil {
		return err
	}
	if err := deletePath(st.side.body, field); err != nil {
		return stepError("%v", err)
	}
	return nil
}

func (st *scenario) sendRequest(ctx context.Context, kind string) error {
	if err := st.needRequest(kind); err != nil {
		return err
	}
	if err := cancelled(ctx); err != nil {
		return err
	}
	body, err := json.Marshal(st.side.body)
	if err != nil {
		return err
	}
	o := outgoing{path: reqPaths[kind], body: body}
	if kind == reqKeyPair {
		o.minTimeout = protocol.KeyGenerationTimeout
	}
	x := st.send(ctx, o)
	if kind == reqKeyPair {
		st.adoptKey(x)
	}
	return nil
}

// --- generateKeyPair ---

func (st *scenario) newKeyPairRequest() error {
	if err := st.needFlow(); err != nil {
		return err
	}
	if !st.knobs().AllowKeyRotation {
		return st.skip("the profile does not allow generateKeyPair (knob allow-key-rotation: false): it would replace a live flow's key")
	}
	r, err := st.s.fill(tmplKeyPair, map[string]string{"flow-id": st.target.flow.FlowID, "security-id": st.target.flow.SecurityID})
	if err != nil {
		return err
	}
	st.side = sideRequest{body: r, kind: reqKeyPair, flow: st.target.flow}
	return nil
}

// adoptKey makes the key a successful generateKeyPair returned the one
// envelopes are sealed for; the previous one is kept to show it is refused.
func (st *scenario) adoptKey(x *exchange) {
	if x.status == 0 || gjson.GetBytes(x.body, "api-response-code").Num != float64(protocol.Success) {
		return
	}
	pub, err := envelope.ParsePublicKeyPEM([]byte(gjson.GetBytes(x.body, "public-key").Str))
	if err != nil {
		return
	}
	st.target.prevPub, st.target.pub = st.target.pub, pub
}

func (st *scenario) rotate(ctx context.Context) error {
	if err := st.newKeyPairRequest(); err != nil {
		return err
	}
	st.ownFlow() // the rotation replaces the key others would seal with
	return st.sendRequest(ctx, reqKeyPair)
}

// rotated is the Given form: the rotation must succeed, so that the rest
// of the scenario knows the flow's current key whatever the key file says.
func (st *scenario) rotated(ctx context.Context) error {
	if err := st.rotate(ctx); err != nil {
		return err
	}
	if err := st.newPublicKey(); err != nil {
		return fmt.Errorf("setting up: generateKeyPair must work for this scenario:\n%w", err)
	}
	return nil
}

func (st *scenario) newPublicKey() error {
	var v verdict
	x := st.sent.last
	st.expectCode(x, protocol.Success, 0, &v)
	if len(v) > 0 {
		return st.fail(x, v)
	}
	v.match(x.body, "flow-id", gomega.Equal(st.target.flow.FlowID), fmt.Sprintf("flow-id %q, the flow's", st.target.flow.FlowID))
	pemText := gjson.GetBytes(x.body, "public-key").Str
	pub, err := envelope.ParsePublicKeyPEM([]byte(pemText))
	switch {
	case err != nil:
		v.add("public-key: a PEM SubjectPublicKeyInfo RSA key", rawOf(gjson.GetBytes(x.body, "public-key"))+" ("+err.Error()+")", "public-key")
	case !strings.Contains(pemText, "BEGIN PUBLIC KEY"):
		v.add("public-key in SubjectPublicKeyInfo PEM (\"PUBLIC KEY\")", firstLine(pemText), "public-key")
	case pub.N.BitLen() != st.knobs().RSAKeyBits:
		v.add(fmt.Sprintf("a %d-bit key (knob rsa-key-bits)", st.knobs().RSAKeyBits), fmt.Sprintf("%d bits", pub.N.BitLen()), "public-key")
	case st.target.prevPub != nil && pub.Equal(st.target.prevPub):
		v.add("a new key, not the one the flow had", "the same key", "public-key")
	}
	return st.fail(x, v)
}

// --- encryptdata ---

func (st *scenario) registerEncryptDataSteps(sc stepRegistry) {
	sc.Step(`^an encryptdata request for the payload$`, st.newEncryptDataRequest)
	sc.Step(`^an encryptdata request for the published vector's payload and key$`, st.vectorEncryptDataRequest)
	sc.Step(`^the response requestEncryptedValue is the payload sealed locally with the same key$`, st.sameAsLocalSeal)
	sc.Step(`^the response requestEncryptedValue is the published one, byte for byte$`, st.sameAsPublished)
	sc.Step(`^the response requestDigitalSignatureValue carries the key for the flow$`, st.signatureCarriesKey)
	sc.Step(`^the envelope encryptdata returned is sent to the encrypted endpoint$`, st.sendEncryptDataEnvelope)
	sc.Step(`^the response's flow-id is the flow's$`, func() error {
		var v verdict
		if st.responseOK(st.sent.last, &v) {
			v.match(st.sent.last.body, "flow-id", gomega.Equal(st.target.flow.FlowID), fmt.Sprintf("flow-id %q, the flow's", st.target.flow.FlowID))
		}
		return st.fail(st.sent.last, v)
	})
}

func randomKeyString(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

func (st *scenario) newEncryptDataRequest() error {
	if err := st.needFlow(); err != nil {
		return err
	}
	payload, err := st.payloadBytes()
	if err != nil {
		return err
	}
	key, err := envelope.NewKeyString(nil)
	if err != nil {
		return err
	}
	return st.encryptDataRequest(encodeB64(payload), key, payload)
}

func (st *scenario) encryptDataRequest(requestValue, key string, payload []byte) error {
	r, err := st.s.fill(tmplEncryptData, map[string]string{"request-value": requestValue, "aes-key": key, "flow-id": st.target.flow.FlowID})
	if err != nil {
		return err
	}
	st.addSecret(key)
	st.side = sideRequest{body: r, kind: reqEncryptData, flow: st.target.flow, aesKey: key, payload: payload}
	return nil
}

// vectorEncryptDataRequest asks for Phonon's published sample: its payload
// and key string, for the scenario's flow (the sample's own flow ZH0RKJvh
// is Phonon's; only the RSA half depends on the flow).
func (st *scenario) vectorEncryptDataRequest() error {
	if err := st.needFlow(); err != nil {
		return err
	}
	pv := st.s.vector
	payload, _ := envelope.DecodeStrict(pv.PayloadB64)
	return st.encryptDataRequest(pv.PayloadB64, pv.AESKey, payload)
}

func (st *scenario) requestValue() string {
	if st.side.body == nil {
		return ""
	}
	v, _ := st.side.body.get("requestValue")
	s, _ := v.(string)
	return s
}

func (st *scenario) sameAsLocalSeal() error {
	if err := st.needRequest(reqEncryptData); err != nil {
		return err
	}
	ct, err := envelope.EncryptECB(envelope.DeriveAESKey(st.side.aesKey), []byte(st.requestValue()))
	if err != nil {
		return err
	}
	want := encodeB64(ct)
	var v verdict
	if st.responseOK(st.sent.last, &v) {
		v.match(st.sent.last.body, "requestEncryptedValue", gomega.Equal(want),
			"the harness's own AES-128-ECB of requestValue under the same aesKey (ECB is deterministic): "+evidence.ShortenValue(want))
	}
	return st.fail(st.sent.last, v)
}

func (st *scenario) sameAsPublished() error {
	want := st.s.vector.RequestEncryptedValue
	var v verdict
	if st.responseOK(st.sent.last, &v) {
		v.match(st.sent.last.body, "requestEncryptedValue", gomega.Equal(want), "the published requestEncryptedValue "+evidence.ShortenValue(want))
	}
	return st.fail(st.sent.last, v)
}

// signatureCarriesKey checks the RSA half: exactly the modulus length, and
// (when the profile has the flow's private key) the base64 of aesKey.
func (st *scenario) signatureCarriesKey() error {
	if err := st.needRequest(reqEncryptData); err != nil {
		return err
	}
	var v verdict
	if !st.responseOK(st.sent.last, &v) {
		return st.fail(st.sent.last, v)
	}
	res := gjson.GetBytes(st.sent.last.body, "requestDigitalSignatureValue")
	rv, err := envelope.DecodeStrict(res.Str)
	if err != nil || res.Type != gjson.String {
		v.add("requestDigitalSignatureValue: canonical base64", rawOf(res), "requestDigitalSignatureValue")
		return st.fail(st.sent.last, v)
	}
	size := st.side.flow.PublicKey.Size()
	if len(rv) != size {
		v.add(fmt.Sprintf("%d bytes, the flow's RSA modulus", size), fmt.Sprintf("%d bytes", len(rv)), "requestDigitalSignatureValue")
	}
	if priv := st.side.flow.PrivateKey; priv != nil && len(rv) == size {
		keyB64, err := envelope.OpenKey(rv, priv, st.knobs().RSAPadding)
		want := encodeB64([]byte(st.side.aesKey))
		if err != nil {
			v.add("an RSA value that opens with the flow's private key to base64(aesKey)", err.Error(), "requestDigitalSignatureValue")
		} else if keyB64 != want {
			v.add("base64(aesKey) under the RSA", "another key string", "requestDigitalSignatureValue")
		}
	} else if priv == nil {
		st.attach(evidence.AttachNote, "the profile has no private key for "+st.target.role+", so only the RSA value's length was checked")
	}
	return st.fail(st.sent.last, v)
}

func (st *scenario) sendEncryptDataEnvelope(ctx context.Context) error {
	if err := st.needRequest(reqEncryptData); err != nil {
		return err
	}
	if err := cancelled(ctx); err != nil {
		return err
	}
	x := st.sent.last
	if x == nil || x.req.path != reqPaths[reqEncryptData] {
		return stepError("the encryptdata request was not the last request sent")
	}
	env := &envelope.Envelope{
		RequestEncryptedValue:        gjson.GetBytes(x.body, "requestEncryptedValue").Str,
		RequestDigitalSignatureValue: gjson.GetBytes(x.body, "requestDigitalSignatureValue").Str,
		FlowID:                       st.target.flow.FlowID,
	}
	st.send(ctx, outgoing{path: protocol.CreatePath(st.target.kind, true), body: envelopeBody(env), payload: st.side.payload, encrypted: true})
	return nil
}
