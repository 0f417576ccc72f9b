package certify_test

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	. "github.com/kairos-conformance/kairos-conformance/internal/certify"
	"github.com/kairos-conformance/kairos-conformance/internal/certify/certifytest"
)

func loadKeyPair(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	priv, err := envelope.LoadPrivateKey("../../fixtures/keys/" + name + envelope.PrivateKeySuffix)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

// testPayload's base64 is not a whole number of AES blocks, so that
// zero padding shows.
var testPayload = []byte(`{"api-version":"1.0","security-id":"` + strings.Repeat("ab", 32) + `","flow-id":"HealthM1","calls":[{"client-identifier":"c-1","start-time":"2030-01-02T10:00:00+05:30","contact-numbers":["7016225597"],"keys":[{"name":"$flow.key.Name","value":"आशा"}]}]}`)

func TestDiagnoseNamesEachMistake(t *testing.T) {
	priv := loadKeyPair(t, "TEST-ONLY-rsa2048")
	tests := []struct {
		mistake string
		want    string // the first finding's mistake
		stage   envelope.Stage
		text    string // in the diagnosis
	}{
		{"raw-aes-key", "aes-key-raw", envelope.StageAESPadding,
			"spec 3 step 4: the AES key must be SHA-256(base64(k))[:16], base64(k) being exactly what the RSA value carries; the ciphertext decrypts with the raw key string k instead"},
		{"url-safe-base64", "base64-url-safe", envelope.StageEncryptedValueBase64,
			"spec 3 step 5: requestEncryptedValue must be canonical standard base64 on one line (alphabet A-Z a-z 0-9 + /, with = padding); it is URL-safe base64 (- and _ instead of + and /)"},
		{"oaep", "rsa-padding-oaep-sha1", envelope.StageRSADecrypt,
			"spec 3 step 6: the RSA value must be padded with PKCS#1 v1.5 (the spec's padding, Java's default RSA cipher); it decrypts with OAEP with SHA-1 instead"},
		{"raw-json", "payload-raw-json", envelope.StagePayloadBase64,
			"spec 3 steps 1 and 5: AES must encrypt the canonical standard base64 of the payload JSON; it encrypts the raw payload JSON instead of its base64"},
		{"sha256-without-base64", "aes-key-sha256-of-raw", envelope.StageAESPadding, "SHA-256(k)[:16] (the base64 step skipped) instead"},
		{"aes-256", "aes-key-aes256", envelope.StageAESPadding, "all 32 bytes of SHA-256(base64(k)) (AES-256, not AES-128) instead"},
		{"rsa-carries-k", "rsa-carries-raw-key", envelope.StageKeyEncoding, "the RSA value must carry base64(k), k the key string; it carries the key string k itself"},
		{"oaep-sha256", "rsa-padding-oaep-sha256", envelope.StageRSADecrypt, "it decrypts with OAEP with SHA-256 for both the OAEP hash and MGF1 instead"},
		{"unpadded-base64", "base64-unpadded", 0, "its = padding is missing"},
		{"wrapped-base64", "base64-wrapped", envelope.StageEncryptedValueBase64,
			"it is broken into lines of 76 characters with CRLF (MIME base64: Java's Base64.getMimeEncoder(), Python's base64.encodebytes): it must be one line"},
		{"hex", "encoding-hex", 0,
			"spec 3 step 5: requestEncryptedValue must be canonical standard base64 on one line (alphabet A-Z a-z 0-9 + /, with = padding); it is hex, not base64 (hex digits are valid base64 text too"},
		{"base64-of-hex", "encoding-base64-of-hex", 0, "it is the base64 of hex text: the bytes were hex-encoded first"},
		{"cbc-zero-iv", "aes-mode-cbc", 0, "it is CBC with a zero IV"},
		{"zero-padding", "aes-zero-padding", envelope.StageAESPadding, "padded with zero bytes instead of PKCS#5"},
		{"rsa-sign-byte", "rsa-length-sign-byte", envelope.StageRSALength, "a leading zero byte was added"},
	}
	// Where Open stops is the mistake's stage, except when a wrong
	// decryption passes a padding check by chance (a wrong AES key gives
	// valid PKCS#5 padding about once in 250 seals, an OAEP block passes a
	// PKCS#1 v1.5 unpadding about once in 350) and Open stops later: each
	// mistake is sealed afresh up to three times until one stops at its
	// stage, and every seal must stop there or later, with the same
	// diagnosis.
	const seals = 3
	for _, tt := range tests {
		t.Run(tt.mistake, func(t *testing.T) {
			atStage := false
			for i := 0; i < seals && !atStage; i++ {
				atStage = diagnoseOneSeal(t, priv, tt.mistake, tt.want, tt.text, tt.stage)
			}
			if !atStage {
				t.Errorf("%d seals: none stopped Open at %v", seals, tt.stage)
			}
		})
	}
}

func TestDiagnoseOpensCorrectEnvelopes(t *testing.T) {
	priv := loadKeyPair(t, "TEST-ONLY-rsa2048")
	for _, name := range []string{"fixed-key", "short-key"} {
		env, err := certifytest.Seal(testPayload, "HealthM1", &priv.PublicKey, certifytest.Mistakes[name])
		if err != nil {
			t.Fatal(err)
		}
		opened, d := Diagnose(env, priv, envelope.PKCS1v15)
		if d != nil || string(opened.Payload) != string(testPayload) {
			t.Fatalf("%s: does not open to the payload: %v", name, d)
		}
	}
}

func TestDiagnoseProfilePadding(t *testing.T) {
	// A profile that says OAEP-SHA-256 makes PKCS#1 v1.5 the mistake.
	priv := loadKeyPair(t, "TEST-ONLY-rsa2048")
	env, err := certifytest.Seal(testPayload, "HealthM1", &priv.PublicKey, certifytest.Mistake{})
	if err != nil {
		t.Fatal(err)
	}
	_, d := Diagnose(env, priv, envelope.OAEPSHA256)
	if d == nil || !slices.Equal(d.Mistakes(), []string{"rsa-padding-pkcs1v15"}) {
		t.Fatalf("want rsa-padding-pkcs1v15, got %v", d)
	}
	if !strings.Contains(d.Error(), "must be padded with OAEP with SHA-256 for both the OAEP hash and MGF1 (KAIROS_RSA_PADDING=oaep-sha256); it decrypts with PKCS#1 v1.5 instead") {
		t.Errorf("diagnosis:\n%s", d)
	}
}

func TestDiagnoseOAEPWithMGF1SHA1(t *testing.T) {
	// Java's OAEPWithSHA-256AndMGF1Padding, asked for oaep-sha256.
	priv := loadKeyPair(t, "TEST-ONLY-rsa2048")
	m := certifytest.Mistakes["oaep-sha256-mgf1-sha1"]
	m.Padding = envelope.OAEPSHA256
	env, err := certifytest.Seal(testPayload, "HealthM1", &priv.PublicKey, m)
	if err != nil {
		t.Fatal(err)
	}
	_, d := Diagnose(env, priv, envelope.OAEPSHA256)
	if d == nil || !slices.Equal(d.Mistakes(), []string{"rsa-padding-oaep-sha256-mgf1-sha1"}) || !d.Recovered {
		t.Fatalf("want rsa-padding-oaep-sha256-mgf1-sha1, got %v", d)
	}
	for _, want := range []string{
		"it decrypts with OAEP with SHA-256 and MGF1-SHA-1 (Java's OAEPWithSHA-256AndMGF1Padding) instead",
		"oaep-sha256 means SHA-256 for the OAEP hash and for MGF1",
		"MGF1ParameterSpec.SHA256",
	} {
		if !strings.Contains(d.Error(), want) {
			t.Errorf("diagnosis lacks %q:\n%s", want, d)
		}
	}
	// Asked for PKCS#1 v1.5, the same client is right.
	m.Padding = envelope.PKCS1v15
	env, _ = certifytest.Seal(testPayload, "HealthM1", &priv.PublicKey, m)
	if _, d := Diagnose(env, priv, envelope.PKCS1v15); d != nil {
		t.Errorf("pkcs1v15: %v", d)
	}
}

func TestDiagnoseRecognisesEncodings(t *testing.T) {
	priv := loadKeyPair(t, "TEST-ONLY-rsa2048")
	tests := []struct {
		name    string
		encode  func([]byte) string
		mistake string
		text    string
	}{
		{"hex", hex.EncodeToString, "encoding-hex", "it is hex, not base64 ("},
		{"upper-case hex", func(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }, "encoding-hex", "it is hex, not base64 ("},
		{"base64url", base64.URLEncoding.EncodeToString, "base64-url-safe", "URL-safe base64"},
		{"base64url unpadded", base64.RawURLEncoding.EncodeToString, "base64-url-safe", "URL-safe base64"},
		{"unpadded", base64.RawStdEncoding.EncodeToString, "base64-unpadded", "its = padding is missing"},
		{"PEM-wrapped", func(b []byte) string { return wrap(base64.StdEncoding.EncodeToString(b), 64, "\n") }, "base64-wrapped",
			"it is broken into lines of 64 characters with LF (openssl base64 without -A, PEM style)"},
		{"trailing newline", func(b []byte) string { return base64.StdEncoding.EncodeToString(b) + "\n" }, "base64-wrapped", "it ends with a line break (LF)"},
		{"double base64", func(b []byte) string {
			return base64.StdEncoding.EncodeToString([]byte(base64.StdEncoding.EncodeToString(b)))
		}, "encoding-double-base64", "base64-encoded twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := certifytest.Seal(testPayload, "HealthM1", &priv.PublicKey, certifytest.Mistake{Encode: tt.encode})
			if err != nil {
				t.Fatal(err)
			}
			_, d := Diagnose(env, priv, envelope.PKCS1v15)
			if d == nil || !d.Recovered || len(d.Mistakes()) != 2 || d.Mistakes()[0] != tt.mistake || d.Mistakes()[1] != tt.mistake {
				t.Fatalf("want %s for both values, recovered; got %v", tt.mistake, d)
			}
			if !strings.Contains(d.Error(), tt.text) || strings.Contains(d.Error(), "another key") {
				t.Errorf("diagnosis does not say %q (or blames the key):\n%s", tt.text, d)
			}
		})
	}
}

