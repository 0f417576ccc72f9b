package steps

import (
	"bytes"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// TestRSAProbes: every probe fails to open at the stage it aims at, and
// only there: a decoder that skipped that one check recovers a key string
// under which the AES half opens to the payload.
func TestRSAProbes(t *testing.T) {
	st, priv := testScenario(t)
	pub := &priv.PublicKey
	payload, err := st.payloadBytes()
	if err != nil {
		t.Fatal(err)
	}

	// Lenient decoders, each skipping one check of RFC 8017 7.2.1.
	raw := func(rv []byte) []byte {
		m := new(big.Int).Exp(new(big.Int).SetBytes(rv), priv.D, priv.N)
		return m.FillBytes(make([]byte, priv.Size()))
	}
	afterFirstZero := func(block []byte, from int) string {
		i := bytes.IndexByte(block[from:], 0)
		if i < 0 {
			return ""
		}
		return string(block[from+i+1:])
	}
	// Ignores the first two bytes (and so the block type), or the minimum
	// padding length: the key string is what follows the first zero.
	anyHeader := func(rv []byte) string { return afterFirstZero(raw(rv), 2) }
	shortPS := anyHeader
	noKeyCheck := func(rv []byte) string {
		k, err := priv.Decrypt(nil, rv, nil)
		if err != nil {
			return ""
		}
		return string(k)
	}
	reduces := func(rv []byte) string {
		v := new(big.Int).Mod(new(big.Int).SetBytes(rv), priv.N)
		k, err := priv.Decrypt(nil, v.FillBytes(make([]byte, priv.Size())), nil)
		if err != nil {
			return ""
		}
		return string(k)
	}
	cases := []struct {
		phrase  string
		stage   envelope.Stage
		lenient func(rv []byte) string // a decoder skipping the probed check; nil: none can open it
	}{
		{"an RSA block whose first byte is 01", envelope.StageRSADecrypt, anyHeader},
		{"an RSA block of type 01", envelope.StageRSADecrypt, anyHeader},
		{"an RSA block of type FF", envelope.StageRSADecrypt, anyHeader},
		{"an RSA block with no zero separator", envelope.StageRSADecrypt, nil},
		{"an RSA block with a zero at padding byte 1", envelope.StageRSADecrypt, nil},
		{"an RSA block with a zero at padding byte 8", envelope.StageRSADecrypt, nil},
		{"an RSA block whose padding string is 5 bytes long", envelope.StageRSADecrypt, shortPS},
		{"an RSA-encrypted key string one byte shorter than base64 allows", envelope.StageKeyEncoding, noKeyCheck},
		{"an RSA-encrypted key string one byte longer than base64 allows", envelope.StageKeyEncoding, noKeyCheck},
		{"an RSA value equal to the modulus", envelope.StageRSADecrypt, nil},
		{"an RSA value above the modulus", envelope.StageRSADecrypt, reduces},
	}
	for _, tc := range cases {
		mf, args, err := findEnvelopeMalformation(tc.phrase)
		if err != nil {
			t.Fatal(err)
		}
		body, err := mf.build(st, payload, args)
		if err != nil {
			t.Fatalf("%s: %v", tc.phrase, err)
		}
		var env envelope.Envelope
		if err := json.Unmarshal(body, &env); err != nil {
			t.Fatal(err)
		}
		_, err = envelope.OpenDetailed(&env, priv, envelope.PKCS1v15)
		if got := envelope.StageOf(err); got != tc.stage {
			t.Errorf("%s: Expected a failure at %s, Actual %v", tc.phrase, tc.stage, err)
			continue
		}
		rv, _ := envelope.DecodeStrict(env.RequestDigitalSignatureValue)
		if len(rv) != pub.Size() {
			t.Errorf("%s: Expected an RSA value of the modulus length %d, Actual %d", tc.phrase, pub.Size(), len(rv))
		}
		if tc.lenient == nil {
			continue // broken beyond any decoder's repair
		}
		keyB64 := tc.lenient(rv)
		ct, _ := envelope.DecodeStrict(env.RequestEncryptedValue)
		plain, err := envelope.DecryptECB(envelope.DeriveAESKeyFromB64(keyB64), ct)
		if keyB64 == "" || err != nil || string(plain) != encodeB64(payload) {
			t.Errorf("%s: Expected a decoder that skips the probed check to open the envelope, Actual key string %q, %v", tc.phrase, keyB64, err)
		}
	}
}
