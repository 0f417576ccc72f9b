package refserver

import (
	"crypto/rsa"
	"encoding/base64"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// The encrypted create path costs one RSA-4096 private-key operation plus
// everything the server adds (JSON, base64, AES, checksum, response). The
// floor is that RSA operation alone; the target is at most 15% over it.

// benchBodies seals n distinct payloads (distinct so that none is a
// checksum repeat) for the healthy multicast flow.
func benchBodies(b *testing.B, n int) (*Server, [][]byte) {
	w := testWorld(b)
	srv, err := New(w, Options{Now: func() time.Time { return testNow }})
	if err != nil {
		b.Fatal(err)
	}
	f, _ := w.FlowByRole("healthy-multicast")
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = seal(b, f, f.ID, payload(f))
	}
	return srv, bodies
}

func serveBench(b *testing.B, srv *Server, body []byte) {
	rec := serveDirect(srv, protocol.PathEncMulticastCreate, body)
	if c := decodeCode(b, rec.Body.Bytes()); c != protocol.Success {
		b.Fatalf("answered %s", c)
	}
}

// BenchmarkEncryptedCreate is the whole handler on a valid sealed request.
func BenchmarkEncryptedCreate(b *testing.B) {
	srv, bodies := benchBodies(b, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serveBench(b, srv, bodies[i])
	}
}

// BenchmarkRSA4096Decrypt is the floor: rsa.DecryptPKCS1v15 with the same key.
func BenchmarkRSA4096Decrypt(b *testing.B) {
	priv, value := floorInput(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rsa.DecryptPKCS1v15(nil, priv, value); err != nil {
			b.Fatal(err)
		}
	}
}

func floorInput(b *testing.B) (*rsa.PrivateKey, []byte) {
	f, _ := testWorld(b).FlowByRole("healthy-multicast")
	env, err := envelope.Seal([]byte(`{}`), f.ID, f.PublicKey, nil)
	if err != nil {
		b.Fatal(err)
	}
	value, _ := base64.StdEncoding.DecodeString(env.RequestDigitalSignatureValue)
	return f.PrivateKey, value
}

// BenchmarkEncryptedCreateOverhead alternates one request and one bare RSA
// operation, so that both see the same machine load, and reports what the
// server adds over the floor as %overhead.
func BenchmarkEncryptedCreateOverhead(b *testing.B) {
	srv, bodies := benchBodies(b, b.N)
	priv, value := floorInput(b)
	var create, floor time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		serveBench(b, srv, bodies[i])
		t1 := time.Now()
		if _, err := rsa.DecryptPKCS1v15(nil, priv, value); err != nil {
			b.Fatal(err)
		}
		create, floor = create+t1.Sub(t0), floor+time.Since(t1)
	}
	b.ReportMetric(float64(create.Nanoseconds())/float64(b.N), "create-ns/op")
	b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "floor-ns/op")
	b.ReportMetric(100*(float64(create)/float64(floor)-1), "%overhead")
}
