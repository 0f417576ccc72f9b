package refserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// TestTransport: spec section 4's HTTP statuses, each with a JSON body
// whose code is 400, checked in the order path, method, type, size.
func TestTransport(t *testing.T) {
	h := newHarness(t, Options{})
	f := h.flow("healthy", protocol.KindMulticast)
	ok := payload(f)
	json := map[string]string{"Content-Type": "application/json"}
	cases := []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		body    []byte
		status  int
		code    protocol.Code
	}{
		{"unknown path", "POST", "/kairos-apis/outbound/creat", json, ok, 404, protocol.InvalidFormat},
		{"unknown path and method", "GET", "/", nil, nil, 404, protocol.InvalidFormat},
		{"trailing slash", "POST", protocol.PathMulticastCreate + "/", json, ok, 404, protocol.InvalidFormat},
		{"GET", "GET", protocol.PathMulticastCreate, nil, nil, 405, protocol.InvalidFormat},
		{"PUT with a body", "PUT", protocol.PathEncDialerCreate, json, ok, 405, protocol.InvalidFormat},
		{"no content type", "POST", protocol.PathMulticastCreate, nil, ok, 415, protocol.InvalidFormat},
		{"text/plain", "POST", protocol.PathMulticastCreate, map[string]string{"Content-Type": "text/plain"}, ok, 415, protocol.InvalidFormat},
		{"latin1", "POST", protocol.PathMulticastCreate, map[string]string{"Content-Type": "application/json; charset=iso-8859-1"}, ok, 415, protocol.InvalidFormat},
		{"utf-8 in capitals", "POST", protocol.PathMulticastCreate, map[string]string{"Content-Type": "application/json; charset=UTF-8"}, ok, 200, protocol.Success},
		{"too large", "POST", protocol.PathMulticastCreate, json, padTo(ok, protocol.MaxBodyBytes+1), 413, protocol.InvalidFormat},
		{"exactly the limit", "POST", protocol.PathMulticastCreate, json, padTo(payload(f), protocol.MaxBodyBytes), 200, protocol.Success},
		{"too large and the wrong type", "POST", protocol.PathMulticastCreate, nil, padTo(ok, protocol.MaxBodyBytes+1), 415, protocol.InvalidFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.do(c.method, c.path, c.body, c.headers)
			r.expect(t, c.code, c.status)
			if c.status == 405 && r.header.Get("Allow") != "POST" {
				t.Errorf("Allow %q", r.header.Get("Allow"))
			}
		})
	}
	t.Run("too large without Content-Length", func(t *testing.T) {
		body := io.MultiReader(bytes.NewReader(padTo(payload(f), protocol.MaxBodyBytes+1))) // hides the length: chunked
		req, _ := http.NewRequest("POST", h.http.URL+protocol.PathMulticastCreate, body)
		req.Header.Set("Content-Type", "application/json")
		resp, err := h.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 413 || decodeCode(t, raw) != protocol.InvalidFormat || req.ContentLength != 0 {
			t.Errorf("HTTP %d %s (request Content-Length %d)", resp.StatusCode, raw, req.ContentLength)
		}
	})
}

// padTo appends JSON whitespace to reach n bytes.
func padTo(b []byte, n int) []byte {
	return append(append([]byte(nil), b...), bytes.Repeat([]byte(" "), n-len(b))...)
}

// stageLog records the stage of each envelope that fails to open.
type stageLog struct {
	mu     sync.Mutex
	stages map[string]bool
}

func (l *stageLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *stageLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *stageLog) WithGroup(string) slog.Handler            { return l }
func (l *stageLog) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "stage" {
			l.mu.Lock()
			l.stages[a.Value.String()] = true
			l.mu.Unlock()
		}
		return true
	})
	return nil
}

