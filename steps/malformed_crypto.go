package steps

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// The malformations of the envelope crypto: each breaks one step of spec
// section 3 and nothing else.

// sealed seals payload and returns the envelope and its decoded halves.
func (st *scenario) sealedParts(payload []byte) (*envelope.Sealed, []byte, []byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	ct, _ := envelope.DecodeStrict(s.RequestEncryptedValue)
	rv, _ := envelope.DecodeStrict(s.RequestDigitalSignatureValue)
	return s, ct, rv, nil
}

func flipBit(st *scenario, m []string, payload []byte) ([]byte, error) {
	s, ct, rv, err := st.sealedParts(payload)
	if err != nil {
		return nil, err
	}
	bit, _ := strconv.Atoi(m[1])
	field := m[len(m)-1]
	target := ct
	if field == "requestDigitalSignatureValue" {
		target = rv
	}
	idx := len(target) - 1
	if len(m) == 4 {
		idx, _ = strconv.Atoi(m[2])
	}
	if idx >= len(target) {
		return nil, stepError("%s has %d bytes; byte %d does not exist", field, len(target), idx)
	}
	target[idx] ^= 1 << bit
	env := s.Envelope
	env.RequestEncryptedValue, env.RequestDigitalSignatureValue = encodeB64(ct), encodeB64(rv)
	return envelopeBody(&env), nil
}

