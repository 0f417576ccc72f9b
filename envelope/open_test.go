package envelope_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// stagePayload is 41 bytes: its payloadB64 (56 bytes) encrypts to 64 bytes,
// whose base64 ends in "==", so the missing-padding and stray-bit cases
// below have padding to remove or bits to set.
const (
	stagePayload = `{"api-version":"1.0","flow-id":"ZH0RKJvh"}`
	stageKey     = "abcd1234"
	stageFlowID  = "ZH0RKJvh"
)

// stageFixture is one valid envelope and the parts tests recombine.
type stageFixture struct {
	pub      *rsa.PublicKey
	priv     *rsa.PrivateKey
	env      envelope.Envelope // valid, PKCS#1 v1.5, key stageKey
	rsaValue []byte            // the decoded requestDigitalSignatureValue
	aesKey   []byte            // DeriveAESKey(stageKey)
}

func newStageFixture(t *testing.T) stageFixture {
	t.Helper()
	pub, priv := loadTestKey(t, 2048)
	env, err := envelope.Seal([]byte(stagePayload), stageFlowID, pub, &envelope.SealOptions{Key: stageKey})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(env.RequestEncryptedValue, "==") || !strings.HasSuffix(env.RequestDigitalSignatureValue, "==") {
		t.Fatalf("fixture: both fields must end in \"==\": %s / %s", env.RequestEncryptedValue, env.RequestDigitalSignatureValue)
	}
	return stageFixture{pub: pub, priv: priv, env: *env, rsaValue: mustDecode(t, env.RequestDigitalSignatureValue), aesKey: envelope.DeriveAESKey(stageKey)}
}

// withAES returns the fixture's envelope carrying the given AES ciphertext.
func (f stageFixture) withAES(ciphertext []byte) *envelope.Envelope {
	env := f.env
	env.RequestEncryptedValue = b64(ciphertext)
	return &env
}

// withPlaintext encrypts plaintext (a would-be payloadB64) under the fixture's key.
func (f stageFixture) withPlaintext(t *testing.T, plaintext string) *envelope.Envelope {
	t.Helper()
	ct, err := envelope.EncryptECB(f.aesKey, []byte(plaintext))
	if err != nil {
		t.Fatal(err)
	}
	return f.withAES(ct)
}

// withRSA returns the fixture's envelope carrying the given RSA value.
func (f stageFixture) withRSA(rsaValue []byte) *envelope.Envelope {
	env := f.env
	env.RequestDigitalSignatureValue = b64(rsaValue)
	return &env
}

// nonCanonical returns ways to spoil a canonical base64 string s (which must
// end in "=="), each of which a lenient decoder might still accept.
func nonCanonical(s string) map[string]string {
	last := strings.TrimRight(s, "=")
	body, lastChar := last[:len(last)-1], last[len(last)-1]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	// With "==", only the top 2 bits of the last character are data; moving
	// to the next alphabet letter sets a stray low bit ("YR==" for "YQ==").
	stray := body + string(alphabet[(strings.IndexByte(alphabet, lastChar)+1)%64]) + "=="
	return map[string]string{
		"leading space":     " " + s,
		"trailing space":    s + " ",
		"trailing newline":  s + "\n",
		"newline inside":    s[:8] + "\n" + s[8:],
		"CRLF inside":       s[:8] + "\r\n" + s[8:],
		"tab inside":        s[:8] + "\t" + s[8:],
		"URL alphabet '-'":  "-" + s[1:],
		"URL alphabet '_'":  "_" + s[1:],
		"missing '='":       s[:len(s)-1],
		"missing '=='":      last,
		"extra '='":         s + "=",
		"stray bits":        stray,
		"NUL byte":          s[:4] + "\x00" + s[4:],
		"non-ASCII":         s[:4] + "é" + s[4:],
		"truncated quantum": s[:len(s)-5] + s[len(s)-4:],
	}
}

