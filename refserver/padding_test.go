package refserver

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// TestRSAPaddingOption: a server told to expect OAEP opens OAEP envelopes
// and refuses PKCS#1 v1.5 ones with the one INVALID_FORMAT, and the reverse
// for the default server.
func TestRSAPaddingOption(t *testing.T) {
	for _, p := range []envelope.Padding{envelope.PKCS1v15, envelope.OAEPSHA1, envelope.OAEPSHA256} {
		h := newHarness(t, Options{RSAPadding: p})
		f := h.flow("healthy", protocol.KindMulticast)
		for _, sealedWith := range []envelope.Padding{envelope.PKCS1v15, envelope.OAEPSHA1, envelope.OAEPSHA256} {
			env, err := envelope.Seal(payload(f), f.ID, f.PublicKey, &envelope.SealOptions{Padding: sealedWith})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := json.Marshal(env)
			want := protocol.InvalidFormat
			if sealedWith == p {
				want = protocol.Success
			}
			t.Run(p.String()+"/"+sealedWith.String(), func(t *testing.T) {
				h.post(createPath(protocol.KindMulticast, true), body).expect(t, want, http.StatusOK)
			})
		}
	}
	if _, err := New(testWorld(t), Options{RSAPadding: envelope.Padding(9)}); err == nil {
		t.Error("an unknown padding was accepted")
	}
}
