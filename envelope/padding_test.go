package envelope_test

import (
	"bytes"
	"crypto/rand"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// TestEncryptKeyDecryptKey: each padding round-trips, the other paddings do
// not open what it made, and a value that is not a padding is an error.
func TestEncryptKeyDecryptKey(t *testing.T) {
	pub, priv := loadTestKey(t, 2048)
	keyB64 := []byte("YWJjZDEyMzQ=")
	for _, p := range allPaddings {
		c, err := p.EncryptKey(rand.Reader, pub, keyB64)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if len(c) != priv.Size() {
			t.Errorf("%v: %d bytes, want the modulus length %d", p, len(c), priv.Size())
		}
		got, err := p.DecryptKey(priv, c)
		if err != nil || !bytes.Equal(got, keyB64) {
			t.Errorf("%v: DecryptKey = %q, %v", p, got, err)
		}
		opened, err := envelope.OpenKey(c, priv, p)
		if err != nil || opened != string(keyB64) {
			t.Errorf("%v: OpenKey = %q, %v", p, opened, err)
		}
		for _, other := range allPaddings {
			if other == p || other == envelope.PKCS1v15 {
				continue // PKCS#1 v1.5 opens an OAEP value by chance about once in 65536
			}
			if _, err := other.DecryptKey(priv, c); err == nil {
				t.Errorf("%v opened a %v value", other, p)
			}
		}
	}
	bad := envelope.Padding(99)
	if _, err := bad.EncryptKey(rand.Reader, pub, keyB64); err == nil {
		t.Error("EncryptKey accepted Padding(99)")
	}
	if _, err := bad.DecryptKey(priv, make([]byte, priv.Size())); err == nil {
		t.Error("DecryptKey accepted Padding(99)")
	}
	if _, err := envelope.PKCS1v15.EncryptKey(rand.Reader, nil, keyB64); err == nil {
		t.Error("EncryptKey accepted no key")
	}
}