// brokenEnvelopes fails every stage of opening, plus rule 1, for flow f.
func brokenEnvelopes(t testing.TB, f *Flow) map[string][]byte {
	t.Helper()
	good, err := envelope.SealDetailed(payload(f), f.ID, f.PublicKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString
	aes := envelope.DeriveAESKey(good.Key)
	rsaOf := func(msg string) string {
		v, err := rsa.EncryptPKCS1v15(rand.Reader, f.PublicKey, []byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		return b64(v)
	}
	ecb := func(plain string) string {
		c, err := envelope.EncryptECB(aes, []byte(plain))
		if err != nil {
			t.Fatal(err)
		}
		return b64(c)
	}
	badPad := bytes.Repeat([]byte{'A'}, 32)
	badPad[31] = 0
	if err := envelope.EncryptBlocks(aes, badPad); err != nil {
		t.Fatal(err)
	}
	notUnderModulus := make([]byte, f.PublicKey.Size())
	rand.Read(notUnderModulus[1:])
	env := func(enc, sig string) []byte {
		b, _ := json.Marshal(envelope.Envelope{RequestEncryptedValue: enc, RequestDigitalSignatureValue: sig, FlowID: f.ID})
		return b
	}
	sig, enc := good.RequestDigitalSignatureValue, good.RequestEncryptedValue
	return map[string][]byte{
		"rule 1: not JSON":                       []byte(`{"requestEncryptedValue":`),
		"rule 1: an array":                       []byte(`[]`),
		"rule 1: missing field":                  []byte(`{"requestEncryptedValue":"` + enc + `","flow-id":"` + f.ID + `"}`),
		"rule 1: a field not a string":           []byte(`{"requestEncryptedValue":1,"requestDigitalSignatureValue":"` + sig + `","flow-id":"` + f.ID + `"}`),
		"rule 1: duplicate key":                  []byte(`{"flow-id":"` + f.ID + `",` + string(env(enc, sig))[1:]),
		"encrypted value base64":                 env(enc+"\n", sig),
		"signature value base64":                 env(enc, strings.TrimRight(sig, "=")),
		"RSA value length":                       env(enc, b64(make([]byte, f.PublicKey.Size()-1))),
		"RSA decryption":                         env(enc, b64(notUnderModulus)),
		"key string not base64":                  env(enc, rsaOf("not base64!")),
		"AES length":                             env(b64(make([]byte, 15)), sig),
		"AES padding":                            env(b64(badPad), sig),
		"payload base64":                         env(ecb("not base64!"), sig),
		"payload JSON":                           env(ecb(b64([]byte(`[1]`))), sig),
		"payload JSON with a duplicate key":      env(ecb(b64([]byte(`{"a":1,"a":2}`))), sig),
		"payload JSON with trailing data":        env(ecb(b64([]byte(`{} {}`))), sig),
		"payload JSON with invalid UTF-8":        env(ecb(b64([]byte("{\"a\":\"\xff\"}"))), sig),
		"sealed for another flow's key":          seal(t, otherFlow(t, f), f.ID, payload(f)),
		"signature of another envelope (no key)": env(enc, rsaOf("")),
	}
}

func otherFlow(t testing.TB, f *Flow) *Flow {
	o, _ := testWorld(t).FlowByRole(profile.Role("rotatable", f.Kind))
	return o
}

// TestUniformInvalidFormat: however an envelope fails to open, the answer
// is the same 400: code, message, headers and body, all but request-id.
func TestUniformInvalidFormat(t *testing.T) {
	log := &stageLog{stages: map[string]bool{}}
	h := newHarness(t, Options{Logger: slog.New(log)})
	f := h.flow("healthy", protocol.KindDialer)
	var first *result
	var firstName string
	for name, body := range brokenEnvelopes(t, f) {
		r := h.post(protocol.PathEncDialerCreate, body)
		r.expect(t, protocol.InvalidFormat, http.StatusOK)
		if first == nil {
			first, firstName = r, name
			continue
		}
		if got, want := normalize(r), normalize(first); got != want {
			t.Errorf("%s answers differently from %s:\n%s\n%s", name, firstName, got, want)
		}
	}
	// Every stage was reached, so the sameness above means something.
	for s := envelope.StageEncryptedValueBase64; s <= envelope.StagePayloadJSON; s++ {
		if !log.stages[s.String()] {
			t.Errorf("no request failed at stage %q", s)
		}
	}
}

// normalize renders a response without what may differ: request-id, Date.
func normalize(r *result) string {
	h := r.header.Clone()
	h.Del("Date")
	h.Del("Request-Id")
	var buf bytes.Buffer
	h.Write(&buf)
	return buf.String() + strings.ReplaceAll(string(r.raw), r.body.RequestID, "ID")
}

// TestOpenMatchesEnvelope holds openEnvelope to envelope.OpenDetailed's
// verdict and stage on every broken envelope and on a good one.
func TestOpenMatchesEnvelope(t *testing.T) {
	h := newHarness(t, Options{})
	f := h.flow("healthy", protocol.KindMulticast)
	cases := brokenEnvelopes(t, f)
	cases["good"] = seal(t, f, f.ID, payload(f))
	for name, body := range cases {
		env, ok := h.srv.parseEnvelope(body)
		if !ok {
			continue // rule 1, not an opening stage
		}
		_, _, stage := h.srv.openEnvelope(env, f.PrivateKey)
		_, err := envelope.OpenDetailed(env, f.PrivateKey, envelope.PKCS1v15)
		if want := envelope.StageOf(err); stage != want || (err == nil) != (stage == 0) {
			t.Errorf("%s: server stage %v, envelope.OpenDetailed %v (%v)", name, stage, want, err)
		}
	}
}

// TestPanicRecovered: a panic is answered HTTP 200, body 500 FAILURE, and
// the server goes on serving.
func TestPanicRecovered(t *testing.T) {
	h := newHarness(t, Options{Fault: mustFault(t, faultPanicOnCreate)})
	f := h.flow("healthy", protocol.KindMulticast)
	h.create(f, false, payload(f)).expect(t, protocol.Failure, http.StatusOK)
	h.create(f, true, payload(f)).expect(t, protocol.Failure, http.StatusOK)
	h.post(protocol.PathPull, []byte(`{}`)).expect(t, protocol.InvalidMandatoryParameters, http.StatusOK)
}

// TestForwardedForIgnored: the IP check uses the socket, not headers.
func TestForwardedForIgnored(t *testing.T) {
	h := newHarness(t, Options{})
	f := h.flow("ip-not-whitelisted", protocol.KindMulticast)
	for _, header := range []string{"X-Forwarded-For", "X-Real-IP", "Forwarded"} {
		v := "203.0.113.7"
		if header == "Forwarded" {
			v = "for=203.0.113.7"
		}
		r := h.do("POST", protocol.PathEncMulticastCreate, seal(t, f, f.ID, payload(f)), map[string]string{"Content-Type": "application/json", header: v})
		r.expect(t, protocol.IPNotWhitelisted, http.StatusOK)
	}
}

func mustFault(t testing.TB, name string) Fault {
	t.Helper()
	f, err := ParseFault(name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
