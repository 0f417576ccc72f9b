package steps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
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

func renameField(st *scenario, m []string, payload []byte) ([]byte, error) {
	if m[1] == m[2] {
		return nil, stepError("the new field name is the same")
	}
	o, err := st.envelopeObject(payload)
	if err != nil {
		return nil, err
	}
	renamed := newObject()
	for _, k := range o.keys {
		nk := k
		if k == m[2] {
			nk = m[1]
		}
		renamed.set(nk, o.vals[k])
	}
	return json.Marshal(renamed)
}

func dropField(st *scenario, m []string, payload []byte) ([]byte, error) {
	o, err := st.envelopeObject(payload)
	if err != nil {
		return nil, err
	}
	o.del(m[1])
	return json.Marshal(o)
}

func numberField(st *scenario, m []string, payload []byte) ([]byte, error) {
	o, err := st.envelopeObject(payload)
	if err != nil {
		return nil, err
	}
	o.set(m[1], json.Number("12345678"))
	return json.Marshal(o)
}

func outerBody(st *scenario, m []string, payload []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	body := envelopeBody(&s.Envelope)
	switch {
	case strings.Contains(m[0], "not JSON"):
		return []byte("requestEncryptedValue=" + s.RequestEncryptedValue + "&requestDigitalSignatureValue=" + s.RequestDigitalSignatureValue + "&flow-id=" + s.FlowID), nil
	case strings.Contains(m[0], "array"):
		return append(append([]byte("["), body...), ']'), nil
	case strings.Contains(m[0], "duplicate"):
		// A junk value first: a server where the last key wins opens it.
		return append([]byte(`{"requestEncryptedValue":"AAAA",`), bytes.TrimPrefix(body, []byte("{"))...), nil
	case strings.Contains(m[0], "data after"):
		return append(body, []byte("\n{}")...), nil
	case strings.Contains(m[0], "UTF-8"):
		// The byte 0xFF inside the flow-id string.
		q, _ := json.Marshal(s.FlowID)
		j := bytes.LastIndex(body, q) + len(q) - 1 // its closing quote
		return append(append(append([]byte(nil), body[:j]...), 0xFF), body[j:]...), nil
	}
	return nil, stepError("no outer malformation %q", m[0])
}

// plainBody malforms a plain request body; the rest of it is a valid payload.
func plainBody(st *scenario, m []string, payload []byte) ([]byte, error) {
	switch {
	case strings.Contains(m[0], "not JSON"):
		return []byte("api-version=1.0&flow-id=" + st.flow.FlowID), nil
	case strings.Contains(m[0], "array"):
		return append(append([]byte("["), payload...), ']'), nil
	case strings.Contains(m[0], "duplicate"):
		dup := fmt.Sprintf(`{"flow-id":%q,`, st.flow.FlowID)
		return append([]byte(dup), bytes.TrimPrefix(bytes.TrimSpace(payload), []byte("{"))...), nil
	case strings.Contains(m[0], "data after"):
		return append(append([]byte(nil), payload...), []byte("\n{}")...), nil
	case strings.Contains(m[0], "UTF-8"):
		return invalidUTF8(payload)
	}
	return nil, stepError("no plain malformation %q", m[0])
}
