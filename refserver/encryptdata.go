package refserver

import (
	"encoding/base64"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// encryptData is the encryptdata helper (spec section 6): it seals
// requestValue (which is already payloadB64) for the flow with the caller's
// key string, exactly as a client would, so that the caller can compare the
// AES half byte for byte (ECB is deterministic). Order: missing fields, an
// empty aesKey or one too long 210; unknown flow 301; IP check; requestValue
// not canonical base64 400.
func (s *Server) encryptData(x *exchange) *reply {
	p, err := s.object(x.body)
	if err != nil {
		return (&reply{code: protocol.InvalidFormat}).because("6.2", "body", err.Error())
	}
	v, err := stringFields(p, "requestValue", "aesKey", "flow-id")
	if err != nil || v[0] == "" || v[1] == "" {
		field, reason := badStringField(p, "requestValue", "aesKey", "flow-id")
		return (&reply{code: protocol.InvalidMandatoryParameters}).because("6.2", field, reason)
	}
	if base64.StdEncoding.EncodedLen(len(v[1])) > protocol.MaxKeyB64Bytes {
		return (&reply{code: protocol.InvalidMandatoryParameters}).because("6.2", "aesKey", "too long for one RSA block (3.7)")
	}
	requestValue, aesKey := v[0], v[1]
	f, ok := s.flows[v[2]]
	if !ok {
		return (&reply{code: protocol.InvalidFlowID}).because("6.2", "flow-id", "no such flow")
	}
	refuse := func(c protocol.Code) *reply { return &reply{code: c, logFlow: f.ID} }
	if !s.callerAllowed(x, f) {
		return refuse(protocol.IPNotWhitelisted).because(ipNotWhitelisted())
	}
	payload, err := envelope.DecodeStrict(requestValue)
	if err != nil {
		return refuse(protocol.InvalidFormat).because("6.2", "requestValue", "not canonical standard base64")
	}
	opts := &envelope.SealOptions{Key: aesKey, Padding: s.padding}
	if s.fault.is(faultEncryptDataRandomKey) {
		opts.Key = ""
	}
	// Sealing the decoded bytes re-encodes them to requestValue exactly,
	// since DecodeStrict accepted only canonical base64.
	sealed, err := envelope.SealDetailed(payload, f.ID, &f.key.Load().PublicKey, opts)
	if err != nil {
		// The key string fits 4096 bits but not a smaller rotated key.
		return refuse(protocol.InvalidMandatoryParameters).because("6.2", "aesKey", "too long for the flow's current key")
	}
	return &reply{
		code: protocol.Success, logFlow: f.ID, flowID: f.ID,
		requestEncryptedValue:        sealed.RequestEncryptedValue,
		requestDigitalSignatureValue: sealed.RequestDigitalSignatureValue,
	}
}
