package refserver

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRefusalsAreLoggedAtDebug: at debug level every refusal logs the rule
// of SPEC.md and the field at fault, and never a value: not the security id,
// the phone numbers, the client-identifier or the envelope.
func TestRefusalsAreLoggedAtDebug(t *testing.T) {
	var logs syncBuffer
	h := newHarness(t, Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	f := h.flow("healthy", protocol.KindMulticast)
	noTest := h.flow("no-testing-version", protocol.KindMulticast)
	const offWhitelist = "8123456789"
	pastCall := call()
	pastCall["start-time"] = "2020-01-01T10:00:00+05:30"
	cases := []struct {
		name   string
		send   func() *result
		code   protocol.Code
		status int
		want   string // the log's rule and field
	}{
		{"unknown path", func() *result { return h.post("/kairos-apis/nowhere", []byte(`{}`)) }, protocol.InvalidFormat, http.StatusNotFound, `rule=4.3 field=path why="no such endpoint"`},
		{"wrong security id", func() *result {
			return h.create(f, false, payload(f, func(p map[string]any) { p["security-id"] = strings.Repeat("0", 64) }))
		}, protocol.InvalidSecurityID, http.StatusOK, `rule=5.8 field=security-id why="not the flow's"`},
		{"missing api-version", func() *result {
			return h.create(f, true, payload(f, func(p map[string]any) { delete(p, "api-version") }))
		}, protocol.InvalidMandatoryParameters, http.StatusOK, `rule=5.5 field=api-version why=missing`},
		{"past start-time", func() *result {
			return h.create(f, false, payload(f, func(p map[string]any) { p["calls"] = []any{call(), pastCall} }))
		}, protocol.InvalidMandatoryParameters, http.StatusOK, `rule=5.12 field=calls[1].start-time`},
		{"TEST without a testing version", func() *result {
			return h.create(noTest, true, payload(noTest, func(p map[string]any) { p["api-version"] = "TEST" }))
		}, protocol.InvalidFlowVersion, http.StatusOK, `rule=5.9 field=api-version`},
		{"number off the test whitelist", func() *result {
			return h.create(f, true, payload(f, func(p map[string]any) {
				p["api-version"] = "TEST"
				p["calls"] = []any{call(offWhitelist)}
			}))
		}, protocol.PhoneNotWhitelisted, http.StatusOK, `rule=5.21 field=calls[0].contact-numbers`},
		{"sealed for another flow's key", func() *result {
			return h.post(createPath(f.Kind, true), seal(t, otherFlow(t, f), f.ID, payload(f)))
		}, protocol.InvalidFormat, http.StatusOK, `rule=5.4 field=requestDigitalSignatureValue why="the envelope does not open" stage="RSA decryption"`},
	}
	for _, c := range cases {
		r := c.send()
		r.expect(t, c.code, c.status)
		if !strings.Contains(logs.String(), "request-id="+r.body.RequestID) {
			t.Fatalf("%s: no log line for request %s", c.name, r.body.RequestID)
		}
		var line string
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "msg=refused") && strings.Contains(l, "request-id="+r.body.RequestID) {
				line = l
			}
		}
		if !strings.Contains(line, c.want) {
			t.Errorf("%s:\nExpected a debug line with: %s\nActual:   %q", c.name, c.want, line)
		}
	}
	out := logs.String()
	secrets := []string{f.SecurityID, noTest.SecurityID, offWhitelist, "7016225597", "cust-"}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the log holds %q:\n%s", s, out)
		}
	}
	var env map[string]string
	if err := json.Unmarshal(seal(t, f, f.ID, payload(f)), &env); err == nil && strings.Contains(out, env["requestEncryptedValue"][:20]) {
		t.Error("the log holds an envelope value")
	}
}

// TestNoRefusalLinesAboveDebug: at the default info level, refusals add no
// lines: one line per request.
func TestNoRefusalLinesAboveDebug(t *testing.T) {
	var logs syncBuffer
	h := newHarness(t, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	f := h.flow("healthy", protocol.KindMulticast)
	h.create(f, false, payload(f, func(p map[string]any) { p["security-id"] = "x" })).expect(t, protocol.InvalidSecurityID, http.StatusOK)
	if out := logs.String(); strings.Contains(out, "refused") || strings.Count(out, "\n") != 1 {
		t.Errorf("Expected one info line per request\nActual:\n%s", out)
	}
}
