package refserver

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

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
