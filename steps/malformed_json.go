package steps

import (
	"bytes"
	"encoding/json"
)

// The malformations of the envelope and body JSON (rules 5.1 and 5.4).

// envelopeObject is a valid envelope as an ordered object, to edit.
func (st *scenario) envelopeObject(payload []byte) (*object, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	v, _ := decodeOrdered(envelopeBody(&s.Envelope))
	return v.(*object), nil
}

// renameField writes field under the name args[0].
func renameField(field string) builder {
	return func(st *scenario, payload []byte, args []string) ([]byte, error) {
		name := args[0]
		if name == field {
			return nil, stepError("the new field name is the same")
		}
		o, err := st.envelopeObject(payload)
		if err != nil {
			return nil, err
		}
		renamed := newObject()
		for _, k := range o.keys {
			nk := k
			if k == field {
				nk = name
			}
			renamed.set(nk, o.vals[k])
		}
		return json.Marshal(renamed)
	}
}

func dropField(field string) builder {
	return func(st *scenario, payload []byte, _ []string) ([]byte, error) {
		o, err := st.envelopeObject(payload)
		if err != nil {
			return nil, err
		}
		o.del(field)
		return json.Marshal(o)
	}
}

func numberField(field string) builder {
	return func(st *scenario, payload []byte, _ []string) ([]byte, error) {
		o, err := st.envelopeObject(payload)
		if err != nil {
			return nil, err
		}
		o.set(field, json.Number("12345678"))
		return json.Marshal(o)
	}
}

// sealedEnvelope seals the payload; edit turns the envelope's JSON body
// into the malformed one.
func sealedEnvelope(st *scenario, payload []byte, edit func(body []byte, env *sealedValues) []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	return edit(envelopeBody(&s.Envelope), &sealedValues{s.RequestEncryptedValue, s.RequestDigitalSignatureValue, s.FlowID}), nil
}

// sealedValues are the three values of a sealed envelope.
type sealedValues struct{ encrypted, signature, flowID string }

// envelopeNotJSON sends the fields form-encoded.
func envelopeNotJSON(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealedEnvelope(st, payload, func(_ []byte, f *sealedValues) []byte {
		return []byte("requestEncryptedValue=" + f.encrypted + "&requestDigitalSignatureValue=" + f.signature + "&flow-id=" + f.flowID)
	})
}

func envelopeJSONArray(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealedEnvelope(st, payload, func(body []byte, _ *sealedValues) []byte { return inArray(body) })
}

// envelopeDuplicateKey puts a junk requestEncryptedValue first: a server
// where the last key wins opens it.
func envelopeDuplicateKey(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealedEnvelope(st, payload, func(body []byte, _ *sealedValues) []byte {
		return append([]byte(`{"requestEncryptedValue":"AAAA",`), bytes.TrimPrefix(body, []byte("{"))...)
	})
}

func envelopeTrailingData(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealedEnvelope(st, payload, func(body []byte, _ *sealedValues) []byte { return withTrailingObject(body) })
}

// envelopeInvalidUTF8 puts the byte 0xFF inside the flow-id string.
func envelopeInvalidUTF8(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return sealedEnvelope(st, payload, func(body []byte, f *sealedValues) []byte {
		q, _ := json.Marshal(f.flowID)
		j := bytes.LastIndex(body, q) + len(q) - 1 // its closing quote
		return append(append(append([]byte(nil), body[:j]...), 0xFF), body[j:]...)
	})
}

// The plain malformations: the rest of the body is a valid payload.

func plainNotJSON(st *scenario, _ []byte, _ []string) ([]byte, error) {
	return []byte("api-version=1.0&flow-id=" + st.target.flow.FlowID), nil
}

func plainJSONArray(_ *scenario, payload []byte, _ []string) ([]byte, error) {
	return inArray(payload), nil
}

func plainDuplicateFlowID(st *scenario, payload []byte, _ []string) ([]byte, error) {
	return duplicateFlowID(st, payload), nil
}

func plainTrailingData(_ *scenario, payload []byte, _ []string) ([]byte, error) {
	return withTrailingObject(payload), nil
}

func plainInvalidUTF8(_ *scenario, payload []byte, _ []string) ([]byte, error) {
	return invalidUTF8(payload)
}
