package envelope_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

// FuzzOpen feeds Open arbitrary field values. Open must never panic, must
// report every failure as an *OpenError with a known stage, and anything
// it does open must be a strict JSON object that re-seals, with the
// recovered key, to exactly the ciphertext it came from (strict base64 and
// strict padding leave no second encoding of the same payload).
//
// With raw set, the two strings are the decoded bytes and are base64
// encoded before Open, so that mutations reach the RSA and AES stages
// instead of stopping at base64.
//
// Run with: go test -run='^$' -fuzz=FuzzOpen ./envelope
// A 2048-bit key keeps each RSA decryption cheap.
func FuzzOpen(f *testing.F) {
	pub, priv := loadTestKey(f, 2048)
	v := loadVector(f)
	for i, padding := range allPaddings {
		for _, payload := range []string{v.PayloadJSON, `{}`, `{"a":[1,{"b":null}]}`} {
			env, err := envelope.Seal([]byte(payload), v.FlowID, pub, &envelope.SealOptions{Padding: padding})
			if err != nil {
				f.Fatal(err)
			}
			f.Add(env.RequestEncryptedValue, env.RequestDigitalSignatureValue, uint8(i), false)
			f.Add(string(mustDecode(f, env.RequestEncryptedValue)), string(mustDecode(f, env.RequestDigitalSignatureValue)), uint8(i), true)
		}
		// Valid RSA value around broken AES sides: not JSON, an array,
		// duplicate keys, bad base64 inside, a truncated ciphertext.
		for _, payload := range []string{"[]", `{"a":1,"a":2}`, "not json", ""} {
			env, err := envelope.Seal([]byte(payload), v.FlowID, pub, &envelope.SealOptions{Padding: padding, Key: v.AESKey})
			if err != nil {
				f.Fatal(err)
			}
			f.Add(env.RequestEncryptedValue, env.RequestDigitalSignatureValue, uint8(i), false)
			f.Add(env.RequestEncryptedValue[:len(env.RequestEncryptedValue)-4], env.RequestDigitalSignatureValue, uint8(i), false)
			f.Add(string(mustDecode(f, env.RequestEncryptedValue)), string(mustDecode(f, env.RequestDigitalSignatureValue)), uint8(i), true)
		}
	}
	f.Add("", "", uint8(0), false)
	f.Add("", "", uint8(0), true)
	f.Add("YWJjZA==", "YWJjZA==", uint8(1), false)
	f.Add(" "+v.RequestEncryptedValue, v.RequestDigitalSignatureValue, uint8(2), false)
	f.Add(v.RequestEncryptedValue, strings.Repeat("A", 344), uint8(0), false)

	f.Fuzz(func(t *testing.T, encrypted, signature string, paddingIndex uint8, raw bool) {
		padding := allPaddings[int(paddingIndex)%len(allPaddings)]
		if raw {
			encrypted, signature = b64([]byte(encrypted)), b64([]byte(signature))
		}
		env := &envelope.Envelope{RequestEncryptedValue: encrypted, RequestDigitalSignatureValue: signature, FlowID: v.FlowID}
		opened, err := envelope.OpenDetailed(env, priv, padding)
		if err != nil {
			if stage := openErrorStage(t, err); stage < envelope.StageEncryptedValueBase64 || stage > envelope.StagePayloadJSON {
				t.Fatalf("unknown stage %d: %v", int(stage), err)
			}
			return
		}
		if err := strictjson.CheckObject(opened.Payload); err != nil {
			t.Fatalf("opened a payload that is not a strict JSON object: %v: %q", err, opened.Payload)
		}
		if b64(opened.Payload) != opened.PayloadB64 {
			t.Fatalf("payloadB64 %q does not encode payload %q", opened.PayloadB64, opened.Payload)
		}
		resealed, err := envelope.EncryptECB(envelope.DeriveAESKeyFromB64(opened.KeyB64), []byte(opened.PayloadB64))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(resealed, mustDecode(t, encrypted)) {
			t.Fatalf("re-sealing the opened payload gave a different ciphertext:\nExpected: %s\nActual:   %s", encrypted, b64(resealed))
		}
	})
}
