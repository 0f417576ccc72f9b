// Package certifytest seals Kairos envelopes the wrong ways vendors' clients
// do, so that tests can prove certification catches and names each mistake.
// It is for tests only: nothing in the product imports it.
package certifytest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// FixedKey is the key string of the "fixed-key" mistake: long enough to
// pass every other check, but the same on every request.
const FixedKey = "certifytest-fixed-key-0123456789"

// Mistake is one deliberate departure from spec section 3.
type Mistake struct {
	Name string
	// Key is the key string k; empty means a fresh random one, of
	// RandomKeyLen alphanumerics if set, else envelope.NewKeyString's.
	Key          string
	RandomKeyLen int
	// AESKey derives the AES key from k; nil means SHA-256(base64(k))[:16].
	AESKey func(k string) []byte
	// Encode encodes both envelope values; nil means standard base64.
	Encode func([]byte) string
	// RSA encrypts what the RSA value carries; nil means Padding.
	RSA func(pub *rsa.PublicKey, msg []byte) ([]byte, error)
	// Padding is the padding the client was asked for (KAIROS_RSA_PADDING),
	// which a nil RSA honours.
	Padding envelope.Padding
	// MGF1SHA1 seals oaep-sha256 as Java's OAEPWithSHA-256AndMGF1Padding
	// does by default: SHA-256 for the OAEP hash, SHA-1 for MGF1. Other
	// paddings are sealed correctly.
	MGF1SHA1 bool
	// Payload rewrites the payload file's bytes before sealing (nil: seal
	// them as they are), seeing the client's environment through getenv.
	Payload func(payload []byte, getenv func(string) string) ([]byte, error)
	// ExitOnRefusal prints the body, then exits 1 when its
	// api-response-code is not 200.
	ExitOnRefusal bool
	// RSACarriesK puts k itself, not base64(k), into the RSA value.
	RSACarriesK bool
	// RawJSON encrypts the payload JSON instead of its base64.
	RawJSON bool
	// Encrypt replaces AES-ECB with PKCS#5 padding.
	Encrypt func(key, plain []byte) ([]byte, error)
	// MangleRSA changes the RSA value's bytes after encryption.
	MangleRSA func([]byte) []byte
}

// The broken clients certification must fail, by name (brokenclient -mode).
var Mistakes = map[string]Mistake{
	// The five of issue 6.
	"raw-aes-key":     {AESKey: func(k string) []byte { return []byte(k) }, RandomKeyLen: 16},
	"fixed-key":       {Key: FixedKey},
	"url-safe-base64": {Encode: base64.URLEncoding.EncodeToString},
	"oaep":            {RSA: oaepSHA1},
	"raw-json":        {RawJSON: true},
	// More mistakes the diagnosis names.
	"sha256-without-base64": {AESKey: func(k string) []byte { s := sha256.Sum256([]byte(k)); return s[:16] }},
	"aes-256":               {AESKey: func(k string) []byte { s := sha256.Sum256([]byte(b64(k))); return s[:] }},
	"rsa-carries-k":         {RSACarriesK: true, Key: "k-not-base64-!!-0123456789"},
	"oaep-sha256":           {RSA: oaepSHA256},
	"unpadded-base64":       {Encode: base64.RawStdEncoding.EncodeToString},
	"wrapped-base64":        {Encode: mimeBase64},
	"cbc-zero-iv":           {Encrypt: cbcZeroIV},
	"zero-padding":          {Encrypt: zeroPadded},
	"rsa-sign-byte":         {MangleRSA: func(v []byte) []byte { return append([]byte{0}, v...) }},
	"short-key":             {Key: "abcd1234"},
	// The mistakes of issue 11.
	"reserialise":           {Payload: reserialise},
	"hex":                   {Encode: hex.EncodeToString},
	"base64-of-hex":         {Encode: func(b []byte) string { return b64(hex.EncodeToString(b)) }},
	"platform-charset":      {Payload: platformCharset},
	"oaep-sha256-mgf1-sha1": {MGF1SHA1: true},
	"exit-on-refusal":       {ExitOnRefusal: true},
}