func TestOpenRejectsNonCanonicalBase64(t *testing.T) {
	f := newStageFixture(t)
	for name, bad := range nonCanonical(f.env.RequestEncryptedValue) {
		env := f.env
		env.RequestEncryptedValue = bad
		if stage := openErrorStage(t, openErr(t, &env, f.priv, envelope.PKCS1v15)); stage != envelope.StageEncryptedValueBase64 {
			t.Errorf("requestEncryptedValue, %s: Expected %v, Actual %v", name, envelope.StageEncryptedValueBase64, stage)
		}
	}
	for name, bad := range nonCanonical(f.env.RequestDigitalSignatureValue) {
		env := f.env
		env.RequestDigitalSignatureValue = bad
		if stage := openErrorStage(t, openErr(t, &env, f.priv, envelope.PKCS1v15)); stage != envelope.StageSignatureValueBase64 {
			t.Errorf("requestDigitalSignatureValue, %s: Expected %v, Actual %v", name, envelope.StageSignatureValueBase64, stage)
		}
	}
}

// openErr opens env and fails the test if it opens.
func openErr(t *testing.T, env *envelope.Envelope, priv *rsa.PrivateKey, padding envelope.Padding) error {
	t.Helper()
	payload, err := envelope.Open(env, priv, padding)
	if err == nil {
		t.Fatalf("Expected Open to fail, Actual success with payload %q", payload)
	}
	return err
}

