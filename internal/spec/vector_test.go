package spec_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// factRow is a row of section 3.8's table: "| AES-128 key | `6485...` |".
var factRow = regexp.MustCompile("^\\| ([^|`]+) \\| `([^`]+)` \\|$")

// TestVectorFactsAreTheFixture recomputes every fact section 3.8 states
// from fixtures/vectors/published-vector.json.
func TestVectorFactsAreTheFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "fixtures/vectors/published-vector.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		PayloadJSON string `json:"payload_json"`
		PayloadB64  string `json:"payload_b64"`
		AESKey      string `json:"aes_key"`
		AESKeyB64   string `json:"aes_key_b64"`
		DerivedHex  string `json:"derived_aes128_key_hex"`
		Encrypted   string `json:"requestEncryptedValue"`
		Signature   string `json:"requestDigitalSignatureValue"`
		FlowID      string `json:"flow-id"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	decoded := func(s string) []byte {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var payload struct {
		FlowID string `json:"flow-id"`
	}
	if err := json.Unmarshal([]byte(v.PayloadJSON), &payload); err != nil {
		t.Fatal(err)
	}
	if payload.FlowID != v.FlowID {
		t.Errorf("the fixture's payload names flow %s, its envelope %s", payload.FlowID, v.FlowID)
	}
	if got := base64.StdEncoding.EncodeToString([]byte(v.AESKey)); got != v.AESKeyB64 {
		t.Errorf("the fixture's aes_key_b64 %s is not base64(%q) %s", v.AESKeyB64, v.AESKey, got)
	}
	if got := hex.EncodeToString(envelope.DeriveAESKey(v.AESKey)); got != v.DerivedHex {
		t.Errorf("the fixture's derived key %s; envelope.DeriveAESKey gives %s", v.DerivedHex, got)
	}
	enc, sig := decoded(v.Encrypted), decoded(v.Signature)
	want := map[string]string{
		"payload JSON":          fmt.Sprintf("%d bytes, SHA-256 %s", len(v.PayloadJSON), sum([]byte(v.PayloadJSON))),
		"payload flow-id":       payload.FlowID,
		"payloadB64":            fmt.Sprintf("%d characters", len(v.PayloadB64)),
		"key string k":          v.AESKey,
		"keyB64":                v.AESKeyB64,
		"AES-128 key":           hex.EncodeToString(envelope.DeriveAESKey(v.AESKey)),
		"requestEncryptedValue": fmt.Sprintf("%d characters, %d bytes decoded, SHA-256 of the bytes %s", len(v.Encrypted), len(enc), sum(enc)),
		"requestDigitalSignatureValue": fmt.Sprintf("%d characters, %d bytes decoded, SHA-256 of the bytes %s",
			len(v.Signature), len(sig), sum(sig)),
	}
	got := map[string]string{}
	for _, line := range strings.Split(section(t, "3.8").Body, "\n") {
		if m := factRow.FindStringSubmatch(line); m != nil {
			got[m[1]] = m[2]
		}
	}
	for fact, w := range want {
		switch g, ok := got[fact]; {
		case !ok:
			t.Errorf("SPEC.md 3.8 states no %q; the fixture's is %s", fact, w)
		case g != w:
			t.Errorf("SPEC.md 3.8, %s:\nExpected: %s (from the fixture)\nActual:   %s", fact, w, g)
		}
	}
	for fact := range got {
		if _, ok := want[fact]; !ok {
			t.Errorf("SPEC.md 3.8 states %q, which this test does not check", fact)
		}
	}
}