// Names lists the mistakes, sorted.
func Names() []string {
	var names []string
	for n := range Mistakes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Seal seals payload the way m says. The zero Mistake seals correctly.
func Seal(payload []byte, flowID string, pub *rsa.PublicKey, m Mistake) (*envelope.Envelope, error) {
	k := m.Key
	if k == "" && m.RandomKeyLen > 0 {
		k = randomKey(m.RandomKeyLen)
	}
	if k == "" {
		var err error
		if k, err = envelope.NewKeyString(nil); err != nil {
			return nil, err
		}
	}
	aesKey := envelope.DeriveAESKey(k)
	if m.AESKey != nil {
		aesKey = m.AESKey(k)
	}
	plain := []byte(b64(string(payload)))
	if m.RawJSON {
		plain = payload
	}
	encrypt := envelope.EncryptECB
	if m.Encrypt != nil {
		encrypt = m.Encrypt
	}
	ciphertext, err := encrypt(aesKey, plain)
	if err != nil {
		return nil, err
	}
	carried := []byte(b64(k))
	if m.RSACarriesK {
		carried = []byte(k)
	}
	rsaEncrypt := func(pub *rsa.PublicKey, msg []byte) ([]byte, error) {
		if m.Padding == envelope.OAEPSHA256 && m.MGF1SHA1 {
			return rsa.EncryptOAEPWithOptions(rand.Reader, pub, msg, &rsa.OAEPOptions{Hash: crypto.SHA256, MGFHash: crypto.SHA1})
		}
		return m.Padding.EncryptKey(rand.Reader, pub, msg)
	}
	if m.RSA != nil {
		rsaEncrypt = m.RSA
	}
	rsaValue, err := rsaEncrypt(pub, carried)
	if err != nil {
		return nil, fmt.Errorf("certifytest: %w", err)
	}
	if m.MangleRSA != nil {
		rsaValue = m.MangleRSA(rsaValue)
	}
	encode := base64.StdEncoding.EncodeToString
	if m.Encode != nil {
		encode = m.Encode
	}
	return &envelope.Envelope{
		RequestEncryptedValue:        encode(ciphertext),
		RequestDigitalSignatureValue: encode(rsaValue),
		FlowID:                       flowID,
	}, nil
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func randomKey(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		x, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[x.Int64()]
	}
	return string(b)
}

func oaepSHA1(pub *rsa.PublicKey, msg []byte) ([]byte, error) {
	return envelope.OAEPSHA1.EncryptKey(rand.Reader, pub, msg)
}

func oaepSHA256(pub *rsa.PublicKey, msg []byte) ([]byte, error) {
	return envelope.OAEPSHA256.EncryptKey(rand.Reader, pub, msg)
}

// mimeBase64 wraps standard base64 at 76 characters with CRLF, as Java's
// MIME encoder does.
func mimeBase64(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s)
	return out.String()
}

func cbcZeroIV(key, plain []byte) ([]byte, error) {
	padded, err := envelope.EncryptECB(key, plain) // pads; re-done below as CBC
	if err != nil {
		return nil, err
	}
	if err := envelope.DecryptBlocks(key, padded); err != nil {
		return nil, err
	}
	prev := make([]byte, envelope.BlockSize)
	for i := 0; i < len(padded); i += envelope.BlockSize {
		block := padded[i : i+envelope.BlockSize]
		for j := range block {
			block[j] ^= prev[j]
		}
		if err := envelope.EncryptBlocks(key, block); err != nil {
			return nil, err
		}
		prev = block
	}
	return padded, nil
}

func zeroPadded(key, plain []byte) ([]byte, error) {
	buf := make([]byte, (len(plain)+envelope.BlockSize-1)/envelope.BlockSize*envelope.BlockSize)
	copy(buf, plain)
	if err := envelope.EncryptBlocks(key, buf); err != nil {
		return nil, err
	}
	return buf, nil
}
