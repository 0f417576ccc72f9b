package certify

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

func sealedExchange(body []byte, contentType string) *Exchange {
	return &Exchange{Method: "POST", Path: protocol.PathEncMulticastCreate, Header: http.Header{"Content-Type": {contentType}}, Body: body,
		ResponseBody: []byte(`{"api-response-code":200,"api-response-message":"Success"}`)}
}

func TestInspectChecks(t *testing.T) {
	priv, err := envelope.LoadPrivateKey("../../fixtures/keys/TEST-ONLY-rsa2048_private.key")
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"api-version":"1.0","calls":[]}`)
	seal := func(key string) []byte {
		env, err := envelope.Seal(payload, "HealthM1", &priv.PublicKey, &envelope.SealOptions{Key: key})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(env)
		return body
	}
	good := Inspect(sealedExchange(seal(""), "application/json; charset=UTF-8"), priv, envelope.PKCS1v15)
	for name, err := range map[string]error{
		"http": good.CheckHTTP(protocol.PathEncMulticastCreate), "fields": good.CheckFields("HealthM1"), "opens": good.CheckOpens(),
		"bytes": good.CheckPayload(payload),
		"key":   good.CheckKeyString(), "fresh": good.CheckKeyFresh(),
		"output": good.CheckOutput([]byte("\n{ \"api-response-message\": \"Success\", \"api-response-code\": 200 }\r\n")),
	} {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}

	// Headers the spec does not ask for are tolerated, not judged.
	extraHeaders := sealedExchange(seal(""), "application/json")
	for name, v := range map[string]string{"User-Agent": "acme-kairos/2.4", "Accept": "*/*", "Accept-Encoding": "gzip",
		"Authorization": "Bearer x", "X-Request-Id": "r-1", "Expect": "100-continue", "Transfer-Encoding": "chunked", "Connection": "close"} {
		extraHeaders.Header.Set(name, v)
	}
	if err := Inspect(extraHeaders, priv, envelope.PKCS1v15).CheckHTTP(protocol.PathEncMulticastCreate); err != nil {
		t.Errorf("extra headers: %v", err)
	}

	wantFail := func(name string, err error, mistake, text string) {
		t.Helper()
		f, ok := err.(*Finding)
		if !ok || f.Mistake != mistake || !strings.Contains(f.Error(), text) {
			t.Errorf("%s: got %v, want %s saying %q", name, err, mistake, text)
		}
	}
	wantFail("content type", Inspect(sealedExchange(seal(""), "text/plain"), priv, envelope.PKCS1v15).CheckHTTP(protocol.PathEncMulticastCreate),
		"http", `its Content-Type is "text/plain"`)
	wantFail("charset", Inspect(sealedExchange(seal(""), "application/json; charset=latin1"), priv, envelope.PKCS1v15).CheckHTTP(protocol.PathEncMulticastCreate),
		"http", `charset "latin1"`)
	wantFail("path", good.CheckHTTP(protocol.PathEncDialerCreate), "http", `the path is "/kairos-apis/enc/outbound/create"`)
	wantFail("flow id", good.CheckFields("HealthD1"), "flow-id", `must be "HealthD1"`)
	wantFail("bytes", good.CheckPayload([]byte(`{"api-version": "1.0","calls":[]}`)), "payload-reserialised",
		"re-spaced (the file is on one line with a space after each colon, the sealed payload is compact with no whitespace)")
	wantFail("bytes", good.CheckPayload([]byte(`{"api-version": "1.0","calls":[]}`)), "payload-reserialised", "they part at byte 15")
	wantFail("json", good.CheckPayload([]byte(`{"api-version":"TEST","calls":[]}`)), "payload-json-differs", "it sealed a different JSON value")
	wantFail("short key", Inspect(sealedExchange(seal("abcd1234"), "application/json"), priv, envelope.PKCS1v15).CheckKeyString(),
		"key-too-short", "at least 16 random bytes")
	wantFail("output", good.CheckOutput([]byte(`{"api-response-code":400}`)), "output-differs", `the client printed "{\"api-response-code\":400}"`)

	var extra map[string]any
	json.Unmarshal(seal(""), &extra)
	extra["signature"] = "x"
	body, _ := json.Marshal(extra)
	in := Inspect(sealedExchange(body, "application/json"), priv, envelope.PKCS1v15)
	wantFail("unknown field", in.CheckFields("HealthM1"), "body-fields", `it also has "signature"`)
	if in.CheckOpens() != nil {
		t.Errorf("an envelope with an extra field should still open: %v", in.CheckOpens())
	}
	wantFail("not json", Inspect(sealedExchange([]byte("requestEncryptedValue=abc"), "application/json"), priv, envelope.PKCS1v15).CheckOpens(),
		"body-not-json", "it is not one")
}

func TestLoadClientRequest(t *testing.T) {
	dir := t.TempDir()
	pub, err := os.ReadFile("../../fixtures/keys/TEST-ONLY-rsa2048_public.key")
	if err != nil {
		t.Fatal(err)
	}
	keyFile, payloadFile := filepath.Join(dir, "k.pem"), filepath.Join(dir, "p.json")
	os.WriteFile(keyFile, pub, 0o644)
	os.WriteFile(payloadFile, []byte(`{}`), 0o644)
	env := map[string]string{EnvBaseURL: "http://127.0.0.1:1/", EnvEndpoint: protocol.PathEncDialerCreate, EnvFlowID: "HealthD1",
		EnvPublicKeyFile: keyFile, EnvPayloadFile: payloadFile, EnvRSAPadding: "oaep-sha256", EnvTimeout: "2.5"}
	req, err := LoadClientRequest(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if req.URL != "http://127.0.0.1:1"+protocol.PathEncDialerCreate || req.FlowID != "HealthD1" || req.Padding != envelope.OAEPSHA256 ||
		req.Timeout != 2500*time.Millisecond || string(req.Payload) != "{}" || req.PublicKey == nil {
		t.Errorf("request %+v", req)
	}
	env[EnvRSAPadding] = "oaep"
	if _, err := LoadClientRequest(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "KAIROS_RSA_PADDING") {
		t.Errorf("bad padding: %v", err)
	}
}