func TestOpenStages(t *testing.T) {
	f := newStageFixture(t)
	pub4096, priv4096 := loadTestKey(t, 4096)
	otherPriv4096, err := envelope.LoadPrivateKey("../fixtures/keys/HealthM1_private.key")
	if err != nil {
		t.Fatal(err)
	}
	env4096, err := envelope.Seal([]byte(stagePayload), stageFlowID, pub4096, nil)
	if err != nil {
		t.Fatal(err)
	}
	rsa4096 := mustDecode(t, env4096.RequestDigitalSignatureValue)
	sealedWith := func(padding envelope.Padding) *envelope.Envelope {
		env, err := envelope.Seal([]byte(stagePayload), stageFlowID, f.pub, &envelope.SealOptions{Key: stageKey, Padding: padding})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	// rsaEncrypted builds an RSA value around an arbitrary recovered "keyB64".
	rsaEncrypted := func(keyB64 string) *envelope.Envelope {
		value, err := rsa.EncryptPKCS1v15(rand.Reader, f.pub, []byte(keyB64))
		if err != nil {
			t.Fatal(err)
		}
		return f.withRSA(value)
	}
	// badPadding encrypts payloadB64 followed by the given final bytes,
	// block-aligned, with no padding added by EncryptECB.
	badPadding := func(tail ...byte) *envelope.Envelope {
		payloadB64 := b64([]byte(stagePayload)) // 56 bytes
		blocks := append([]byte(payloadB64), tail...)
		if len(blocks)%envelope.BlockSize != 0 {
			t.Fatalf("badPadding: %d bytes is not block-aligned", len(blocks))
		}
		if err := envelope.EncryptBlocks(f.aesKey, blocks); err != nil {
			t.Fatal(err)
		}
		return f.withAES(blocks)
	}
	sealedPayload := func(payload string) *envelope.Envelope {
		env, err := envelope.Seal([]byte(payload), stageFlowID, f.pub, &envelope.SealOptions{Key: stageKey})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}

	tests := []struct {
		name    string
		env     *envelope.Envelope
		priv    *rsa.PrivateKey
		padding envelope.Padding
		want    envelope.Stage
		reason  string // a substring the error must contain
	}{
		{"RSA value empty", f.withRSA(nil), f.priv, envelope.PKCS1v15, envelope.StageRSALength, "0 bytes, want exactly 256"},
		{"RSA value 255 bytes", f.withRSA(f.rsaValue[1:]), f.priv, envelope.PKCS1v15, envelope.StageRSALength, "255 bytes, want exactly 256"},
		{"RSA value 257 bytes (leading zero)", f.withRSA(append([]byte{0}, f.rsaValue...)), f.priv, envelope.PKCS1v15, envelope.StageRSALength, "257 bytes"},
		{"RSA value 511 bytes for RSA-4096", withRSAValue(env4096, rsa4096[1:]), priv4096, envelope.PKCS1v15, envelope.StageRSALength, "511 bytes, want exactly 512 (the 4096-bit modulus)"},
		{"RSA value 513 bytes for RSA-4096", withRSAValue(env4096, append([]byte{0}, rsa4096...)), priv4096, envelope.PKCS1v15, envelope.StageRSALength, "513 bytes, want exactly 512"},
		{"RSA-4096 value opened with a 2048-bit key", env4096, f.priv, envelope.PKCS1v15, envelope.StageRSALength, "512 bytes, want exactly 256"},
		{"wrong private key", env4096, otherPriv4096, envelope.PKCS1v15, envelope.StageRSADecrypt, "pkcs1v15 decryption failed"},
		{"RSA value all ones (above the modulus)", f.withRSA(bytes.Repeat([]byte{0xff}, 256)), f.priv, envelope.PKCS1v15, envelope.StageRSADecrypt, "decryption failed"},
		{"PKCS#1 v1.5 sealed, opened as OAEP-SHA-1", sealedWith(envelope.PKCS1v15), f.priv, envelope.OAEPSHA1, envelope.StageRSADecrypt, "oaep-sha1 decryption failed"},
		{"PKCS#1 v1.5 sealed, opened as OAEP-SHA-256", sealedWith(envelope.PKCS1v15), f.priv, envelope.OAEPSHA256, envelope.StageRSADecrypt, "oaep-sha256 decryption failed"},
		{"OAEP-SHA-1 sealed, opened as OAEP-SHA-256", sealedWith(envelope.OAEPSHA1), f.priv, envelope.OAEPSHA256, envelope.StageRSADecrypt, "decryption failed"},
		{"OAEP-SHA-256 sealed, opened as OAEP-SHA-1", sealedWith(envelope.OAEPSHA256), f.priv, envelope.OAEPSHA1, envelope.StageRSADecrypt, "decryption failed"},
		{"recovered key empty", rsaEncrypted(""), f.priv, envelope.PKCS1v15, envelope.StageKeyEncoding, "empty key"},
		{"recovered key not base64", rsaEncrypted("abcd1234!"), f.priv, envelope.PKCS1v15, envelope.StageKeyEncoding, "not canonical"},
		{"recovered key is the raw key string", rsaEncrypted("abcd123"), f.priv, envelope.PKCS1v15, envelope.StageKeyEncoding, "not canonical"},
		{"recovered key missing '='", rsaEncrypted("YWJjZDEyMzQ"), f.priv, envelope.PKCS1v15, envelope.StageKeyEncoding, "not canonical"},
		{"recovered key with stray bits", rsaEncrypted("YR=="), f.priv, envelope.PKCS1v15, envelope.StageKeyEncoding, "not canonical"},
		{"recovered key with newline", rsaEncrypted("YWJjZDEyMzQ=\n"), f.priv, envelope.PKCS1v15, envelope.StageKeyEncoding, "not canonical"},
		{"AES ciphertext empty", f.withAES(nil), f.priv, envelope.PKCS1v15, envelope.StageAESLength, "0 bytes, want a non-zero multiple of 16"},
		{"AES ciphertext 15 bytes", f.withAES(make([]byte, 15)), f.priv, envelope.PKCS1v15, envelope.StageAESLength, "15 bytes"},
		{"AES ciphertext 63 bytes", f.withAES(mustDecode(t, f.env.RequestEncryptedValue)[:63]), f.priv, envelope.PKCS1v15, envelope.StageAESLength, "63 bytes"},
		{"AES ciphertext 65 bytes", f.withAES(append(mustDecode(t, f.env.RequestEncryptedValue), 0)), f.priv, envelope.PKCS1v15, envelope.StageAESLength, "65 bytes"},
		{"padding byte 0", badPadding(bytes.Repeat([]byte{0}, 8)...), f.priv, envelope.PKCS1v15, envelope.StageAESPadding, "last byte 0"},
		{"padding byte 17", badPadding(append(make([]byte, 7), 17)...), f.priv, envelope.PKCS1v15, envelope.StageAESPadding, "last byte 17"},
		{"padding bytes disagree", badPadding(8, 8, 8, 8, 8, 8, 7, 8), f.priv, envelope.PKCS1v15, envelope.StageAESPadding, "not all 8"},
		{"padding length beyond the plaintext end", badPadding(0, 0, 0, 0, 0, 0, 0, 16), f.priv, envelope.PKCS1v15, envelope.StageAESPadding, "not all 16"},
		{"no padding (base64 text to the end)", badPadding([]byte("AAAAAAAA")...), f.priv, envelope.PKCS1v15, envelope.StageAESPadding, "last byte 65"},
		{"plaintext not base64", f.withPlaintext(t, "this is not base64!"), f.priv, envelope.PKCS1v15, envelope.StagePayloadBase64, "not canonical"},
		{"plaintext is the raw JSON", f.withPlaintext(t, stagePayload), f.priv, envelope.PKCS1v15, envelope.StagePayloadBase64, "not canonical"},
		{"plaintext base64 missing '='", f.withPlaintext(t, "e30"), f.priv, envelope.PKCS1v15, envelope.StagePayloadBase64, "not canonical"},
		{"plaintext base64 with newline", f.withPlaintext(t, "e30=\n"), f.priv, envelope.PKCS1v15, envelope.StagePayloadBase64, "not canonical"},
		{"plaintext base64 URL alphabet", f.withPlaintext(t, "eyJhIjoiPz8_In0="), f.priv, envelope.PKCS1v15, envelope.StagePayloadBase64, "not canonical"},
		{"plaintext base64 with stray bits", f.withPlaintext(t, "e31="), f.priv, envelope.PKCS1v15, envelope.StagePayloadBase64, "not canonical"},
		{"payload empty", sealedPayload(""), f.priv, envelope.PKCS1v15, envelope.StagePayloadJSON, "invalid JSON"},
		{"payload not JSON", sealedPayload("hello"), f.priv, envelope.PKCS1v15, envelope.StagePayloadJSON, "invalid JSON"},
		{"payload JSON array", sealedPayload(`[{"flow-id":"ZH0RKJvh"}]`), f.priv, envelope.PKCS1v15, envelope.StagePayloadJSON, "not an object"},
		{"payload JSON string", sealedPayload(`"{}"`), f.priv, envelope.PKCS1v15, envelope.StagePayloadJSON, "not an object"},
		{"payload duplicate keys", sealedPayload(`{"flow-id":"ZH0RKJvh","flow-id":"other123"}`), f.priv, envelope.PKCS1v15, envelope.StagePayloadJSON, `duplicate JSON key "flow-id"`},
		{"payload trailing data", sealedPayload(`{"flow-id":"ZH0RKJvh"} {}`), f.priv, envelope.PKCS1v15, envelope.StagePayloadJSON, "trailing data"},
		{"payload invalid UTF-8", sealedPayload("{\"name\":\"\xff\"}"), f.priv, envelope.PKCS1v15, envelope.StagePayloadJSON, "UTF-8"},
		{"payload truncated", sealedPayload(`{"flow-id":"ZH0R`), f.priv, envelope.PKCS1v15, envelope.StagePayloadJSON, "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := openErr(t, tt.env, tt.priv, tt.padding)
			if stage := openErrorStage(t, err); stage != tt.want {
				t.Errorf("Expected stage %v, Actual %v (%v)", tt.want, stage, err)
			}
			if envelope.StageOf(err) != tt.want {
				t.Errorf("StageOf: Expected %v, Actual %v", tt.want, envelope.StageOf(err))
			}
			if !strings.Contains(err.Error(), tt.reason) || !strings.Contains(err.Error(), tt.want.String()) {
				t.Errorf("Expected the error to contain %q and %q, Actual %q", tt.want.String(), tt.reason, err)
			}
		})
	}
}