func wrap(s string, width int, eol string) string {
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width] + eol)
		s = s[width:]
	}
	return b.String() + s
}

func TestDiagnoseWrongKey(t *testing.T) {
	multicast, dialer := loadKeyPair(t, "HealthM1"), loadKeyPair(t, "HealthD1")
	env, err := certifytest.Seal(testPayload, "HealthM1", &dialer.PublicKey, certifytest.Mistake{})
	if err != nil {
		t.Fatal(err)
	}
	_, d := Diagnose(env, multicast, envelope.PKCS1v15)
	if d == nil || !slices.Equal(d.Mistakes(), []string{"rsa-wrong-key"}) || d.Recovered {
		t.Fatalf("want rsa-wrong-key, got %v", d)
	}
	if !strings.Contains(d.Error(), "was it encrypted with the public key in KAIROS_PUBLIC_KEY_FILE?") {
		t.Errorf("diagnosis:\n%s", d)
	}

	small := loadKeyPair(t, "TEST-ONLY-rsa2048")
	_, d = Diagnose(env, small, envelope.PKCS1v15)
	if d == nil || !slices.Equal(d.Mistakes(), []string{"rsa-length"}) || !strings.Contains(d.Error(), "must be exactly 256 bytes (the flow's 2048-bit modulus); it is 512 bytes") {
		t.Fatalf("want rsa-length, got %v", d)
	}
}

