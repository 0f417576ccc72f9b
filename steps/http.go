package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/callbudget"
	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/netfault"
	"github.com/kairos-conformance/kairos-conformance/internal/safetext"
)

// exchange is one HTTP request and what came back.
type exchange struct {
	req       outgoing    // what was sent (its method filled in)
	reqHeader http.Header // the headers as sent
	calls     []string    // the client-identifiers of req.payload, in order

	status int
	header http.Header
	// closed: the server ends the connection after this answer (Go's
	// client takes Connection: close out of the header and reports it here).
	closed bool
	body   []byte
	// json says body is valid JSON (gjson.ValidBytes), decided once when
	// the answer was read (readAnswer, shed) rather than by each check
	// that needs it: a hostile answer is up to a MiB, and several checks
	// read each one. jsonKnown is false where nobody decided it.
	json, jsonKnown bool
	err             error
	took            time.Duration
	// shedFrom is the size of an answer of a batch that was shed (see
	// shed), 0 when body is the whole answer; digest then stands for it.
	shedFrom int
	digest   string
}

// outgoing describes a request before it is sent.
type outgoing struct {
	method      string // "" is POST
	path        string
	body        []byte
	contentType *string // nil: application/json; "": no Content-Type header
	header      map[string]string
	// payload is the create payload the request carries: inside the
	// envelope when encrypted, else the body (or, for a malformed body,
	// the payload it was made from). Nil for other requests.
	payload   []byte
	encrypted bool
	// sealed is the envelope as the harness sealed it, before any
	// malformation (nil when nothing was sealed).
	sealed *envelope.Sealed
	// label says what a request of a batch is, for the evidence.
	label string
	// minTimeout, when longer than the run's request timeout, is this
	// request's deadline (generateKeyPair: protocol.KeyGenerationTimeout).
	minTimeout time.Duration
	// reserved is this request's part of the calls its batch reserved
	// together (sendBatch, atOnce); nil: the request reserves its own.
	reserved *callbudget.Reservation
}

// newExchange is o about to be sent: its method and headers filled in.
func newExchange(o outgoing) *exchange {
	if o.method == "" {
		o.method = http.MethodPost
	}
	x := &exchange{req: o, reqHeader: http.Header{}}
	if o.payload != nil {
		x.calls = clientIDs(o.payload)
	}
	ct := "application/json"
	if o.contentType != nil {
		ct = *o.contentType
	}
	if ct != "" {
		x.reqHeader.Set("Content-Type", ct)
	}
	x.reqHeader.Set("User-Agent", "kairos-conformance")
	for k, v := range o.header {
		x.reqHeader.Set(k, v)
	}
	return x
}

func (s *Suite) roundTrip(ctx context.Context, o outgoing) *exchange {
	x := newExchange(o)
	o = x.req
	reservation, err := s.admit(ctx, o)
	if err != nil {
		x.err = err
		return x
	}
	defer s.settle(reservation, x)
	defer s.finish(ctx, x) // the scenario's context, not the request's
	timeout := max(s.timeout, o.minTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, o.method, s.base.String()+o.path, bytes.NewReader(o.body))
	if err != nil {
		x.err = err
		return x
	}
	req.Header = x.reqHeader.Clone()
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		x.err, x.took = err, time.Since(start)
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil && context.Cause(ctx) == context.DeadlineExceeded {
			x.err = &netfault.DeadlineError{After: timeout, Err: err}
		}
		return x
	}
	defer resp.Body.Close()
	x.status, x.header, x.closed = resp.StatusCode, resp.Header, resp.Close
	readAnswer(x, resp)
	x.took = time.Since(start)
	return x
}

// attachExchange attaches request, response and (for encrypted requests)
// the inner payload.
func (st *scenario) attachExchange(x *exchange) {
	st.attach(evidence.AttachRequest, dumpRequest(x))
	if x.req.encrypted && x.req.payload != nil {
		st.attach(evidence.AttachPayload, dumpBody(x.req.payload, true))
	}
	st.attach(evidence.AttachResponse, dumpResponse(x))
}

func dumpRequest(x *exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", x.req.method, x.req.path)
	dumpHeader(&b, x.reqHeader)
	b.WriteString("\n")
	b.WriteString(dumpBody(x.req.body, false))
	return b.String()
}

func dumpResponse(x *exchange) string {
	var b strings.Builder
	if x.err != nil && x.status == 0 {
		fmt.Fprintf(&b, "no response after %s: %s\n", x.took.Round(time.Millisecond), transportError(x))
		return b.String()
	}
	fmt.Fprintf(&b, "HTTP %d %s (%s)\n", x.status, http.StatusText(x.status), x.took.Round(time.Millisecond))
	dumpHeader(&b, x.header)
	if x.closed {
		b.WriteString("Connection: close\n")
	}
	b.WriteString("\n")
	b.WriteString(dumpBody(x.body, false))
	if x.err != nil {
		fmt.Fprintf(&b, "\n(%s)", transportError(x))
	}
	if x.shedFrom > 0 {
		fmt.Fprintf(&b, "\n(of an answer of %d bytes, only the members up to %d bytes were kept: %s)", x.shedFrom, keptMember, x.digest)
	}
	return b.String()
}

func dumpHeader(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		if k == "Date" || k == "Content-Length" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
}

// dumpBody shows a body as text, long envelope fields shortened; pretty
// indents JSON.
func dumpBody(body []byte, pretty bool) string {
	if len(body) == 0 {
		return "(empty body)"
	}
	if !utf8.Valid(body) {
		return fmt.Sprintf("(%d bytes, not valid UTF-8: invalid bytes shown as \\xNN)\n%s", len(body), evidence.ShortenEnvelope(safetext.Bytes(body)))
	}
	if pretty && gjson.ValidBytes(body) {
		var buf bytes.Buffer
		if err := json.Indent(&buf, body, "", "  "); err == nil {
			body = buf.Bytes()
		}
	}
	return evidence.ShortenEnvelope(string(body))
}

// summary is one line about an exchange, for failures and batch evidence.
func (x *exchange) summary() string {
	if x == nil {
		return "(no request was sent)"
	}
	if x.status == 0 {
		return fmt.Sprintf("%s %s -> no response: %s", x.req.method, x.req.path, transportError(x))
	}
	s := fmt.Sprintf("%s %s -> HTTP %d", x.req.method, x.req.path, x.status)
	if x.err != nil {
		return s + ", but " + transportError(x)
	}
	if code := gjson.GetBytes(x.body, "api-response-code"); code.Exists() {
		s += ", api-response-code " + code.Raw
	}
	if id := gjson.GetBytes(x.body, "request-id"); id.Exists() {
		s += ", request-id " + id.Str
	}
	return s
}

// brief is an exchange's answer in a few words: HTTP status, code, message.
func (x *exchange) brief() string {
	if x.status == 0 {
		return fmt.Sprintf("no response: %s", transportError(x))
	}
	if x.err != nil {
		return fmt.Sprintf("HTTP %d, but %s", x.status, transportError(x))
	}
	return fmt.Sprintf("HTTP %d, %s %s", x.status, gjson.GetBytes(x.body, "api-response-code").Raw, gjson.GetBytes(x.body, "api-response-message").Raw)
}
