package refserver

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// generateKeyPair rotates a flow's key pair (spec section 6): 210 for
// missing fields, 301 for an unknown flow, the IP check, 202 for a wrong
// security-id. The reference server requires the security-id although the
// pages say "Auth: None": otherwise anyone could break any flow.
//
// The new key has the size of the one it replaces (Options.KeyBits may
// set another): a flow keeps the key size its profile's rsa-key-bits
// states (SPEC.md 6.1, 7). It is made outside any lock and swapped in
// atomically, so requests on this flow keep using whichever key they
// loaded and other flows never wait. Envelopes sealed for the old key then
// fail with 400.
func (s *Server) generateKeyPair(x *exchange) *reply {
	p, err := s.object(x.body)
	if err != nil {
		return (&reply{code: protocol.InvalidFormat}).because("6.1", "body", err.Error())
	}
	v, err := stringFields(p, "flow-id", "security-id")
	if err != nil {
		field, reason := badStringField(p, "flow-id", "security-id")
		return (&reply{code: protocol.InvalidMandatoryParameters}).because("6.1", field, reason)
	}
	f, ok := s.flows[v[0]]
	if !ok {
		return (&reply{code: protocol.InvalidFlowID}).because("6.1", "flow-id", "no such flow")
	}
	refuse := func(c protocol.Code) *reply { return &reply{code: c, logFlow: f.ID} }
	if !s.callerAllowed(x, f) {
		return refuse(protocol.IPNotWhitelisted).because(ipNotWhitelisted())
	}
	if subtle.ConstantTimeCompare([]byte(v[1]), []byte(f.SecurityID)) != 1 {
		return refuse(protocol.InvalidSecurityID).because("6.1", "security-id", "not the flow's")
	}
	select {
	case s.keyGens <- struct{}{}:
	case <-x.r.Context().Done(): // the caller gave up while waiting its turn
		return refuse(protocol.Failure)
	}
	bits := s.keyBits
	if bits == 0 {
		bits = f.key.Load().N.BitLen()
	}
	priv, err := s.newKey(bits)
	<-s.keyGens
	if err != nil {
		s.log.Error("generateKeyPair", "request-id", x.requestID, "flow-id", f.ID, "error", err.Error())
		return refuse(protocol.Failure)
	}
	pub, err := envelope.MarshalPublicKeyPEM(&priv.PublicKey)
	if err != nil {
		return refuse(protocol.Failure)
	}
	if !s.fault.is(faultKeepOldKey) {
		f.key.Store(priv)
	}
	return &reply{code: protocol.Success, logFlow: f.ID, flowID: f.ID, publicKey: string(pub)}
}

// PublicKey returns the flow's current public key (after any rotation).
func (s *Server) PublicKey(flowID string) (*rsa.PublicKey, bool) {
	f, ok := s.flows[flowID]
	if !ok {
		return nil, false
	}
	return &f.key.Load().PublicKey, true
}

// freshKey is a key pair of bits bits from crypto/rand.
func freshKey(bits int) (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, bits) }