func withRSAValue(env *envelope.Envelope, rsaValue []byte) *envelope.Envelope {
	e := *env
	e.RequestDigitalSignatureValue = b64(rsaValue)
	return &e
}

// An OAEP block opened as PKCS#1 v1.5 passes the v1.5 check when its
// second byte happens to be 0x02 (about 1 in 256, and crypto/rsa's padding
// randomness cannot be fixed since Go 1.26); the "key" it yields is then
// random bytes. So the stage is RSA decryption or, rarely, key encoding,
// never a success.
func TestOpenOAEPAsPKCS1v15(t *testing.T) {
	f := newStageFixture(t)
	for _, padding := range []envelope.Padding{envelope.OAEPSHA1, envelope.OAEPSHA256} {
		env, err := envelope.Seal([]byte(stagePayload), stageFlowID, f.pub, &envelope.SealOptions{Padding: padding})
		if err != nil {
			t.Fatal(err)
		}
		err = openErr(t, env, f.priv, envelope.PKCS1v15)
		if stage := openErrorStage(t, err); stage != envelope.StageRSADecrypt && stage != envelope.StageKeyEncoding {
			t.Errorf("%s opened as pkcs1v15: Expected %v (or rarely %v), Actual %v", padding, envelope.StageRSADecrypt, envelope.StageKeyEncoding, stage)
		}
	}
}

