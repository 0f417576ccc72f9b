package envelope_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

func TestRoundTrip(t *testing.T) {
	v := loadVector(t)
	for _, bits := range []int{2048, 4096} {
		pub, priv := loadTestKey(t, bits)
		for _, padding := range allPaddings {
			t.Run(fmt.Sprintf("rsa%d/%s", bits, padding), func(t *testing.T) {
				sealed, err := envelope.SealDetailed([]byte(v.PayloadJSON), v.FlowID, pub, &envelope.SealOptions{Padding: padding})
				if err != nil {
					t.Fatal(err)
				}
				if got := len(mustDecode(t, sealed.RequestDigitalSignatureValue)); got != bits/8 {
					t.Errorf("RSA value: Expected %d bytes, Actual %d", bits/8, got)
				}
				if sealed.FlowID != v.FlowID {
					t.Errorf("flow-id: Expected %q, Actual %q", v.FlowID, sealed.FlowID)
				}
				opened, err := envelope.OpenDetailed(&sealed.Envelope, priv, padding)
				if err != nil {
					t.Fatal(err)
				}
				if string(opened.Payload) != v.PayloadJSON {
					t.Errorf("payload:\nExpected: %s\nActual:   %s", v.PayloadJSON, opened.Payload)
				}
				if want := b64([]byte(sealed.Key)); opened.KeyB64 != want {
					t.Errorf("recovered keyB64: Expected %s, Actual %s", want, opened.KeyB64)
				}
				if opened.PayloadB64 != sealed.PayloadB64 || sealed.PayloadB64 != v.PayloadB64 {
					t.Errorf("payloadB64: sealed %s, opened %s, vector %s", sealed.PayloadB64, opened.PayloadB64, v.PayloadB64)
				}
			})
		}
	}
}

