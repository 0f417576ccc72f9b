package steps

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"strconv"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// The malformations of the envelope crypto: each breaks one step of spec
// section 3 and nothing else.

// sealedParts seals payload and returns the envelope and its decoded halves.
func (st *scenario) sealedParts(payload []byte) (*envelope.Sealed, []byte, []byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	ct, _ := envelope.DecodeStrict(s.RequestEncryptedValue)
	rv, _ := envelope.DecodeStrict(s.RequestDigitalSignatureValue)
	return s, ct, rv, nil
}

// flipBitAt flips bit args[0] of byte args[1] of field args[2].
func flipBitAt(st *scenario, payload []byte, args []string) ([]byte, error) {
	idx, err := strconv.Atoi(args[1])
	if err != nil {
		return nil, stepError("byte %q is not a number", args[1])
	}
	return flipBit(st, payload, args[0], idx, args[2])
}

// flipLastBit flips bit args[0] of the last byte of field args[1].
func flipLastBit(st *scenario, payload []byte, args []string) ([]byte, error) {
	return flipBit(st, payload, args[0], -1, args[1])
}

// flipBit flips one bit of byte idx (-1: the last) of a decoded field.
func flipBit(st *scenario, payload []byte, bitText string, idx int, field string) ([]byte, error) {
	bit, err := strconv.Atoi(bitText)
	if err != nil || bit < 0 || bit > 7 {
		return nil, stepError("bit %q is not 0 to 7", bitText)
	}
	s, ct, rv, err := st.sealedParts(payload)
	if err != nil {
		return nil, err
	}
	target := ct
	if field == "requestDigitalSignatureValue" {
		target = rv
	}
	if idx < 0 {
		idx = len(target) - 1
	}
	if idx >= len(target) {
		return nil, stepError("%s has %d bytes; byte %d does not exist", field, len(target), idx)
	}
	target[idx] ^= 1 << bit
	env := s.Envelope
	env.RequestEncryptedValue, env.RequestDigitalSignatureValue = encodeB64(ct), encodeB64(rv)
	return envelopeBody(&env), nil
}