func cutBlock(st *scenario, _ []string, payload []byte) ([]byte, error) {
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

func cutBytes(st *scenario, m []string, payload []byte) ([]byte, error) {
	n, _ := strconv.Atoi(m[1])
	if n <= 0 || n%envelope.BlockSize == 0 {
		return nil, stepError("cut a number of bytes that is not a whole number of blocks")
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

func emptyField(st *scenario, m []string, payload []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	env := s.Envelope
	if m[1] == "requestEncryptedValue" {
		env.RequestEncryptedValue = ""
	} else {
		env.RequestDigitalSignatureValue = ""
	}
	return envelopeBody(&env), nil
}

// badPadding encrypts the base64 payload with wrong PKCS#5 padding: bytes
// that disagree with the length byte, or a length of 0 or more than 16.
// Trailing spaces (valid JSON) are added to the payload until the padding
// is at least two bytes long, so that the bytes can disagree.
func badPadding(st *scenario, m []string, payload []byte) ([]byte, error) {
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
	if len(m) > 1 { // a padding length of N
		n, _ := strconv.Atoi(m[1])
		if n >= 1 && n <= envelope.BlockSize {
			return nil, stepError("a padding length of %d is valid; use 0 or more than 16", n)
		}
		buf[len(buf)-1] = byte(n)
	} else {
		buf[len(buf)-padLen] = byte(padLen - 1)
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
func shortRSA(st *scenario, _ []string, payload []byte) ([]byte, error) {
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
func longRSA(st *scenario, _ []string, payload []byte) ([]byte, error) {
	s, _, rv, err := st.sealedParts(payload)
	if err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestDigitalSignatureValue = encodeB64(append([]byte{0}, rv...))
	return envelopeBody(&env), nil
}

func otherFlowKey(st *scenario, _ []string, payload []byte) ([]byte, error) {
	f, _, err := st.otherFlowOfKind(otherKind(st.kind), "")
	if err != nil {
		return nil, err
	}
	if f.PublicKey.Equal(st.pub) {
		return nil, st.skip("the other flow has the same key")
	}
	s, err := envelope.SealDetailed(payload, st.flow.FlowID, f.PublicKey, &envelope.SealOptions{Padding: st.knobs().RSAPadding})
	if err != nil {
		return nil, err
	}
	st.addSecret(s.Key)
	return envelopeBody(&s.Envelope), nil
}

func otherPadding(st *scenario, m []string, payload []byte) ([]byte, error) {
	names := map[string]envelope.Padding{"OAEP-SHA1": envelope.OAEPSHA1, "OAEP-SHA256": envelope.OAEPSHA256, "PKCS#1 v1.5": envelope.PKCS1v15}
	p := names[m[1]]
	if p == st.knobs().RSAPadding {
		return nil, st.skip("the target uses %s padding (knob rsa-padding), so %s is not wrong for it", p, m[1])
	}
	s, err := st.seal(payload, &envelope.SealOptions{Padding: p})
	if err != nil {
		return nil, err
	}
	return envelopeBody(&s.Envelope), nil
}

// lenientBase64 writes one envelope field in base64 that a lenient decoder
// (MIME, URL-safe, unpadded) accepts and a strict one refuses. The payload
// is re-sealed until the field has something to change (a '+' or '/' for
// the URL alphabet, '=' padding to remove).
func lenientBase64(st *scenario, m []string, payload []byte) ([]byte, error) {
	field := m[1]
	kind := strings.SplitN(m[0], " ", 2)[0]
	p := append([]byte(nil), payload...)
	for i := 0; i < 200; i++ {
		s, err := st.seal(p, nil)
		if err != nil {
			return nil, err
		}
		env := s.Envelope
		v := &env.RequestEncryptedValue
		if field == "requestDigitalSignatureValue" {
			v = &env.RequestDigitalSignatureValue
		}
		switch kind {
		case "line": // MIME: CRLF every 76 characters
			var b strings.Builder
			for j := 0; j < len(*v); j += 76 {
				if j > 0 {
					b.WriteString("\r\n")
				}
				b.WriteString((*v)[j:min(j+76, len(*v))])
			}
			*v = b.String()
			return envelopeBody(&env), nil
		case "a": // a space
			*v = (*v)[:20] + " " + (*v)[20:]
			return envelopeBody(&env), nil
		case "the": // URL-safe alphabet
			if strings.ContainsAny(*v, "+/") {
				*v = strings.NewReplacer("+", "-", "/", "_").Replace(*v)
				return envelopeBody(&env), nil
			}
		case "no": // no padding
			if strings.HasSuffix(*v, "=") {
				*v = strings.TrimRight(*v, "=")
				return envelopeBody(&env), nil
			}
			p = append(p, ' ') // change the ciphertext length
		}
	}
	return nil, fmt.Errorf("could not make %s show %q", field, m[0])
}

// innerPlaintext seals, under a valid key, a plaintext that is wrong after
// decryption: not base64, or base64 of something that is not one strict
// JSON object.
func innerPlaintext(st *scenario, m []string, payload []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	var plain []byte
	switch {
	case strings.Contains(m[0], "not base64"):
		plain = payload // the JSON itself, not its base64
	case strings.Contains(m[0], "not valid JSON"):
		plain = []byte(encodeB64(bytes.TrimSuffix(bytes.TrimSpace(payload), []byte("}"))))
	case strings.Contains(m[0], "duplicate"):
		dup := fmt.Sprintf(`{"flow-id":%q,`, st.flow.FlowID)
		plain = []byte(encodeB64(append([]byte(dup), bytes.TrimPrefix(bytes.TrimSpace(payload), []byte("{"))...)))
	case strings.Contains(m[0], "JSON array"):
		plain = []byte(encodeB64(append(append([]byte("["), payload...), ']')))
	case strings.Contains(m[0], "data after"):
		plain = []byte(encodeB64(append(append([]byte(nil), payload...), []byte("\n{}")...)))
	case strings.Contains(m[0], "UTF-8"):
		bad, err := invalidUTF8(payload)
		if err != nil {
			return nil, err
		}
		plain = []byte(encodeB64(bad))
	}
	ct, err := envelope.EncryptECB(envelope.DeriveAESKey(s.Key), plain)
	if err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(ct)
	return envelopeBody(&env), nil
}

// invalidUTF8 replaces the last character of the first client-identifier
// with the byte 0xFF.
func invalidUTF8(payload []byte) ([]byte, error) {
	ids := clientIDs(payload)
	if len(ids) == 0 || ids[0] == "" {
		return nil, stepError("the payload needs a call with a client-identifier")
	}
	q, _ := json.Marshal(ids[0])
	i := bytes.Index(payload, q)
	if i < 0 {
		return nil, stepError("the client-identifier is not written plainly in the payload")
	}
	out := append([]byte(nil), payload...)
	out[i+len(q)-2] = 0xFF
	return out, nil
}

// rsaEncrypt encrypts msg for pub with a padding, as envelope.Seal does.
func rsaEncrypt(pub *rsa.PublicKey, p envelope.Padding, msg []byte) ([]byte, error) {
	switch p {
	case envelope.OAEPSHA1:
		return rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, msg, nil)
	case envelope.OAEPSHA256:
		return rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, msg, nil)
	default:
		return rsa.EncryptPKCS1v15(rand.Reader, pub, msg)
	}
}

// badKeyString RSA-encrypts a key string that is not base64 (or is empty)
// and AES-encrypts the payload under the key derived from it exactly as the
// spec derives it, so only the key-encoding check can refuse it.
func badKeyString(st *scenario, m []string, payload []byte) ([]byte, error) {
	keyB64 := "not base64: k3y!"
	if strings.Contains(m[0], "empty") {
		keyB64 = ""
	}
	flowID, pub := st.sealTarget()
	rv, err := rsaEncrypt(pub, st.knobs().RSAPadding, []byte(keyB64))
	if err != nil {
		return nil, err
	}
	ct, err := envelope.EncryptECB(envelope.DeriveAESKeyFromB64(keyB64), []byte(encodeB64(payload)))
	if err != nil {
		return nil, err
	}
	return envelopeBody(&envelope.Envelope{RequestEncryptedValue: encodeB64(ct), RequestDigitalSignatureValue: encodeB64(rv), FlowID: flowID}), nil
}
