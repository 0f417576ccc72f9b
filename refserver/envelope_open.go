package refserver

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// parseEnvelope is rule 1 on the encrypted endpoints: the body is a strict
// JSON object whose three envelope fields are strings. Other fields are
// ignored.
func (s *Server) parseEnvelope(body []byte) (*envelope.Envelope, bool) {
	members, err := s.object(body)
	if err != nil {
		return nil, false
	}
	v, ok := s.fields(members, "requestEncryptedValue", "requestDigitalSignatureValue", "flow-id")
	if !ok {
		return nil, false
	}
	return &envelope.Envelope{RequestEncryptedValue: v[0], RequestDigitalSignatureValue: v[1], FlowID: v[2]}, true
}

// openEnvelope is rule 4: it recovers the payload bytes (the checksum's
// input) and their members, or says which stage failed. The caller answers
// every stage with the same INVALID_FORMAT, so the stage is for the server's
// debug log (and the leak-decryption-stage fault) only.
//
// It follows envelope.OpenDetailed step by step (a test holds them to the
// same verdicts) rather than calling it, so that the accept-* faults can
// loosen one step each.
func (s *Server) openEnvelope(env *envelope.Envelope, priv *rsa.PrivateKey) ([]byte, map[string]json.RawMessage, envelope.Stage) {
	decode := envelope.DecodeStrict
	if s.fault.is(faultLenientBase64) {
		decode = decodeLenient
	}
	ciphertext, err := decode(env.RequestEncryptedValue)
	if err != nil {
		return nil, nil, envelope.StageEncryptedValueBase64
	}
	rsaValue, err := decode(env.RequestDigitalSignatureValue)
	if err != nil {
		return nil, nil, envelope.StageSignatureValueBase64
	}
	if s.fault.is(faultShortRSA) && len(rsaValue) > 0 && len(rsaValue) < priv.Size() {
		padded := make([]byte, priv.Size())
		copy(padded[priv.Size()-len(rsaValue):], rsaValue)
		rsaValue = padded
	}
	keyB64, err := envelope.OpenKey(rsaValue, priv, s.padding)
	if err != nil {
		// Decrypt anyway, with a key of our own, so that an RSA failure
		// costs what an AES failure costs: response time must not tell a
		// Bleichenbacher attacker whether the RSA padding was right.
		envelope.DecryptECB(s.dummyAES, ciphertext)
		if stage := envelope.StageOf(err); stage != 0 {
			return nil, nil, stage
		}
		return nil, nil, envelope.StageRSADecrypt
	}
	payloadB64, err := envelope.DecryptECB(envelope.DeriveAESKeyFromB64(keyB64), ciphertext)
	if err != nil {
		return nil, nil, envelope.StageOf(err)
	}
	payload, err := decode(string(payloadB64))
	if err != nil {
		return nil, nil, envelope.StagePayloadBase64
	}
	members, err := s.object(payload)
	if err != nil {
		return nil, nil, envelope.StagePayloadJSON
	}
	return payload, members, 0
}

// decodeLenient is the accept-lenient-base64 fault: whitespace, the URL
// alphabet and missing padding all pass.
func decodeLenient(v string) ([]byte, error) {
	v = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		case '-':
			return '+'
		case '_':
			return '/'
		}
		return r
	}, v)
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(v, "="))
}