func TestOpenRefusesBadArguments(t *testing.T) {
	f := newStageFixture(t)
	if _, err := envelope.Open(nil, f.priv, envelope.PKCS1v15); err == nil {
		t.Error("nil envelope: Expected an error, Actual none")
	}
	if _, err := envelope.Open(&f.env, nil, envelope.PKCS1v15); err == nil {
		t.Error("nil private key: Expected an error, Actual none")
	}
	if _, err := envelope.Open(&f.env, f.priv, envelope.Padding(-1)); err == nil || envelope.StageOf(err) != 0 {
		t.Errorf("unknown padding: Expected a plain (non-stage) error, Actual %v", err)
	}
	if _, err := envelope.OpenKey(f.rsaValue, nil, envelope.PKCS1v15); err == nil {
		t.Error("OpenKey with nil key: Expected an error, Actual none")
	}
	if _, err := envelope.OpenKey(f.rsaValue, f.priv, envelope.Padding(9)); err == nil || !strings.Contains(err.Error(), "Padding(9)") {
		t.Errorf("OpenKey with unknown padding: Expected an error naming Padding(9), Actual %v", err)
	}
	if _, err := envelope.DecryptECB(make([]byte, 5), make([]byte, 16)); err == nil {
		t.Error("DecryptECB with a 5-byte key: Expected an error, Actual none")
	}
	if err := envelope.EncryptBlocks(f.aesKey, make([]byte, 17)); err == nil {
		t.Error("EncryptBlocks on 17 bytes: Expected an error, Actual none")
	}
}

func TestStageString(t *testing.T) {
	seen := map[string]bool{}
	for s := envelope.StageEncryptedValueBase64; s <= envelope.StagePayloadJSON; s++ {
		text := s.String()
		if strings.HasPrefix(text, "Stage(") || seen[text] {
			t.Errorf("stage %d: Expected a unique description, Actual %q", int(s), text)
		}
		seen[text] = true
	}
	if got := envelope.Stage(99).String(); got != "Stage(99)" {
		t.Errorf("unknown stage: Expected Stage(99), Actual %q", got)
	}
}

func TestDecodeStrict(t *testing.T) {
	for _, ok := range []string{"", "YQ==", "YWI=", "YWJj", "YWJjZDEyMzQ=", "+/+/"} {
		if _, err := envelope.DecodeStrict(ok); err != nil {
			t.Errorf("DecodeStrict(%q): Expected success, Actual %v", ok, err)
		}
	}
	for _, bad := range []string{"YR==", "YQ=", "YQ", "Y", "YQ==\n", "\nYQ==", "YQ\r\n==", " YQ==", "-_-_", "YQ==YQ==", "YQ===", "====", "YW=I"} {
		if _, err := envelope.DecodeStrict(bad); err == nil {
			t.Errorf("DecodeStrict(%q): Expected an error, Actual success", bad)
		}
	}
}
