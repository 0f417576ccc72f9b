package refserver

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// createEncrypted serves the encrypted create endpoints: rules 1-4 on the
// envelope, then the payload as on the plain endpoints.
func (s *Server) createEncrypted(x *exchange) *reply {
	env, ok := s.parseEnvelope(x.body) // rule 1
	if !ok {
		return (&reply{code: protocol.InvalidFormat}).because(s.envelopeRefusal(x.body))
	}
	f, ok := s.flowOfKind(env.FlowID, x.route.kind) // rule 2: the key cannot be chosen
	if !ok {
		return (&reply{code: protocol.InvalidFlowID}).because("5.2", "flow-id", "no flow of this endpoint's kind has it (envelope)")
	}
	ipChecked := !s.fault.is(faultIPCheckAfterOpen)
	if ipChecked && !s.callerAllowed(x, f) { // rule 3, before any RSA work
		return (&reply{code: protocol.IPNotWhitelisted, logFlow: f.ID}).because(ipNotWhitelisted())
	}
	payload, members, stage := s.openEnvelope(env, f.key.Load()) // rule 4
	if stage != 0 {
		rep := (&reply{code: protocol.InvalidFormat, logFlow: f.ID}).because("5.4", stageField(stage), "the envelope does not open")
		rep.why.stage = stage.String()
		if s.fault.is(faultLeakStage) {
			rep.message = protocol.InvalidFormat.Message() + ": " + stage.String()
		}
		s.applyStageFaults(x.r.Context(), rep, stage)
		return rep
	}
	if !ipChecked && !s.callerAllowed(x, f) {
		return (&reply{code: protocol.IPNotWhitelisted, logFlow: f.ID}).because(ipNotWhitelisted())
	}
	sum := payload
	if s.fault.is(faultChecksumCiphertext) {
		sum = []byte(env.RequestEncryptedValue)
	}
	return s.create(x, members, sum, f)
}

// createPlain serves the plain create endpoints: the body is the payload.
func (s *Server) createPlain(x *exchange) *reply {
	members, err := s.object(x.body) // rule 1
	if err != nil {
		return (&reply{code: protocol.InvalidFormat}).because("5.1", "body", err.Error())
	}
	return s.create(x, members, x.body, nil)
}