func TestDiagnoseGarbage(t *testing.T) {
	priv := loadKeyPair(t, "TEST-ONLY-rsa2048")
	good, err := certifytest.Seal(testPayload, "HealthM1", &priv.PublicKey, certifytest.Mistake{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := certifytest.Seal(testPayload, "HealthM1", &priv.PublicKey, certifytest.Mistake{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  envelope.Envelope
		want []string
	}{
		{"empty field", envelope.Envelope{RequestDigitalSignatureValue: good.RequestDigitalSignatureValue}, []string{"field-empty"}},
		{"not base64", envelope.Envelope{RequestEncryptedValue: "%%%", RequestDigitalSignatureValue: good.RequestDigitalSignatureValue}, []string{"base64-invalid"}},
		{"ciphertext of another key", envelope.Envelope{RequestEncryptedValue: other.RequestEncryptedValue, RequestDigitalSignatureValue: good.RequestDigitalSignatureValue}, []string{"aes-key-unknown"}},
		{"cut ciphertext", envelope.Envelope{RequestEncryptedValue: "AAAA", RequestDigitalSignatureValue: good.RequestDigitalSignatureValue}, []string{"aes-length"}},
	}
	for _, tt := range tests {
		_, d := Diagnose(&tt.env, priv, envelope.PKCS1v15)
		if d == nil || !slices.Equal(d.Mistakes(), tt.want) || d.Recovered {
			t.Errorf("%s: want %v, got %v", tt.name, tt.want, d)
		}
	}
}

// TestDiagnoseOAEPThatPassesPKCS1Unpadding: now and then an OAEP block
// also passes a PKCS#1 v1.5 unpadding, to noise; the diagnosis must still
// name OAEP (this was a flake of the OAEP broken client, about 1 request
// in 400).
func TestDiagnoseOAEPThatPassesPKCS1Unpadding(t *testing.T) {
	priv := loadKeyPair(t, "TEST-ONLY-rsa2048")
	tests := []struct {
		mistake string
		asked   envelope.Padding
		want    string
	}{
		{"oaep", envelope.PKCS1v15, "rsa-padding-oaep-sha1"},
		// Another padding asked for: Java's OAEP-SHA-256/MGF1-SHA-1 when
		// oaep-sha256 was asked is still named as what it is, not as
		// PKCS#1 v1.5 (about one block in 350 passes that unpadding:
		// TestDiagnoseOAEPWithMGF1SHA1's single envelope failed that way
		// now and then).
		{"oaep-sha256-mgf1-sha1", envelope.OAEPSHA256, "rsa-padding-oaep-sha256-mgf1-sha1"},
	}
	for _, tt := range tests {
		t.Run(tt.mistake, func(t *testing.T) {
			m := certifytest.Mistakes[tt.mistake]
			m.Padding = tt.asked
			for i := 0; i < 20000; i++ {
				env, err := certifytest.Seal(testPayload, "HealthM1", &priv.PublicKey, m)
				if err != nil {
					t.Fatal(err)
				}
				v, _ := envelope.DecodeStrict(env.RequestDigitalSignatureValue)
				if _, err := rsa.DecryptPKCS1v15(nil, priv, v); err != nil {
					continue
				}
				_, d := Diagnose(env, priv, tt.asked)
				if d == nil || !slices.Equal(d.Mistakes(), []string{tt.want}) || !d.Recovered {
					t.Fatalf("after %d envelopes, one whose block passes PKCS#1 v1.5 unpadding: %v", i+1, d)
				}
				t.Logf("found after %d envelopes", i+1)
				return
			}
			t.Skip("no block passed PKCS#1 v1.5 unpadding in 20000 tries")
		})
	}
}

// diagnoseOneSeal seals the payload with mistake and checks its diagnosis:
// want first among the mistakes, text in it, the envelope recovered, the
// failed stage in its first line and at stage or later. It says whether
// Open stopped at stage (always true for stage 0: any).
func diagnoseOneSeal(t *testing.T, priv *rsa.PrivateKey, mistake, want, text string, stage envelope.Stage) bool {
	t.Helper()
	env, err := certifytest.Seal(testPayload, "HealthM1", &priv.PublicKey, certifytest.Mistakes[mistake])
	if err != nil {
		t.Fatal(err)
	}
	opened, d := Diagnose(env, priv, envelope.PKCS1v15)
	if opened != nil || d == nil {
		t.Fatalf("the envelope opened; want the diagnosis %s", want)
	}
	if got := d.Mistakes(); len(got) == 0 || got[0] != want {
		t.Errorf("mistakes %v, want %s first\n%s", got, want, d)
	}
	if d.Stage < stage {
		t.Errorf("stage %v, want %v (or later, by chance)", d.Stage, stage)
	}
	if !strings.Contains(d.Error(), text) {
		t.Errorf("diagnosis does not say %q:\n%s", text, d)
	}
	if !d.Recovered {
		t.Errorf("undoing the mistake did not open the envelope:\n%s", d)
	}
	if !strings.HasPrefix(d.Error(), "the envelope does not open (failed stage: "+d.Stage.String()+")\n") {
		t.Errorf("diagnosis does not start with the failed stage:\n%s", d)
	}
	return stage == 0 || d.Stage == stage
}
