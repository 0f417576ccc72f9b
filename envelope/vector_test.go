package envelope_test

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// publishedVector is Phonon's published sample, fixtures/vectors/published-vector.json.
type publishedVector struct {
	PayloadJSON                  string `json:"payload_json"`
	PayloadB64                   string `json:"payload_b64"`
	AESKey                       string `json:"aes_key"`
	AESKeyB64                    string `json:"aes_key_b64"`
	DerivedAES128KeyHex          string `json:"derived_aes128_key_hex"`
	RequestEncryptedValue        string `json:"requestEncryptedValue"`
	RequestDigitalSignatureValue string `json:"requestDigitalSignatureValue"`
	FlowID                       string `json:"flow-id"`
}

func loadVector(t testing.TB) publishedVector {
	t.Helper()
	data, err := os.ReadFile("../fixtures/vectors/published-vector.json")
	if err != nil {
		t.Fatal(err)
	}
	var v publishedVector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPublishedVectorAES(t *testing.T) {
	v := loadVector(t)
	if got := base64.StdEncoding.EncodeToString([]byte(v.PayloadJSON)); got != v.PayloadB64 {
		t.Fatalf("payload base64:\nExpected: %s\nActual:   %s", v.PayloadB64, got)
	}
	if got := base64.StdEncoding.EncodeToString([]byte(v.AESKey)); got != v.AESKeyB64 {
		t.Fatalf("key base64: Expected %s, Actual %s", v.AESKeyB64, got)
	}
	if got := hex.EncodeToString(envelope.DeriveAESKey(v.AESKey)); got != v.DerivedAES128KeyHex {
		t.Fatalf("derived AES key: Expected %s, Actual %s", v.DerivedAES128KeyHex, got)
	}
	ct, err := envelope.EncryptECB(envelope.DeriveAESKey(v.AESKey), []byte(v.PayloadB64))
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.StdEncoding.EncodeToString(ct); got != v.RequestEncryptedValue {
		t.Fatalf("requestEncryptedValue:\nExpected: %s\nActual:   %s", v.RequestEncryptedValue, got)
	}
	plain, err := envelope.DecryptECB(envelope.DeriveAESKey(v.AESKey), ct)
	if err != nil || string(plain) != v.PayloadB64 {
		t.Fatalf("DecryptECB: %v, %q", err, plain)
	}
	sig, err := envelope.DecodeStrict(v.RequestDigitalSignatureValue)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != envelope.FlowKeyBits/8 {
		t.Fatalf("RSA value: Expected %d bytes, Actual %d", envelope.FlowKeyBits/8, len(sig))
	}
}
