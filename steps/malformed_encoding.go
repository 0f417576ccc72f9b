package steps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// The malformations of the encodings inside the envelope: base64 that only
// a lenient decoder accepts (spec section 3: canonical standard base64),
// and a plaintext that opens but is not the base64 of one strict JSON
// object.

// lenientBase64 writes one envelope field in a base64 that a lenient
// decoder (MIME, URL-safe, unpadded) accepts and a strict one refuses.
// rewrite returns false when the field has nothing to change (no '+' or '/'
// for the URL alphabet, no '=' to remove); the payload is then re-sealed,
// a space longer each time so that the ciphertext length changes too.
func lenientBase64(field, what string, rewrite func(v string) (string, bool)) builder {
	return func(st *scenario, payload []byte, _ []string) ([]byte, error) {
		p := append([]byte(nil), payload...)
		for i := 0; i < 200; i++ {
			s, err := st.seal(p, nil)
			if err != nil {
				return nil, err
			}
			env := s.Envelope
			v := cryptoField(&env, field)
			if out, ok := rewrite(*v); ok {
				*v = out
				return envelopeBody(&env), nil
			}
			p = append(p, ' ')
		}
		return nil, fmt.Errorf("could not make %s show %s", field, what)
	}
}

// lineBreaksIn breaks the field MIME-style: CRLF every 76 characters.
func lineBreaksIn(field string) builder {
	return lenientBase64(field, "line breaks", func(v string) (string, bool) {
		var b strings.Builder
		for j := 0; j < len(v); j += 76 {
			if j > 0 {
				b.WriteString("\r\n")
			}
			b.WriteString(v[j:min(j+76, len(v))])
		}
		return b.String(), len(v) > 76
	})
}

// spaceIn puts a space after the field's 20th character.
func spaceIn(field string) builder {
	return lenientBase64(field, "a space", func(v string) (string, bool) {
		if len(v) <= 20 {
			return v, false
		}
		return v[:20] + " " + v[20:], true
	})
}

// urlAlphabetIn writes the field in the URL-safe alphabet.
func urlAlphabetIn(field string) builder {
	return lenientBase64(field, "the URL-safe alphabet", func(v string) (string, bool) {
		if !strings.ContainsAny(v, "+/") {
			return v, false
		}
		return strings.NewReplacer("+", "-", "/", "_").Replace(v), true
	})
}

// unpaddedIn removes the field's '=' padding.
func unpaddedIn(field string) builder {
	return lenientBase64(field, "no padding", func(v string) (string, bool) {
		if !strings.HasSuffix(v, "=") {
			return v, false
		}
		return strings.TrimRight(v, "="), true
	})
}

// sealPlaintext seals the payload, then replaces the ciphertext with plain
// encrypted under the same valid key: the envelope opens, and what it
// holds is wrong.
func sealPlaintext(st *scenario, payload, plain []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	ct, err := envelope.EncryptECB(envelope.DeriveAESKey(s.Key), plain)
	if err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(ct)
	return envelopeBody(&env), nil
}

// sealedNotBase64 seals the JSON itself, not its base64.
func sealedNotBase64(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealPlaintext(st, payload, payload)
}

// sealedNotJSON seals the base64 of the payload without its closing brace.
func sealedNotJSON(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealPlaintext(st, payload, []byte(encodeB64(bytes.TrimSuffix(bytes.TrimSpace(payload), []byte("}")))))
}

func sealedDuplicateFlowID(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealPlaintext(st, payload, []byte(encodeB64(duplicateFlowID(st, payload))))
}

func sealedJSONArray(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealPlaintext(st, payload, []byte(encodeB64(inArray(payload))))
}

func sealedTrailingData(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealPlaintext(st, payload, []byte(encodeB64(withTrailingObject(payload))))
}

func sealedInvalidUTF8(st *scenario, payload []byte, _ []string) ([]byte, error) {
	bad, err := invalidUTF8(payload)
	if err != nil {
		return nil, err
	}
	return sealPlaintext(st, payload, []byte(encodeB64(bad)))
}

// duplicateFlowID puts a first "flow-id" key before the payload's own.
func duplicateFlowID(st *scenario, payload []byte) []byte {
	dup := fmt.Sprintf(`{"flow-id":%q,`, st.target.flow.FlowID)
	return append([]byte(dup), bytes.TrimPrefix(bytes.TrimSpace(payload), []byte("{"))...)
}

// inArray wraps a JSON document in a one-element array.
func inArray(doc []byte) []byte { return append(append([]byte("["), doc...), ']') }

// withTrailingObject appends a second JSON object after the document.
func withTrailingObject(doc []byte) []byte {
	return append(append([]byte(nil), doc...), []byte("\n{}")...)
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
