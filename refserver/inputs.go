package refserver

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// The readers below are where the server meets the inputs of spec sections
// 2, 3 and 5: required strings, identifiers, api-version and the limits. A
// correct server reads each strictly; each boundary fault (faults_boundary.go)
// loosens or tightens exactly one of them, the way a real implementation gets
// it wrong.

// errNullValue is the panic of the null-answered-500 fault: the handler
// dereferences a value that is not there, as a Java server would with a
// NullPointerException. ServeHTTP answers it 500 FAILURE.
var errNullValue = errors.New("refserver: the null-answered-500 fault: a required value is null")

// isNull reports whether a member is present and JSON null.
func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// required is called on every member a value must be given for.
func (s *Server) required(raw json.RawMessage) {
	if s.fault.is(faultNullCrashes) && isNull(raw) {
		panic(errNullValue)
	}
}

// str reads a required string member: exactly a JSON string, nothing else.
func (s *Server) str(m map[string]json.RawMessage, name string) (string, bool) {
	raw := m[name]
	s.required(raw)
	v, ok := jsonString(raw)
	if !ok && s.fault.is(faultCoerceScalars) {
		v, ok = coerced(raw)
	}
	if ok && s.fault.is(faultTrimStrings) {
		v = strings.TrimSpace(v)
	}
	if ok && v == "" && s.fault.is(faultEmptyAsMissing) {
		return "", false
	}
	return v, ok
}

// list reads a list: exactly a JSON array.
func (s *Server) list(raw json.RawMessage) ([]json.RawMessage, bool) {
	items, ok := jsonArray(raw)
	if !ok && s.fault.is(faultSingleValueAsList) && len(bytes.TrimSpace(raw)) > 0 && !isNull(raw) {
		return []json.RawMessage{raw}, true
	}
	return items, ok
}

// strs reads a required list of strings.
func (s *Server) strs(raw json.RawMessage) ([]string, bool) {
	s.required(raw)
	items, ok := s.list(raw)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		v, ok := jsonString(item)
		if !ok && s.fault.is(faultCoerceScalars) {
			v, ok = coerced(item)
		}
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// coerced is a JSON number or boolean as the text a lenient mapper makes
// of it.
func coerced(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	if string(raw) == "true" || string(raw) == "false" {
		return string(raw), true
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
		return string(raw), true
	}
	return "", false
}

// fields reads the named required string members.
func (s *Server) fields(m map[string]json.RawMessage, names ...string) ([]string, bool) {
	out := make([]string, len(names))
	for i, name := range names {
		v, ok := s.str(m, name)
		if !ok {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// specFieldNames are the names the spec gives fields; the
// field-names-any-case fault maps other spellings onto them.
var specFieldNames = []string{
	"api-version", "security-id", "flow-id", "calls", "phonon-uuids", "fetch-attempt",
	"requestEncryptedValue", "requestDigitalSignatureValue",
}

// foldFieldNames is the field-names-any-case fault: a member spelt like a
// spec field in another case stands for it when the exact name is absent.
func foldFieldNames(m map[string]json.RawMessage) {
	for k, v := range m {
		for _, name := range specFieldNames {
			if _, exact := m[name]; !exact && k != name && strings.EqualFold(k, name) {
				m[name] = v
			}
		}
	}
}

// lookupFlow finds a flow by id: exactly, on a correct server.
func (s *Server) lookupFlow(id string) (*flowState, bool) {
	if s.fault.is(faultTruncateIdentifiers) && len(id) > 8 {
		id = id[:8]
	}
	if f, ok := s.flows[id]; ok {
		return f, true
	}
	if s.fault.is(faultFlowIDAnyCase) {
		for fid, f := range s.flows {
			if strings.EqualFold(fid, id) {
				return f, true
			}
		}
	}
	return nil, false
}

// securityIDMatches compares for equality only (spec section 5 [ref]), in
// constant time.
func (s *Server) securityIDMatches(given string, f *flowState) bool {
	switch {
	case s.fault.is(faultSecurityIDAnyCase):
		return strings.EqualFold(given, f.SecurityID)
	case s.fault.is(faultSecurityIDPrefix):
		return strings.HasPrefix(f.SecurityID, given)
	case s.fault.is(faultTruncateIdentifiers) && len(given) > 64:
		given = given[:64]
	}
	return subtle.ConstantTimeCompare([]byte(given), []byte(f.SecurityID)) == 1
}

// apiVersion is the version the request asks for: "1.0" and "TEST" exactly
// (spec section 2); anything else is refused by rule 6.
func (s *Server) apiVersion(v string) string {
	if s.fault.is(faultAPIVersionAnyCase) && strings.EqualFold(v, "TEST") {
		return "TEST"
	}
	if s.fault.is(faultAPIVersionNumeric) {
		if n, err := strconv.ParseFloat(v, 64); err == nil && n == 1 {
			return "1.0"
		}
	}
	return v
}

// tooMany reports whether n items exceed limit (rule 11, Pull API).
func (s *Server) tooMany(n, limit int, early, late string) bool {
	switch {
	case s.fault.is(early):
		return n >= limit
	case s.fault.is(late):
		return n > limit+1
	}
	return n > limit
}

// bodyLimit is the largest body served (spec section 2: 256 KB).
func (s *Server) bodyLimit() int64 {
	switch {
	case s.fault.is(faultNoBodyLimit):
		return faultBodyLimit
	case s.fault.is(faultBodyLimitEarly):
		return protocol.MaxBodyBytes - 1
	}
	return protocol.MaxBodyBytes
}
