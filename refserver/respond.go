package refserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// reply is an answer before faults and encoding are applied.
type reply struct {
	httpStatus int // 0: 200, the request was processed (spec section 4)
	code       protocol.Code
	message    string // "": the code's message
	allow      string // the Allow header of a 405
	closeConn  bool   // Connection: close (only under a fault)
	logFlow    string // the flow the request was about, for the log only
	why        refusal

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
	if s.fault.is(faultUpperCaseMessages) {
		msg = strings.ToUpper(msg)
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
			if s.fault.is(faultUpperCaseMessages) {
				cd.Message = strings.ToUpper(cd.Message)
			}
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
	if rep.closeConn {
		h.Set("Connection", "close")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp); err != nil {
		// Only our own types are encoded; this cannot happen, but a response
		// must still be JSON.
		buf.Reset()
		fmt.Fprintf(&buf, "{\"api-response-code\":%d,\"api-response-message\":%q}\n", int(protocol.Failure), protocol.Failure.Message())
	}
	h.Set("Content-Type", "application/json")
	if s.fault.is(faultContentTypeTextPlain) {
		h.Set("Content-Type", "text/plain; charset=utf-8")
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return status
}
