package certify

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// maxRecordedBody bounds a recorded request body: well over the spec's
// 256 KB limit, so an oversized body is still seen (and refused) whole.
const maxRecordedBody = 4 << 20

// Exchange is one request the client sent and the answer it got.
type Exchange struct {
	Method      string
	Path        string
	RawQuery    string
	Header      http.Header
	Body        []byte
	BodyTooLong bool // over maxRecordedBody: Body holds its beginning

	Status       int
	ResponseBody []byte
	Forced       bool // answered with a code the scenario chose
}

// Recorder is the http.Handler a client talks to. It records every request
// and answers it with the code a scenario forced, or by passing it to Next
// (the reference server), or, with no Next, with 200 SUCCESS. It is safe
// for concurrent use.
type Recorder struct {
	// Next answers requests when no code is forced; nil answers 200.
	Next http.Handler

	mu           sync.Mutex
	next         http.Handler // replaces Next once SetNext is called
	nextSet      bool
	forced       protocol.Code
	forcedStatus int
	clientIDs    []string
	exchanges    []*Exchange // complete: answered
	inflight     int
}

// takeWait bounds how long Take waits for requests still being answered: a
// client may exit as soon as it has read the body, before the handler has
// returned.
const takeWait = 5 * time.Second

// Force makes the recorder answer every later request with code, listing
// clientIDs (the calls of the payload the client was given) in
// call-details where the code's body has them. Code 0 stops forcing.
func (r *Recorder) Force(code protocol.Code, clientIDs []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forced, r.forcedStatus, r.clientIDs = code, http.StatusOK, clientIDs
}

// ForceHTTP is Force with an HTTP status other than 200: the answers the
// spec gives for an unknown path (404), a wrong method (405), a body over
// the limit (413) or a wrong content type (415), each with a JSON body.
func (r *Recorder) ForceHTTP(status int, code protocol.Code, clientIDs []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forced, r.forcedStatus, r.clientIDs = code, status, clientIDs
}

// SetNext replaces Next, safely while the recorder serves.
func (r *Recorder) SetNext(h http.Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next, r.nextSet = h, true
}

// Take returns the exchanges answered since the last Take, once the
// requests still being answered are done (or takeWait has passed).
func (r *Recorder) Take() []*Exchange {
	deadline := time.Now().Add(takeWait)
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.inflight > 0 && time.Now().Before(deadline) {
		r.mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		r.mu.Lock()
	}
	out := r.exchanges
	r.exchanges = nil
	return out
}

func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	forced, status, clientIDs := r.forced, r.forcedStatus, r.clientIDs
	next := r.Next
	if r.nextSet {
		next = r.next
	}
	r.inflight++
	r.mu.Unlock()
	body, err := io.ReadAll(io.LimitReader(req.Body, maxRecordedBody+1))
	ex := &Exchange{
		Method:   req.Method,
		Path:     req.URL.Path,
		RawQuery: req.URL.RawQuery,
		Header:   req.Header.Clone(),
		Body:     body,
	}
	if len(body) > maxRecordedBody {
		ex.Body, ex.BodyTooLong = body[:maxRecordedBody], true
	}

	rec := &capture{ResponseWriter: w, status: http.StatusOK}
	defer func() { // even if Next panics (net/http recovers it)
		ex.Status, ex.ResponseBody = rec.status, rec.body.Bytes()
		r.mu.Lock()
		r.exchanges = append(r.exchanges, ex)
		r.inflight--
		r.mu.Unlock()
	}()
	switch {
	case err != nil || ex.BodyTooLong:
		// A body we could not read whole cannot be passed on.
		writeKairos(rec, http.StatusRequestEntityTooLarge, protocol.InvalidFormat, nil)
	case forced != 0:
		ex.Forced = true
		writeKairos(rec, status, forced, clientIDs)
	case next != nil:
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		next.ServeHTTP(rec, req)
	default:
		writeKairos(rec, http.StatusOK, protocol.Success, clientIDs)
	}
}

// capture is a ResponseWriter that keeps a copy of what it writes.
type capture struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (c *capture) WriteHeader(status int) {
	if !c.wroteHeader {
		c.status, c.wroteHeader = status, true
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *capture) Write(p []byte) (int, error) {
	c.wroteHeader = true
	if c.body.Len() < MaxResponseBytes {
		c.body.Write(p)
	}
	return c.ResponseWriter.Write(p)
}

// forcedBody is a well-formed Kairos answer (spec section 4) for code.
type forcedBody struct {
	Code        protocol.Code `json:"api-response-code"`
	Message     string        `json:"api-response-message"`
	RequestID   string        `json:"request-id"`
	CallDetails []callDetail  `json:"call-details,omitempty"`
}

type callDetail struct {
	ClientIdentifier string        `json:"client-identifier"`
	PhononUUID       string        `json:"phonon-uuid,omitempty"`
	Code             protocol.Code `json:"api-response-code,omitempty"`
	Message          string        `json:"api-response-message,omitempty"`
}

// writeKairos answers with code the way the reference server does: a JSON
// body with the code, its message and a request-id (also a header). 200
// and 209 list the calls, 209 accepting only the first; 205 and 402 refuse
// every call with that code.
func writeKairos(w http.ResponseWriter, status int, code protocol.Code, clientIDs []string) {
	b := forcedBody{Code: code, Message: code.Message(), RequestID: uuid.NewString()}
	for i, id := range clientIDs {
		d := callDetail{ClientIdentifier: id}
		switch {
		case code == protocol.Success || code == protocol.PartialSuccess && i == 0:
			d.PhononUUID = uuid.NewString()
		case code == protocol.PartialSuccess:
			d.Code, d.Message = protocol.InvalidContactNumber, protocol.InvalidContactNumber.Message()
		case code == protocol.InvalidContactNumber || code == protocol.PhoneNotWhitelisted:
			d.Code, d.Message = code, code.Message()
		default:
			continue
		}
		b.CallDetails = append(b.CallDetails, d)
	}
	data, _ := json.Marshal(b)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("request-id", b.RequestID)
	if status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	w.WriteHeader(status)
	w.Write(data)
}
