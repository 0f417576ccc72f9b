package refserver

import (
	"fmt"
	"sync"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// pullRecord is an accepted call as the Pull API reports it. The reference
// server dials nobody, so every call stays QUEUED and has no attempts;
// fetch-attempt ALL and LAST therefore answer alike.
type pullRecord struct {
	RequestID        string   `json:"request-id"`
	PhononUUID       string   `json:"phonon-uuid"`
	ClientIdentifier string   `json:"client-identifier"`
	FlowID           string   `json:"flow-id"`
	APIVersion       string   `json:"api-version"`
	StartTime        string   `json:"start-time"`
	ContactNumbers   []string `json:"contact-numbers"`
	Status           string   `json:"call-status"`
}

// pullStore keeps accepted calls by phonon-uuid, at most maxPerFlow per
// flow (the oldest go first), so memory stays bounded.
type pullStore struct {
	mu         sync.Mutex
	maxPerFlow int
	byUUID     map[string]pullRecord
	order      map[string][]string // per flow, oldest first
}

func newPullStore(maxPerFlow int) *pullStore {
	return &pullStore{maxPerFlow: maxPerFlow, byUUID: map[string]pullRecord{}, order: map[string][]string{}}
}

func (p *pullStore) add(flow string, records []pullRecord) {
	if len(records) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	q := p.order[flow]
	for _, r := range records {
		p.byUUID[r.PhononUUID] = r
		q = append(q, r.PhononUUID)
	}
	if over := len(q) - p.maxPerFlow; over > 0 {
		for _, id := range q[:over] {
			delete(p.byUUID, id)
		}
		q = append([]string(nil), q[over:]...)
	}
	p.order[flow] = q
}

// find returns the known records among uuids, in request order, once each.
func (p *pullStore) find(flow string, uuids []string, anyFlow bool) []pullRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []pullRecord
	seen := map[string]bool{}
	for _, id := range uuids {
		r, ok := p.byUUID[id]
		if !ok || seen[id] || (r.FlowID != flow && !anyFlow) {
			continue
		}
		seen[id] = true
		out = append(out, r)
	}
	return out
}

// pull is the Pull API (spec section 6), checked in the spec's order.
func (s *Server) pull(x *exchange) *reply {
	p, err := s.object(x.body)
	if err != nil {
		return (&reply{code: protocol.InvalidFormat}).because("6.3", "body", err.Error())
	}
	v, ok := s.fields(p, "api-version", "security-id", "flow-id")
	if !ok {
		field, reason := badStringField(p, "api-version", "security-id", "flow-id")
		return (&reply{code: protocol.InvalidMandatoryParameters}).because("6.3", field, reason)
	}
	if _, present := p["phonon-uuids"]; !present {
		return (&reply{code: protocol.InvalidMandatoryParameters}).because("6.3", "phonon-uuids", "missing")
	}
	apiVersion, securityID, flowID := v[0], v[1], v[2]
	if apiVersion != "2.0" {
		return (&reply{code: protocol.InvalidAPIVersion}).because("6.3", "api-version", "not 2.0")
	}
	f, ok := s.lookupFlow(flowID)
	if !ok {
		return (&reply{code: protocol.InvalidFlowID}).because("6.3", "flow-id", "no such flow")
	}
	refuse := func(c protocol.Code) *reply { return &reply{code: c, logFlow: f.ID} }
	if !s.callerAllowed(x, f) {
		return refuse(protocol.IPNotWhitelisted).because(ipNotWhitelisted())
	}
	if !s.securityIDMatches(securityID, f) {
		return refuse(protocol.InvalidSecurityID).because("6.3", "security-id", "not the flow's")
	}
	uuids, ok := s.strs(p["phonon-uuids"])
	if !ok || len(uuids) == 0 {
		return refuse(protocol.InvalidMandatoryParameters).because("6.3", "phonon-uuids", "empty or not a list of strings")
	}
	if raw, present := p["fetch-attempt"]; present {
		if fa, ok := jsonString(raw); !ok || (fa != "ALL" && fa != "LAST") {
			return refuse(protocol.InvalidMandatoryParameters).because("6.3", "fetch-attempt", "not ALL or LAST")
		}
	}
	if s.tooMany(len(uuids), protocol.MaxUUIDsPerPull, faultPullLimitEarly, faultPullLimitLate) {
		return refuse(protocol.MaxDataListSizeExceeded).because("6.3", "phonon-uuids", fmt.Sprintf("%d uuids, over %d", len(uuids), protocol.MaxUUIDsPerPull))
	}
	data := s.pulls.find(f.ID, uuids, s.fault.is(faultPullCrossFlow))
	if len(data) == 0 {
		return refuse(protocol.NoDataAvailable).because("6.3", "phonon-uuids", "none is a known call of this flow")
	}
	return &reply{code: protocol.Success, logFlow: f.ID, data: data}
}
