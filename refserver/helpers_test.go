package refserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// testNow is the tests' clock: start-times are on the next day.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const tomorrow = "2026-06-02T10:00:00+05:30"

var (
	worldOnce sync.Once
	world     *World
	worldErr  error
)

// testWorld loads the reference world once; servers never change it.
func testWorld(t testing.TB) *World {
	t.Helper()
	worldOnce.Do(func() {
		var path string
		if path, worldErr = FindWorld(); worldErr == nil {
			world, worldErr = LoadWorld(path)
		}
	})
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return world
}

// harness is one reference server behind a real HTTP listener.
type harness struct {
	t     testing.TB
	world *World
	srv   *Server
	http  *httptest.Server
}

func newHarness(t testing.TB, opts Options) *harness {
	t.Helper()
	w := testWorld(t)
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	if opts.KeyBits == 0 {
		opts.KeyBits = 2048
	}
	srv, err := New(w, opts)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, world: w, srv: srv, http: httptest.NewServer(srv)}
	t.Cleanup(h.http.Close)
	return h
}

// flow returns the flow playing condition-kind.
func (h *harness) flow(condition, kind string) *Flow {
	h.t.Helper()
	f, ok := h.world.FlowByRole(profile.Role(condition, kind))
	if !ok {
		h.t.Fatalf("the reference world has no %s flow", profile.Role(condition, kind))
	}
	return f
}

// result is a response as a test sees it.
type result struct {
	status int
	header http.Header
	closed bool // the server closes the connection (Go moves Connection: close here)
	raw    []byte
	body   struct {
		Code        protocol.Code `json:"api-response-code"`
		Message     string        `json:"api-response-message"`
		RequestID   string        `json:"request-id"`
		FlowID      string        `json:"flow-id"`
		PublicKey   string        `json:"public-key"`
		EncValue    string        `json:"requestEncryptedValue"`
		SigValue    string        `json:"requestDigitalSignatureValue"`
		CallDetails []struct {
			ClientIdentifier string        `json:"client-identifier"`
			PhononUUID       string        `json:"phonon-uuid"`
			Code             protocol.Code `json:"api-response-code"`
			Message          string        `json:"api-response-message"`
		} `json:"call-details"`
		Data []map[string]any `json:"data"`
	}
}

func (h *harness) post(path string, body []byte) *result {
	h.t.Helper()
	return h.do(http.MethodPost, path, body, map[string]string{"Content-Type": "application/json"})
}

func (h *harness) do(method, path string, body []byte, headers map[string]string) *result {
	h.t.Helper()
	req, err := http.NewRequest(method, h.http.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := h.http.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	r := &result{status: resp.StatusCode, header: resp.Header, closed: resp.Close}
	if r.raw, err = io.ReadAll(resp.Body); err != nil {
		h.t.Fatal(err)
	}
	if err := json.Unmarshal(r.raw, &r.body); err != nil {
		h.t.Fatalf("%s %s: response is not JSON: %v\n%s", method, path, err, r.raw)
	}
	return r
}

// expect checks the code and what every response must carry (spec section 4).
func (r *result) expect(t testing.TB, code protocol.Code, httpStatus int) {
	t.Helper()
	if r.body.Code != code || r.status != httpStatus {
		t.Fatalf("got HTTP %d, %s (%q); want HTTP %d, %s\n%s", r.status, r.body.Code, r.body.Message, httpStatus, code, r.raw)
	}
	if r.body.Message != code.Message() {
		t.Errorf("message %q, want %q", r.body.Message, code.Message())
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if id := r.header.Get("request-id"); id == "" || id != r.body.RequestID {
		t.Errorf("request-id header %q, body %q", id, r.body.RequestID)
	}
}

var clientSeq atomic.Int64

// call is one entry of a payload's calls, with a fresh client-identifier so
// that payloads differ unless a test wants a repeat.
func call(numbers ...string) map[string]any {
	if len(numbers) == 0 {
		numbers = []string{"7016225597"}
	}
	return map[string]any{
		"client-identifier": fmt.Sprintf("cust-%04d", clientSeq.Add(1)),
		"start-time":        tomorrow,
		"contact-numbers":   numbers,
		"keys":              []any{map[string]any{"name": "$flow.key.Name", "value": "Asha"}},
	}
}

// payload is a valid inner payload for f; mutate edits it before encoding.
func payload(f *Flow, mutate ...func(p map[string]any)) []byte {
	p := map[string]any{
		"api-version": "1.0",
		"security-id": f.SecurityID,
		"flow-id":     f.ID,
		"calls":       []any{call()},
	}
	for _, m := range mutate {
		m(p)
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}

// seal wraps payload in an envelope for f's world key, naming outerID.
func seal(t testing.TB, f *Flow, outerID string, payload []byte) []byte {
	t.Helper()
	env, err := envelope.Seal(payload, outerID, f.PublicKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func createPath(kind string, encrypted bool) string {
	switch {
	case kind == protocol.KindMulticast && encrypted:
		return protocol.PathEncMulticastCreate
	case kind == protocol.KindMulticast:
		return protocol.PathMulticastCreate
	case encrypted:
		return protocol.PathEncDialerCreate
	default:
		return protocol.PathDialerCreate
	}
}

// create sends payload for f to the create endpoint of f's kind.
func (h *harness) create(f *Flow, encrypted bool, payload []byte) *result {
	h.t.Helper()
	body := payload
	if encrypted {
		body = seal(h.t, f, f.ID, payload)
	}
	return h.post(createPath(f.Kind, encrypted), body)
}

var kinds = []string{protocol.KindMulticast, protocol.KindDialer}

func modeName(encrypted bool) string {
	if encrypted {
		return "encrypted"
	}
	return "plain"
}

// serveDirect calls the handler without a listener, as a loopback caller.
func serveDirect(srv http.Handler, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "127.0.0.1:40000"
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

func decodeCode(t testing.TB, body []byte) protocol.Code {
	t.Helper()
	var r struct {
		Code protocol.Code `json:"api-response-code"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	return r.Code
}
