package refserver

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// reply is an answer before faults and encoding are applied.
type reply struct {
	httpStatus int // 0: 200, the request was processed (spec section 4)
	code       protocol.Code
	message    string // "": the code's message
	allow      string // the Allow header of a 405
	logFlow    string // the flow the request was about, for the log only

	flowID                       string
	publicKey                    string
	requestEncryptedValue        string
	requestDigitalSignatureValue string
	callDetails                  []callDetail
	data                         []pullRecord
}

// response is the JSON body; field order is the order clients see.
type response struct {
	Code                         protocol.Code `json:"api-response-code"`
	Message                      string        `json:"api-response-message"`
	RequestID                    string        `json:"request-id,omitempty"`
	FlowID                       string        `json:"flow-id,omitempty"`
	PublicKey                    string        `json:"public-key,omitempty"`
	RequestEncryptedValue        string        `json:"requestEncryptedValue,omitempty"`
	RequestDigitalSignatureValue string        `json:"requestDigitalSignatureValue,omitempty"`
	CallDetails                  []callDetail  `json:"call-details,omitempty"`
	Data                         []pullRecord  `json:"data,omitempty"`
}

// callDetail is one call's outcome: a phonon-uuid if accepted, its own
// code and message if refused (spec section 4, PARTIAL_SUCCESS).
type callDetail struct {
	ClientIdentifier string        `json:"client-identifier"`
	PhononUUID       string        `json:"phonon-uuid,omitempty"`
	Code             protocol.Code `json:"api-response-code,omitempty"`
	Message          string        `json:"api-response-message,omitempty"`
}

// write sends rep. Every response is JSON with a request-id header and body
// field; the Content-Type is set before the status is written.
func (s *Server) write(w http.ResponseWriter, x *exchange, rep *reply) (status int) {
	code := s.fault.code(rep.code)
	msg := rep.message
	if msg == "" || code != rep.code {
		msg = code.Message()
	}
	resp := response{
		Code: code, Message: msg, RequestID: x.requestID,
		FlowID: rep.flowID, PublicKey: rep.publicKey,
		RequestEncryptedValue:        rep.requestEncryptedValue,
		RequestDigitalSignatureValue: rep.requestDigitalSignatureValue,
		Data:                         rep.data,
	}
	for _, cd := range rep.callDetails {
		if cd.Code != 0 {
			cd.Code = s.fault.code(cd.Code)
			cd.Message = cd.Code.Message()
		}
		resp.CallDetails = append(resp.CallDetails, cd)
	}
	status = rep.httpStatus
	if status == 0 {
		status = http.StatusOK
	}
	if s.fault.is(faultMirrorHTTPStatus) {
		status = int(code)
	}
	h := w.Header()
	if s.fault.is(faultNoRequestID) {
		resp.RequestID = ""
	} else {
		h.Set("request-id", x.requestID)
	}
	if rep.allow != "" {
		h.Set("Allow", rep.allow)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp); err != nil {
		// Only our own types are encoded; this cannot happen, but a response
		// must still be JSON.
		buf.Reset()
		buf.WriteString(`{"api-response-code":500,"api-response-message":"Failure"}` + "\n")
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return status
}

// newUUID returns a random (version 4) UUID from crypto/rand: request ids
// and phonon-uuids must not be guessable, since the Pull API is keyed by them.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
