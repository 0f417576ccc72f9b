package refserver

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/google/uuid"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// callRequest is one entry of a payload's calls, checked by rule 12.
type callRequest struct {
	clientID  string
	startTime string
	numbers   []string
}

// startTimePattern is spec section 2's exact form; time.Parse then checks
// the ranges (month 13, hour 24, offset +25:00).
var startTimePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

// parseCalls is rule 12: every call has a non-empty client-identifier, a
// start-time that parses and is not on a past date, a non-empty list of
// string contact-numbers and, if keys is present at all (even null), a list
// of {name, value} string pairs.
//
// A refused list comes back with the call and field at fault, for the log.
func (s *Server) parseCalls(raw []json.RawMessage, now time.Time) ([]callRequest, *refusal) {
	calls := make([]callRequest, 0, len(raw))
	bad := func(i int, field, reason string) ([]callRequest, *refusal) {
		if field == "" {
			return nil, &refusal{rule: "5.12", field: fmt.Sprintf("calls[%d]", i), reason: reason}
		}
		return nil, &refusal{rule: "5.12", field: callField(i, field), reason: reason}
	}
	for i, item := range raw {
		m, ok := jsonObject(item)
		if !ok {
			return bad(i, "", "not an object")
		}
		var c callRequest
		if c.clientID, ok = s.str(m, "client-identifier"); !ok || c.clientID == "" {
			return bad(i, "client-identifier", "missing, empty or not a string")
		}
		if c.startTime, ok = s.str(m, "start-time"); !ok {
			return bad(i, "start-time", "missing or not a string")
		}
		if !s.validStartTime(c.startTime, now) {
			return bad(i, "start-time", "not of the form 2.6, or on a date before today (2.5)")
		}
		if c.numbers, ok = s.strs(m["contact-numbers"]); !ok || len(c.numbers) == 0 {
			return bad(i, "contact-numbers", "missing, empty or not a list of strings")
		}
		keys, present := m["keys"]
		if present && isNull(keys) && s.fault.is(faultKeysNullAsMissing) {
			present = false
		}
		if present && !s.validKeys(keys) {
			return bad(i, "keys", "not a list of {name, value} strings")
		}
		if s.fault.is(faultKeysRequired) && (!present || isEmptyList(keys)) {
			return bad(i, "keys", "missing or empty (the keys-required fault)")
		}
		calls = append(calls, c)
	}
	return calls, nil
}

// validStartTime accepts YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM) on today's
// date or later, "today" being now's date in the start-time's own offset. A
// past time today is fine: the call starts at once.
func (s *Server) validStartTime(v string, now time.Time) bool {
	t, ok := s.parseStartTime(v)
	if !ok {
		return false
	}
	if s.fault.is(faultPastStartDate) {
		return true
	}
	if s.fault.is(faultStartDateUTC) {
		t, now = t.UTC(), now.UTC()
	}
	_, offset := t.Zone()
	ty, tm, td := t.Date()
	ny, nm, nd := now.In(time.FixedZone("", offset)).Date()
	start := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	today := time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)
	return !start.Before(today)
}

func isEmptyList(raw json.RawMessage) bool {
	items, ok := jsonArray(raw)
	return ok && len(items) == 0
}

func (s *Server) validKeys(raw json.RawMessage) bool {
	items, ok := s.list(raw)
	if !ok {
		return false
	}
	for _, item := range items {
		m, ok := jsonObject(item)
		if !ok {
			return false
		}
		if _, ok := s.str(m, "name"); !ok {
			return false
		}
		if _, ok := s.str(m, "value"); !ok {
			return false
		}
	}
	return true
}

// flowRefusal is rules 13-19: what the flow's account and setup refuse,
// in the spec's order, and why (for the log).
func flowRefusal(f *flowState, now time.Time) (protocol.Code, refusal) {
	switch {
	case f.Account.Expired(now):
		return protocol.ValidityExpired, refusal{rule: "5.13", reason: "the flow's account is past its validity"}
	case f.Account.Balance <= 0:
		return protocol.InsufficientBalance, refusal{rule: "5.14", reason: "the flow's account has no balance"}
	case len(f.DIDs) == 0:
		return protocol.DIDNotMapped, refusal{rule: "5.15", reason: "the flow has no DID"}
	case len(f.Masks) == 0:
		return protocol.NoMaskAvailable, refusal{rule: "5.16", reason: "the flow has no mask"}
	case f.Gateway == GatewayInvalid:
		return protocol.InvalidGatewayID, refusal{rule: "5.17", reason: "the flow's SMS gateway is invalid"}
	case f.Gateway == GatewayFailing:
		return protocol.FailureFromGateway, refusal{rule: "5.18", reason: "the flow's gateway refuses"}
	case f.Failing:
		return protocol.Failure, refusal{rule: "5.19", reason: "the flow is set up to fail"}
	}
	return 0, refusal{}
}

// judgeCalls is rule 21: each call's code, 200 if accepted. Under TEST the
// whitelist is checked first, so an invalid number there gets 402; one bad
// number, alternates included, refuses the whole call.
func (s *Server) judgeCalls(calls []callRequest, test bool, f *flowState) ([]protocol.Code, int) {
	codes := make([]protocol.Code, len(calls))
	accepted := 0
	for i, c := range calls {
		codes[i] = protocol.Success
		for _, n := range c.numbers {
			national, _ := s.contactNumber(n)
			if test && !f.testPhones[national] && !s.fault.is(faultIgnoreTestWhitelist) {
				codes[i] = protocol.PhoneNotWhitelisted
				break
			}
		}
		if codes[i] == protocol.Success {
			for _, n := range c.numbers {
				if _, ok := s.contactNumber(n); !ok {
					codes[i] = protocol.InvalidContactNumber
					break
				}
			}
		}
		if codes[i] == protocol.Success {
			accepted++
		}
	}
	return codes, accepted
}

// accept is rule 22: 200 if every call was accepted, 209 if some were, else
// the first call's code; call-details in request order either way. Accepted
// calls get a phonon-uuid and are kept for the Pull API.
func (s *Server) accept(x *exchange, f *flowState, apiVersion string, calls []callRequest, codes []protocol.Code, accepted int) *reply {
	rep := &reply{logFlow: f.ID, callDetails: make([]callDetail, len(calls))}
	var records []pullRecord
	for i, c := range calls {
		cd := callDetail{ClientIdentifier: c.clientID}
		if s.fault.is(faultWrongEcho) {
			cd.ClientIdentifier += "-wrong"
		}
		if codes[i] == protocol.Success {
			cd.PhononUUID = uuid.NewString() // random (crypto/rand): the Pull API is keyed by it, so it must not be guessable
			records = append(records, pullRecord{
				RequestID: x.requestID, PhononUUID: cd.PhononUUID, ClientIdentifier: c.clientID,
				FlowID: f.ID, APIVersion: apiVersion, StartTime: c.startTime,
				ContactNumbers: c.numbers, Status: "QUEUED",
			})
		} else {
			cd.Code, cd.Message = codes[i], codes[i].Message()
		}
		rep.callDetails[i] = cd
	}
	s.pulls.add(f.ID, records)
	switch {
	case accepted == len(calls):
		rep.code = protocol.Success
	case accepted > 0:
		rep.code = protocol.PartialSuccess
	default:
		rep.code = codes[0]
		reason := "a number is not valid (2.9)"
		if codes[0] == protocol.PhoneNotWhitelisted {
			reason = "TEST, and a number is not on the flow's test-phone whitelist"
		}
		rep.because("5.21", callField(0, "contact-numbers"), reason+"; no call accepted (5.22)")
	}
	return rep
}