// The payload is sealed byte for byte: whitespace, key order and a missing
// final newline survive, because the server's checksum rule (spec 5, rule
// 20) is over the exact bytes.
func TestSealKeepsPayloadBytes(t *testing.T) {
	pub, priv := loadTestKey(t, 2048)
	for _, payload := range []string{"{}", "{ \"b\":1,\n\t\"a\":2 }\n", `{"name":"Aśha ☎"}`} {
		env, err := envelope.Seal([]byte(payload), "ZH0RKJvh", pub, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := envelope.Open(env, priv, envelope.PKCS1v15)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != payload {
			t.Errorf("Expected %q, Actual %q", payload, got)
		}
	}
}

// A caller-chosen key string reproduces Phonon's published sample through
// Seal itself, not only through the AES helpers.
func TestSealWithVectorKeyReproducesPublishedValue(t *testing.T) {
	v := loadVector(t)
	pub, _ := loadTestKey(t, 4096)
	sealed, err := envelope.SealDetailed([]byte(v.PayloadJSON), v.FlowID, pub, &envelope.SealOptions{Key: v.AESKey})
	if err != nil {
		t.Fatal(err)
	}
	if sealed.RequestEncryptedValue != v.RequestEncryptedValue {
		t.Fatalf("requestEncryptedValue:\nExpected: %s\nActual:   %s", v.RequestEncryptedValue, sealed.RequestEncryptedValue)
	}
	if sealed.Key != v.AESKey || sealed.PayloadB64 != v.PayloadB64 {
		t.Errorf("Expected key %q and payloadB64 %s, Actual %q and %s", v.AESKey, v.PayloadB64, sealed.Key, sealed.PayloadB64)
	}
	// The published RSA value is 512 bytes; ours must be too.
	if got, want := len(mustDecode(t, sealed.RequestDigitalSignatureValue)), len(mustDecode(t, v.RequestDigitalSignatureValue)); got != want {
		t.Errorf("RSA value: Expected %d bytes, Actual %d", want, got)
	}
}

func TestSealDefaultKeyIsFreshAndRandom(t *testing.T) {
	pub, priv := loadTestKey(t, 2048)
	payload := []byte(`{"flow-id":"ZH0RKJvh"}`)
	first, err := envelope.SealDetailed(payload, "ZH0RKJvh", pub, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := envelope.SealDetailed(payload, "ZH0RKJvh", pub, &envelope.SealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Key == second.Key {
		t.Errorf("two seals used the same key string %q", first.Key)
	}
	if first.RequestEncryptedValue == second.RequestEncryptedValue {
		t.Error("two seals of the same payload gave the same requestEncryptedValue")
	}
	for _, s := range []*envelope.Sealed{first, second} {
		raw, err := hex.DecodeString(s.Key)
		if err != nil || len(raw) != envelope.RandomKeyBytes {
			t.Errorf("key string %q: Expected hex of %d random bytes (err %v)", s.Key, envelope.RandomKeyBytes, err)
		}
		if _, err := envelope.Open(&s.Envelope, priv, envelope.PKCS1v15); err != nil {
			t.Error(err)
		}
	}
}

func TestSealInjectedRandIsDeterministic(t *testing.T) {
	pub, priv := loadTestKey(t, 2048)
	payload := []byte(`{"flow-id":"ZH0RKJvh"}`)
	seed := []byte("0123456789abcdef") // exactly RandomKeyBytes
	seal := func() *envelope.Sealed {
		t.Helper()
		s, err := envelope.SealDetailed(payload, "ZH0RKJvh", pub, &envelope.SealOptions{Rand: bytes.NewReader(seed)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first, second := seal(), seal()
	if want := hex.EncodeToString(seed); first.Key != want || second.Key != want {
		t.Fatalf("key string: Expected %s both times, Actual %s and %s", want, first.Key, second.Key)
	}
	// Only the AES half is reproducible: crypto/rsa draws its own padding
	// randomness since Go 1.26 (see SealOptions.Rand).
	if first.RequestEncryptedValue != second.RequestEncryptedValue {
		t.Error("same injected randomness gave different requestEncryptedValue")
	}
	if _, err := envelope.Open(&second.Envelope, priv, envelope.PKCS1v15); err != nil {
		t.Error(err)
	}

	_, err := envelope.Seal(payload, "ZH0RKJvh", pub, &envelope.SealOptions{Rand: bytes.NewReader(seed[:5])})
	if err == nil || !strings.Contains(err.Error(), "reading random key") {
		t.Errorf("short random source: Expected a \"reading random key\" error, Actual %v", err)
	}
}

func TestMaxMessageLen(t *testing.T) {
	tests := []struct {
		padding      envelope.Padding
		modulusBytes int
		want         int
	}{
		{envelope.PKCS1v15, 512, 501}, // the spec's figure for RSA-4096
		{envelope.PKCS1v15, 256, 245},
		{envelope.OAEPSHA1, 512, 470},
		{envelope.OAEPSHA1, 256, 214},
		{envelope.OAEPSHA256, 512, 446},
		{envelope.OAEPSHA256, 256, 190},
	}
	for _, tt := range tests {
		if got := tt.padding.MaxMessageLen(tt.modulusBytes); got != tt.want {
			t.Errorf("%s, %d-byte modulus: Expected %d, Actual %d", tt.padding, tt.modulusBytes, tt.want, got)
		}
	}
}

// The longest key string whose base64 fits the RSA block seals and opens;
// one character more is refused with an error stating the limit.
func TestSealKeyStringTooLong(t *testing.T) {
	pub, priv := loadTestKey(t, 4096)
	payload := []byte(`{}`)
	for _, padding := range allPaddings {
		limit := padding.MaxMessageLen(pub.Size())
		longest := limit / 4 * 3 // base64 of n bytes is 4*ceil(n/3) bytes
		t.Run(padding.String(), func(t *testing.T) {
			env, err := envelope.Seal(payload, "ZH0RKJvh", pub, &envelope.SealOptions{Key: strings.Repeat("k", longest), Padding: padding})
			if err != nil {
				t.Fatalf("%d-character key: %v", longest, err)
			}
			if _, err := envelope.Open(env, priv, padding); err != nil {
				t.Fatalf("%d-character key: %v", longest, err)
			}
			_, err = envelope.Seal(payload, "ZH0RKJvh", pub, &envelope.SealOptions{Key: strings.Repeat("k", longest+1), Padding: padding})
			if err == nil {
				t.Fatalf("%d-character key: Expected an error, Actual none", longest+1)
			}
			for _, want := range []string{"key string too long", fmt.Sprintf("at most %d", limit), "4096-bit", padding.String()} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Expected the error to contain %q, Actual %q", want, err)
				}
			}
		})
	}
}

func TestSealRefusesBadArguments(t *testing.T) {
	pub, _ := loadTestKey(t, 2048)
	if _, err := envelope.Seal([]byte("{}"), "ZH0RKJvh", nil, nil); err == nil {
		t.Error("nil public key: Expected an error, Actual none")
	}
	if _, err := envelope.Seal([]byte("{}"), "ZH0RKJvh", pub, &envelope.SealOptions{Padding: envelope.Padding(7)}); err == nil || !strings.Contains(err.Error(), "Padding(7)") {
		t.Errorf("unknown padding: Expected an error naming Padding(7), Actual %v", err)
	}
}

func TestParsePadding(t *testing.T) {
	for _, padding := range allPaddings {
		got, err := envelope.ParsePadding(padding.String())
		if err != nil || got != padding {
			t.Errorf("ParsePadding(%q): Expected %v, Actual %v, %v", padding.String(), padding, got, err)
		}
	}
	for _, name := range []string{"", "x", "PKCS1v15", "oaep", "oaep-sha512"} {
		_, err := envelope.ParsePadding(name)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", name)) || !strings.Contains(err.Error(), envelope.PaddingNames) {
			t.Errorf("ParsePadding(%q): Expected an error naming it and listing %s, Actual %v", name, envelope.PaddingNames, err)
		}
	}
}