// create applies rules 5-22 to a payload. outer is the flow the envelope
// named, nil on the plain endpoints, where the IP check runs as soon as
// rule 7 has found the flow. sum is what the checksum covers: the payload
// bytes exactly as received.
func (s *Server) create(x *exchange, p map[string]json.RawMessage, sum []byte, outer *flowState) *reply {
	if s.fault.is(faultPanicOnCreate) {
		panic("refserver: the panic-on-create fault")
	}
	var logFlow string
	if outer != nil {
		logFlow = outer.ID
	}
	refuse := func(c protocol.Code, rule, field, reason string) *reply {
		return (&reply{code: c, logFlow: logFlow}).because(rule, field, reason)
	}

	v, ok := s.fields(p, "api-version", "security-id", "flow-id")
	s.required(p["calls"])
	callsRaw, isList := s.list(p["calls"])
	switch {
	case !ok: // rule 5
		field, reason := badStringField(p, "api-version", "security-id", "flow-id")
		return refuse(protocol.InvalidMandatoryParameters, "5.5", field, reason)
	case !isList:
		return refuse(protocol.InvalidMandatoryParameters, "5.5", "calls", "missing or not a list")
	}
	apiVersion, securityID, flowID := s.apiVersion(v[0]), v[1], v[2]
	if apiVersion != "1.0" && apiVersion != "TEST" { // rule 6
		return refuse(protocol.InvalidAPIVersion, "5.6", "api-version", "not 1.0 or TEST")
	}
	f, ok := s.flowOfKind(flowID, x.route.kind) // rule 7
	switch {
	case !ok:
		return refuse(protocol.InvalidFlowID, "5.7", "flow-id", "no flow of this endpoint's kind has it (payload)")
	case outer != nil && outer != f:
		return refuse(protocol.InvalidFlowID, "5.7", "flow-id", "differs from the envelope's flow-id")
	}
	logFlow = f.ID
	if outer == nil && !s.callerAllowed(x, f) { // rule 3, plain endpoints
		rule, field, reason := ipNotWhitelisted()
		return refuse(protocol.IPNotWhitelisted, rule, field, reason)
	}
	if !s.securityIDMatches(securityID, f) { // rule 8
		return refuse(protocol.InvalidSecurityID, "5.8", "security-id", "not the flow's")
	}
	test := apiVersion == "TEST"
	switch {
	case test && !f.TestingVersion: // rule 9
		return refuse(protocol.InvalidFlowVersion, "5.9", "api-version", "TEST, and the flow has no testing version")
	case len(callsRaw) == 0 && s.fault.is(faultEmptyCallsAs210):
		return refuse(protocol.InvalidMandatoryParameters, "5.5", "calls", "empty (the empty-calls-as-210 fault)")
	case len(callsRaw) == 0: // rule 10
		return refuse(protocol.EmptyCallList, "5.10", "calls", "empty")
	case s.tooMany(len(callsRaw), protocol.MaxCallsPerRequest, faultCallsLimitEarly, faultCallsLimitLate): // rule 11
		return refuse(protocol.MaxDataListSizeExceeded, "5.11", "calls", fmt.Sprintf("%d calls, over %d", len(callsRaw), protocol.MaxCallsPerRequest))
	}
	now := s.now()
	calls, bad := s.parseCalls(callsRaw, now) // rule 12
	if bad != nil {
		return refuse(protocol.InvalidMandatoryParameters, "5.12", bad.field, bad.reason)
	}
	if c, why := flowRefusal(f, now); c != 0 { // rules 13-19
		return refuse(c, why.rule, "flow-id", why.reason)
	}
	// Rule 21 depends on the payload alone, so it is judged before rule 20:
	// that lets the checksum be checked and recorded in one atomic step, and
	// only for a request that will be accepted.
	codes, accepted := s.judgeCalls(calls, test, f)
	key := checksumKey{flow: f.ID, sum: sha256.Sum256(sum)}
	if s.fault.is(faultChecksumPerEndpoint) {
		key.endpoint = x.path
	}
	record := accepted > 0 || s.fault.is(faultChecksumRecordsRefused)
	if !s.fault.is(faultSkipChecksum) && s.admitChecksum(key, now, record) { // rule 20
		return refuse(protocol.ChecksumRepeated, "5.20", "payload", "identical to one accepted for this flow within the checksum window")
	}
	return s.accept(x, f, apiVersion, calls, codes, accepted) // rules 21-22
}

// flowOfKind finds a flow served by endpoints of kind.
func (s *Server) flowOfKind(id, kind string) (*flowState, bool) {
	f, ok := s.lookupFlow(id)
	if !ok || (f.Kind != kind && !s.fault.is(faultOtherKind)) {
		return nil, false
	}
	return f, true
}

// callerAllowed is the IP check: the socket's address against the flow
// account's whitelist. Forwarded-for headers are never trusted, since any
// caller can send them.
func (s *Server) callerAllowed(x *exchange, f *flowState) bool {
	if s.fault.is(faultSkipIPCheck) {
		return true
	}
	addr := remoteAddr(x.r)
	if s.fault.is(faultTrustForwardedFor) {
		first, _, _ := strings.Cut(x.r.Header.Get("X-Forwarded-For"), ",")
		if a, err := netip.ParseAddr(strings.TrimSpace(first)); err == nil {
			addr = a
		}
	}
	return addr.IsValid() && f.Account.Allows(addr)
}

// remoteAddr is the socket's address; invalid if the server cannot tell.
func remoteAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr()
}
