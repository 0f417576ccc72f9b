package envelope_test

import (
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// allPaddings is every padding the package supports, in a fixed order.
var allPaddings = []envelope.Padding{envelope.PKCS1v15, envelope.OAEPSHA1, envelope.OAEPSHA256}

// testKeyPath names a committed TEST ONLY key made by openssl (PKCS#8 / SPKI PEM).
func testKeyPath(bits int, half string) string {
	return fmt.Sprintf("../fixtures/keys/TEST-ONLY-rsa%d_%s.key", bits, half)
}

// loadTestKey returns the committed TEST ONLY key pair of the given size.
func loadTestKey(t testing.TB, bits int) (*rsa.PublicKey, *rsa.PrivateKey) {
	t.Helper()
	pub, err := envelope.LoadPublicKey(testKeyPath(bits, "public"))
	if err != nil {
		t.Fatal(err)
	}
	priv, err := envelope.LoadPrivateKey(testKeyPath(bits, "private"))
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(&priv.PublicKey) {
		t.Fatalf("fixture rsa%d: public and private keys do not match", bits)
	}
	return pub, priv
}

// b64 is standard base64 with padding, the only encoding Kairos uses.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// mustDecode decodes a value the test itself produced.
func mustDecode(t testing.TB, s string) []byte {
	t.Helper()
	b, err := envelope.DecodeStrict(s)
	if err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return b
}

// openErrorStage returns the stage of err, failing the test if err is not an *OpenError.
func openErrorStage(t testing.TB, err error) envelope.Stage {
	t.Helper()
	var oe *envelope.OpenError
	if !errors.As(err, &oe) {
		t.Fatalf("Expected an *envelope.OpenError, Actual %T: %v", err, err)
	}
	return oe.Stage
}
