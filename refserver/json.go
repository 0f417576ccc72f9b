package refserver

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

// object reads data as one strict JSON object (spec sections 2-3: no
// duplicate keys, no invalid UTF-8, no trailing data) and returns its
// members. The accept-* faults loosen exactly one of those rules each.
func (s *Server) object(data []byte) (map[string]json.RawMessage, error) {
	if s.fault.is(faultInvalidUTF8) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	if s.fault.is(faultTrailingData) {
		var first json.RawMessage
		if err := json.NewDecoder(bytes.NewReader(data)).Decode(&first); err == nil {
			data = first
		}
	}
	if s.fault.is(faultDuplicateKeys) {
		// encoding/json keeps the last of duplicate keys; re-encoding drops the rest.
		var v any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&v); err == nil {
			if again, err := json.Marshal(v); err == nil {
				data = again
			}
		}
	}
	if err := strictjson.CheckObject(data); err != nil {
		return nil, err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, err
	}
	if s.fault.is(faultFieldNamesAnyCase) {
		foldFieldNames(members)
	}
	return members, nil
}

// The field readers below take a member as found (nil when missing) and
// accept only its exact JSON type: null is never a string or a list, and a
// number is never a string, where encoding/json would quietly convert or
// leave a zero value.

func jsonString(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func jsonArray(raw json.RawMessage) ([]json.RawMessage, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		return nil, false
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, false
	}
	return items, true
}

func jsonObject(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, false
	}
	return members, true
}

// stringFields reads the named members, all of which must be strings.
func stringFields(members map[string]json.RawMessage, names ...string) ([]string, error) {
	out := make([]string, len(names))
	for i, name := range names {
		v, ok := jsonString(members[name])
		if !ok {
			return nil, errors.New(name)
		}
		out[i] = v
	}
	return out, nil
}
