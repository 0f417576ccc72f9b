package refserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/testworld"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// TestRotationKeepsTheFlowsKeySize (SPEC.md 6.1, 7): without
// Options.KeyBits, generateKeyPair replaces a flow's key with one of the
// same size, and the world's profile states that size as rsa-key-bits:
// 4096 bits for the reference world, 2048 for testworld's.
func TestRotationKeepsTheFlowsKeySize(t *testing.T) {
	reference, err := refserver.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	if got := reference.Profile("http://127.0.0.1:1").Knobs.RSAKeyBits; got != envelope.FlowKeyBits {
		t.Errorf("the reference world's profile: rsa-key-bits %d, want %d", got, envelope.FlowKeyBits)
	}
	small, err := testworld.Load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got := small.Profile("http://127.0.0.1:1").Knobs.RSAKeyBits; got != testworld.KeyBits {
		t.Errorf("testworld's profile: rsa-key-bits %d, want %d", got, testworld.KeyBits)
	}
	srv, err := refserver.New(small, refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, ok := small.FlowByRole(profile.Role("rotatable", protocol.KindMulticast))
	if !ok {
		t.Fatal("testworld has no rotatable multicast flow")
	}
	body, _ := json.Marshal(map[string]string{"flow-id": f.ID, "security-id": f.SecurityID})
	req := httptest.NewRequest(http.MethodPost, protocol.PathGenerateKeyPair, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "127.0.0.1:40000" // on the account's whitelist
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var got struct {
		Code      protocol.Code `json:"api-response-code"`
		PublicKey string        `json:"public-key"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.Code != protocol.Success {
		t.Fatalf("generateKeyPair: %v\n%s", err, rec.Body.Bytes())
	}
	pub, err := envelope.ParsePublicKeyPEM([]byte(got.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	current, _ := srv.PublicKey(f.ID)
	if pub.N.BitLen() != testworld.KeyBits || !current.Equal(pub) || pub.Equal(f.PublicKey) {
		t.Errorf("rotated a %d-bit key to a %d-bit one (the server's current key is the new one: %v)", f.PublicKey.N.BitLen(), pub.N.BitLen(), current.Equal(pub))
	}
}
