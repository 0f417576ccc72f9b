package refserver

import (
	"encoding/json"
	"fmt"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// refusal says why a request was refused, for the server's debug log only
// (`runner serve --log-level debug`): the rule of SPEC.md (5.12, the
// section-5 trigger; 4.3 for transport; 6.x for the helper endpoints) and
// the field at fault, with a few words. Never a value: values are security
// ids, key strings and phone numbers. A client only ever gets the code.
type refusal struct {
	rule   string // "5.12"
	field  string // "calls[2].start-time"
	reason string // "not on or after today"
	stage  string // rule 5.4: the opening stage that failed
}

// because records why rep refuses its request, and returns it.
func (rep *reply) because(rule, field, reason string) *reply {
	rep.why = refusal{rule: rule, field: field, reason: reason}
	return rep
}

// logRefusal writes the debug line for a refused request.
func (s *Server) logRefusal(x *exchange, rep *reply) {
	if rep.why.rule == "" {
		return
	}
	attrs := []any{"request-id", x.requestID, "path", x.path, "code", int(rep.code),
		"rule", rep.why.rule, "field", rep.why.field, "why", rep.why.reason}
	if rep.why.stage != "" {
		attrs = append(attrs, "stage", rep.why.stage)
	}
	s.log.Debug("refused", attrs...)
}

// badStringField names the first of names that is missing or not a
// string, for the log: which mandatory field made rule 5.5 (or 6.x) refuse.
// It reads the members as a correct server does, whatever the fault.
func badStringField(m map[string]json.RawMessage, names ...string) (field, reason string) {
	for _, name := range names {
		raw, present := m[name]
		if !present {
			return name, "missing"
		}
		if v, ok := jsonString(raw); !ok {
			return name, "not a string"
		} else if v == "" {
			return name, "empty"
		}
	}
	return names[0], "refused"
}

// stageField is the envelope field an opening stage reads.
func stageField(stage envelope.Stage) string {
	switch stage {
	case envelope.StageSignatureValueBase64, envelope.StageRSALength, envelope.StageRSADecrypt, envelope.StageKeyEncoding:
		return "requestDigitalSignatureValue"
	default:
		return "requestEncryptedValue"
	}
}

// callField is the path of a call's field in the payload: calls[2].start-time.
func callField(i int, name string) string { return fmt.Sprintf("calls[%d].%s", i, name) }

// ipNotWhitelisted is rule 5.3's reason: only the socket's address counts.
func ipNotWhitelisted() (rule, field, reason string) {
	return "5.3", "remote address", "not on the flow's account's IP whitelist"
}

// envelopeRefusal says why a body is no envelope (rule 5.1).
func (s *Server) envelopeRefusal(body []byte) (rule, field, reason string) {
	members, err := s.object(body)
	if err != nil {
		return "5.1", "body", err.Error()
	}
	field, reason = badStringField(members, "requestEncryptedValue", "requestDigitalSignatureValue", "flow-id")
	return "5.1", field, reason
}
