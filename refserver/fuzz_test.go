package refserver

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// fuzzPaths are the endpoints FuzzHandler feeds. generateKeyPair is left
// out: a body the fuzzer gets right would spend a second making a key.
var fuzzPaths = []string{
	protocol.PathEncMulticastCreate, protocol.PathEncDialerCreate, protocol.PathMulticastCreate, protocol.PathDialerCreate,
	protocol.PathEncryptData, protocol.PathPull, "/kairos-apis/nowhere",
}

// FuzzHandler: whatever the body, the handler does not panic (the server
// would recover and answer 500; its error log tells) and answers JSON with a
// defined code, a request-id and a section-4 HTTP status.
func FuzzHandler(f *testing.F) {
	w := testWorld(f)
	panics := &panicLog{}
	srv, err := New(w, Options{Now: func() time.Time { return testNow }, KeyBits: 2048, Logger: slog.New(panics)})
	if err != nil {
		f.Fatal(err)
	}
	healthy, _ := w.FlowByRole("healthy-multicast")
	dialer, _ := w.FlowByRole("healthy-dialer")
	f.Add(uint8(0), seal(f, healthy, healthy.ID, payload(healthy)))
	f.Add(uint8(1), seal(f, dialer, dialer.ID, payload(dialer, func(p map[string]any) {
		p["api-version"] = "TEST"
		p["calls"] = []any{call("+917016225597"), call("8123456789")}
	})))
	f.Add(uint8(2), payload(healthy))
	f.Add(uint8(3), payload(dialer, func(p map[string]any) { p["calls"] = []any{call("12345"), call()} }))
	f.Add(uint8(4), encryptDataBody("e30=", "abcd1234", healthy.ID))
	pullBody, _ := json.Marshal(map[string]any{"api-version": "2.0", "security-id": healthy.SecurityID, "flow-id": healthy.ID, "phonon-uuids": []string{"x"}})
	f.Add(uint8(5), pullBody)
	f.Add(uint8(6), []byte(`{}`))
	for _, body := range brokenEnvelopes(f, healthy) {
		f.Add(uint8(0), body)
	}
	for _, body := range [][]byte{nil, []byte(`null`), []byte(`{"calls":[{}]}`), []byte("{\"a\":\"\xff\"}"), []byte(`{"a":1}{}`)} {
		f.Add(uint8(2), body)
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := fuzzPaths[int(which)%len(fuzzPaths)]
		rec := serveDirect(srv, path, body)
		switch rec.Code {
		case http.StatusOK, http.StatusNotFound, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("HTTP %d", rec.Code)
		}
		var resp struct {
			Code      *protocol.Code `json:"api-response-code"`
			Message   string         `json:"api-response-message"`
			RequestID string         `json:"request-id"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp.Code == nil {
			t.Fatalf("not a JSON response with a code: %v\n%s", err, rec.Body.Bytes())
		}
		if !resp.Code.Valid() || resp.Message != resp.Code.Message() {
			t.Fatalf("undefined answer %d %q", int(*resp.Code), resp.Message)
		}
		if p := panics.last.Swap(nil); p != nil {
			t.Fatalf("the handler panicked (recovered as 500): %s", *p)
		}
		if rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("request-id") != resp.RequestID || resp.RequestID == "" {
			t.Fatalf("headers %v", rec.Header())
		}
	})
}

// panicLog catches the server's report of a recovered panic.
type panicLog struct{ last atomic.Pointer[string] }

func (l *panicLog) Enabled(_ context.Context, level slog.Level) bool { return level >= slog.LevelError }
func (l *panicLog) WithAttrs([]slog.Attr) slog.Handler               { return l }
func (l *panicLog) WithGroup(string) slog.Handler                    { return l }
func (l *panicLog) Handle(_ context.Context, r slog.Record) error {
	msg := r.Message
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "panic" {
			msg += ": " + a.Value.String()
		}
		return true
	})
	l.last.Store(&msg)
	return nil
}