func cutOneBlock(st *scenario, payload []byte, _ []string) ([]byte, error) {
	s, ct, _, err := st.sealedParts(payload)
	if err != nil {
		return nil, err
	}
	if len(ct) < 2*envelope.BlockSize {
		return nil, stepError("the ciphertext has only one block")
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(ct[:len(ct)-envelope.BlockSize])
	return envelopeBody(&env), nil
}

// cutBytes drops the last args[0] bytes of the ciphertext.
func cutBytes(st *scenario, payload []byte, args []string) ([]byte, error) {
	n, err := strconv.Atoi(args[0])
	if err != nil || n <= 0 || n%envelope.BlockSize == 0 {
		return nil, stepError("cut a number of bytes that is not a whole number of blocks, not %q", args[0])
	}
	s, ct, _, err := st.sealedParts(payload)
	if err != nil {
		return nil, err
	}
	if n >= len(ct) {
		return nil, stepError("the ciphertext has only %d bytes", len(ct))
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(ct[:len(ct)-n])
	return envelopeBody(&env), nil
}

// emptyField seals the payload and empties one envelope field.
func emptyField(field string) builder {
	return func(st *scenario, payload []byte, _ []string) ([]byte, error) {
		s, err := st.seal(payload, nil)
		if err != nil {
			return nil, err
		}
		env := s.Envelope
		*cryptoField(&env, field) = ""
		return envelopeBody(&env), nil
	}
}

// cryptoField is the envelope's requestEncryptedValue or
// requestDigitalSignatureValue.
func cryptoField(env *envelope.Envelope, field string) *string {
	if field == "requestDigitalSignatureValue" {
		return &env.RequestDigitalSignatureValue
	}
	return &env.RequestEncryptedValue
}

// paddingBytesDisagree writes PKCS#5 padding whose first byte disagrees
// with the length byte.
func paddingBytesDisagree(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return badPadding(st, payload, func(buf []byte, padLen int) error {
		buf[len(buf)-padLen] = byte(padLen - 1)
		return nil
	})
}

// paddingLength writes a PKCS#5 length byte of args[0] (0 or over 16).
func paddingLength(st *scenario, payload []byte, args []string) ([]byte, error) {
	n, err := strconv.Atoi(args[0])
	if err != nil || n > 255 || (n >= 1 && n <= envelope.BlockSize) {
		return nil, stepError("a padding length of %s is not wrong; use 0 or 17 to 255", args[0])
	}
	return badPadding(st, payload, func(buf []byte, _ int) error {
		buf[len(buf)-1] = byte(n)
		return nil
	})
}

// badPadding encrypts the base64 payload with PKCS#5 padding that spoil
// makes wrong. Trailing spaces (valid JSON) are added to the payload until
// the padding is at least two bytes long, so that its bytes can disagree.
func badPadding(st *scenario, payload []byte, spoil func(buf []byte, padLen int) error) ([]byte, error) {
	p := append([]byte(nil), payload...)
	for envelope.BlockSize-len(encodeB64(p))%envelope.BlockSize < 2 {
		p = append(p, ' ')
	}
	s, err := st.seal(p, nil)
	if err != nil {
		return nil, err
	}
	b64 := []byte(encodeB64(p))
	padLen := envelope.BlockSize - len(b64)%envelope.BlockSize
	buf := append(b64, bytes.Repeat([]byte{byte(padLen)}, padLen)...)
	if err := spoil(buf, padLen); err != nil {
		return nil, err
	}
	if err := envelope.EncryptBlocks(envelope.DeriveAESKey(s.Key), buf); err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(buf)
	return envelopeBody(&env), nil
}

// maxTries bounds the re-sealing loops below.
const maxTries = 20000

// shortRSA drops a leading zero byte of the RSA value: numerically the
// same value, so a server that does not insist on the modulus length (as
// Java does not) opens it.
func shortRSA(st *scenario, payload []byte, _ []string) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	_, pub := st.sealTarget()
	opts := &envelope.SealOptions{Key: s.Key, Padding: st.knobs().RSAPadding}
	for i := 0; i < maxTries; i++ {
		rv, _ := envelope.DecodeStrict(s.RequestDigitalSignatureValue)
		if rv[0] == 0 {
			env := s.Envelope
			env.RequestDigitalSignatureValue = encodeB64(rv[1:])
			return envelopeBody(&env), nil
		}
		if s, err = envelope.SealDetailed(payload, s.FlowID, pub, opts); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("no RSA value with a leading zero byte in %d tries", maxTries)
}

// longRSA prepends a zero byte: numerically the same value again.
func longRSA(st *scenario, payload []byte, _ []string) ([]byte, error) {
	s, _, rv, err := st.sealedParts(payload)
	if err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestDigitalSignatureValue = encodeB64(append([]byte{0}, rv...))
	return envelopeBody(&env), nil
}

func otherFlowKey(st *scenario, payload []byte, _ []string) ([]byte, error) {
	f, _, err := st.otherFlowOfKind(otherKind(st.target.kind), "")
	if err != nil {
		return nil, err
	}
	if f.PublicKey.Equal(st.target.pub) {
		return nil, st.skip("the other flow has the same key")
	}
	s, err := envelope.SealDetailed(payload, st.target.flow.FlowID, f.PublicKey, &envelope.SealOptions{Padding: st.knobs().RSAPadding})
	if err != nil {
		return nil, err
	}
	st.addSecret(s.Key)
	return envelopeBody(&s.Envelope), nil
}

// otherPaddings are the RSA paddings a malformation can seal the key with.
var otherPaddings = []struct {
	name    string
	padding envelope.Padding
}{
	{"OAEP-SHA1", envelope.OAEPSHA1},
	{"OAEP-SHA256", envelope.OAEPSHA256},
	{"PKCS#1 v1.5", envelope.PKCS1v15},
}

// sealedWithPadding seals the AES key with another RSA padding than the
// target's; for a target that uses it, the scenario is skipped.
func sealedWithPadding(name string, p envelope.Padding) builder {
	return func(st *scenario, payload []byte, _ []string) ([]byte, error) {
		if p == st.knobs().RSAPadding {
			return nil, st.skip("the target uses %s padding (knob rsa-padding), so %s is not wrong for it", p, name)
		}
		s, err := st.seal(payload, &envelope.SealOptions{Padding: p})
		if err != nil {
			return nil, err
		}
		return envelopeBody(&s.Envelope), nil
	}
}

func keyStringNotBase64(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealWithKeyString(st, payload, "not base64: k3y!")
}

func keyStringEmpty(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealWithKeyString(st, payload, "")
}

// sealWithKeyString RSA-encrypts keyB64 as the key string and AES-encrypts
// the payload under the key derived from it exactly as the spec derives
// it, so only the key-encoding check can refuse it.
func sealWithKeyString(st *scenario, payload []byte, keyB64 string) ([]byte, error) {
	flowID, pub := st.sealTarget()
	if pub == nil {
		return nil, stepError("the profile gives no public key for %s", st.target.role)
	}
	rv, err := st.knobs().RSAPadding.EncryptKey(rand.Reader, pub, []byte(keyB64))
	if err != nil {
		return nil, err
	}
	ct, err := envelope.EncryptECB(envelope.DeriveAESKeyFromB64(keyB64), []byte(encodeB64(payload)))
	if err != nil {
		return nil, err
	}
	return envelopeBody(&envelope.Envelope{RequestEncryptedValue: encodeB64(ct), RequestDigitalSignatureValue: encodeB64(rv), FlowID: flowID}), nil
}
