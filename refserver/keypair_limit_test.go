package refserver

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// TestKeyGenerationWaitsForASlot: with every key-generation slot taken, a
// rotation waits instead of adding to the CPU load, and gives up with 500
// when its caller does; once a slot frees, rotations go through again.
func TestKeyGenerationWaitsForASlot(t *testing.T) {
	h := newHarness(t, Options{})
	f := h.flow("rotatable", protocol.KindMulticast)
	body, _ := json.Marshal(map[string]string{"flow-id": f.ID, "security-id": f.SecurityID})

	for range maxConcurrentKeyGens {
		h.srv.keyGens <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, protocol.PathGenerateKeyPair, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "127.0.0.1:40000" // on the account's whitelist
	rec := httptest.NewRecorder()
	start := time.Now()
	h.srv.ServeHTTP(rec, req)
	var got struct {
		Code protocol.Code `json:"api-response-code"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, rec.Body.Bytes())
	}
	if got.Code != protocol.Failure {
		t.Errorf("rotation with no free slot, caller gone:\nExpected: 500 FAILURE\nActual:   %d", got.Code)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("Expected the rotation to wait for a slot until its caller gave up; it answered after %v", waited)
	}

	for range maxConcurrentKeyGens {
		<-h.srv.keyGens
	}
	if r := h.post(protocol.PathGenerateKeyPair, body); r.body.Code != protocol.Success {
		t.Errorf("rotation with free slots:\nExpected: 200 SUCCESS\nActual:   %d %s", r.body.Code, r.raw)
	}
}

// TestGenerateKeyOption: a server given Options.GenerateKey rotates to the
// keys it makes, asked at KeyBits bits: the answer carries the key's
// public half, and envelopes sealed to it are served.
func TestGenerateKeyOption(t *testing.T) {
	made := testWorld(t).Flows[0].PrivateKey // any key not the rotated flow's
	var calls, asked atomic.Int64            // written by the server's goroutine
	h := newHarness(t, Options{KeyBits: 3072, GenerateKey: func(bits int) (*rsa.PrivateKey, error) {
		calls.Add(1)
		asked.Store(int64(bits))
		return made, nil
	}})
	f := h.flow("rotatable", protocol.KindDialer)
	if f.PrivateKey.Equal(made) {
		t.Fatal("the test's key is the rotated flow's own")
	}
	body, _ := json.Marshal(map[string]string{"flow-id": f.ID, "security-id": f.SecurityID})
	r := h.post(protocol.PathGenerateKeyPair, body)
	r.expect(t, protocol.Success, http.StatusOK)
	pub, err := envelope.ParsePublicKeyPEM([]byte(r.body.PublicKey))
	if err != nil || !pub.Equal(&made.PublicKey) {
		t.Fatalf("public-key %q (%v): want the key GenerateKey made", r.body.PublicKey, err)
	}
	if calls.Load() != 1 || asked.Load() != 3072 {
		t.Errorf("GenerateKey called %d times, for %d bits; want once, for 3072 (KeyBits)", calls.Load(), asked.Load())
	}
	rotated := *f
	rotated.PublicKey = pub
	h.create(&rotated, true, payload(f)).expect(t, protocol.Success, http.StatusOK)
}
