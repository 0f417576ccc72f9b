package certify

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"unicode/utf8"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

// The AES half of the diagnosis: which key and mode decrypt the ciphertext,
// then what the plaintext is.

// aesKeyCandidate is one way of turning what the RSA value carries into an
// AES key; finding is nil for the spec's way.
type aesKeyCandidate struct {
	key     []byte
	finding *Finding
}

const aesRule = "spec 3 step 4"
const aesWant = "the AES key must be SHA-256(base64(k))[:16], base64(k) being exactly what the RSA value carries"

func aesFinding(got, mistake string) *Finding {
	return &Finding{Rule: aesRule, Want: aesWant, Got: "the ciphertext decrypts with " + got + " instead", Mistake: mistake}
}

// aesCandidates lists the spec's key derivation and the usual mistakes.
func aesCandidates(carried []byte) []aesKeyCandidate {
	sum := sha256.Sum256(carried)
	c := []aesKeyCandidate{{key: sum[:16]}}
	add := func(key []byte, got, mistake string) {
		if n := len(key); n == 16 || n == 24 || n == 32 {
			c = append(c, aesKeyCandidate{key: key, finding: aesFinding(got, mistake)})
		}
	}
	fit16 := func(b []byte) []byte {
		out := make([]byte, 16)
		copy(out, b)
		return out
	}
	if k, err := envelope.DecodeStrict(string(carried)); err == nil {
		add(k, "the raw key string k", "aes-key-raw")
		if len(k) != 16 {
			add(fit16(k), "the raw key string k cut or zero-padded to 16 bytes", "aes-key-raw")
		}
		s := sha256.Sum256(k)
		add(s[:16], "SHA-256(k)[:16] (the base64 step skipped)", "aes-key-sha256-of-raw")
		add(s[:], "all of SHA-256(k) (AES-256, the base64 step skipped)", "aes-key-sha256-of-raw")
		h1 := sha1.Sum(k)
		add(h1[:16], "SHA-1(k)[:16]", "aes-key-sha1")
		h5 := md5.Sum(k)
		add(h5[:], "MD5(k)", "aes-key-md5")
	}
	add(sum[:], "all 32 bytes of SHA-256(base64(k)) (AES-256, not AES-128)", "aes-key-aes256")
	add(carried, "the bytes of base64(k) themselves", "aes-key-raw-base64")
	if len(carried) != 16 {
		add(fit16(carried), "the bytes of base64(k) cut or zero-padded to 16 bytes", "aes-key-raw-base64")
	}
	h1 := sha1.Sum(carried)
	add(h1[:16], "SHA-1(base64(k))[:16]", "aes-key-sha1")
	h5 := md5.Sum(carried)
	add(h5[:], "MD5(base64(k))", "aes-key-md5")
	// The client RSA-encrypted k itself, not base64(k), and derived the AES
	// key from it correctly.
	raw := sha256.Sum256([]byte(base64.StdEncoding.EncodeToString(carried)))
	c = append(c, aesKeyCandidate{key: raw[:16], finding: &Finding{
		Rule: "spec 3 step 6", Want: "the RSA value must carry base64(k), k the key string",
		Got: "it carries the key string k itself (the AES key SHA-256(base64(k))[:16] is right for that k)", Mistake: "rsa-carries-raw-key",
	}})
	return c
}

// aes decrypts the ciphertext, finding the key and mode the client used.
func (dg *diagnoser) aes(ciphertext, carried []byte) ([]byte, bool) {
	if len(ciphertext) == 0 || len(ciphertext)%envelope.BlockSize != 0 {
		dg.add("spec 3 step 5", "requestEncryptedValue must be AES-128-ECB output: a whole number of 16-byte blocks",
			fmt.Sprintf("it is %d bytes", len(ciphertext)), "aes-length")
		return nil, false
	}
	_, notB64 := envelope.DecodeStrict(string(carried))
	keyOK := func(c aesKeyCandidate) {
		if notB64 != nil && (c.finding == nil || c.finding.Mistake != "rsa-carries-raw-key") {
			dg.add("spec 3 step 3", "the RSA value must carry base64(k), canonical standard base64",
				"it carries a string that is not canonical base64", "rsa-key-not-base64")
		}
		if c.finding != nil {
			dg.d.Findings = append(dg.d.Findings, *c.finding)
		}
	}
	candidates := aesCandidates(carried)
	for _, c := range candidates {
		if plain, err := envelope.DecryptECB(c.key, ciphertext); err == nil && plausible(plain) {
			keyOK(c)
			return plain, true
		}
	}
	// No key gives ECB with PKCS#5 padding: look for a wrong mode or padding.
	for _, c := range candidates {
		if plain, mistake, got := otherModes(c.key, ciphertext); plain != nil {
			keyOK(c)
			dg.add("spec 3 step 5", "the payload base64 must be encrypted with AES in ECB mode with PKCS#5 padding", got, mistake)
			return plain, true
		}
	}
	keyOK(aesKeyCandidate{})
	dg.add(aesRule, aesWant+", in ECB mode with PKCS#5 padding",
		"the ciphertext decrypts to noise with that key and with the usual mistakes (raw key, SHA-256 without base64, AES-256, SHA-1, MD5, CBC): was it encrypted with the key string the RSA value carries?",
		"aes-key-unknown")
	return nil, false
}

// otherModes tries CBC (zero IV, or the IV as the first block) and ECB
// with zero, space or no padding.
func otherModes(key, ciphertext []byte) (plain []byte, mistake, got string) {
	raw := append([]byte(nil), ciphertext...)
	if envelope.DecryptBlocks(key, raw) != nil {
		return nil, "", ""
	}
	// CBC: P[i] = D(C[i]) xor C[i-1], C[-1] the IV.
	cbc := func(iv, blocks, dec []byte) []byte {
		out := append([]byte(nil), dec...)
		prev := iv
		for i := 0; i < len(out); i += envelope.BlockSize {
			for j := 0; j < envelope.BlockSize; j++ {
				out[i+j] ^= prev[j]
			}
			prev = blocks[i : i+envelope.BlockSize]
		}
		return unpad(out)
	}
	if p := cbc(make([]byte, envelope.BlockSize), ciphertext, raw); p != nil && plausible(p) {
		return p, "aes-mode-cbc", "it is CBC with a zero IV"
	}
	if len(ciphertext) > envelope.BlockSize {
		if p := cbc(ciphertext[:envelope.BlockSize], ciphertext[envelope.BlockSize:], raw[envelope.BlockSize:]); p != nil && plausible(p) {
			return p, "aes-mode-cbc", "it is CBC with the IV as its first block"
		}
	}
	if trimmed := bytes.TrimRight(raw, "\x00"); len(trimmed) < len(raw) && plausible(trimmed) {
		return trimmed, "aes-zero-padding", "it is ECB padded with zero bytes instead of PKCS#5"
	}
	if trimmed := bytes.TrimRight(raw, " "); len(trimmed) < len(raw) && plausible(trimmed) {
		return trimmed, "aes-space-padding", "it is ECB padded with spaces instead of PKCS#5"
	}
	if plausible(raw) {
		return raw, "aes-no-padding", "it is ECB without any padding (PKCS#5 adds 1 to 16 bytes, a whole block when the length is a multiple of 16)"
	}
	return nil, "", ""
}

func unpad(p []byte) []byte {
	if len(p) == 0 {
		return nil
	}
	n := int(p[len(p)-1])
	if n == 0 || n > envelope.BlockSize || n > len(p) {
		return nil
	}
	for _, c := range p[len(p)-n:] {
		if int(c) != n {
			return nil
		}
	}
	return p[:len(p)-n]
}

// plausible tells a right decryption from noise: text without control
// characters (the payload's base64, or raw JSON).
func plausible(p []byte) bool {
	if len(p) == 0 {
		return false
	}
	for _, c := range p {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// payload undoes the inner base64 and checks the JSON.
func (dg *diagnoser) payload(plain []byte) bool {
	const want = "AES must encrypt the canonical standard base64 of the payload JSON"
	if p, err := envelope.DecodeStrict(string(plain)); err == nil {
		return dg.json(p)
	}
	if t := bytes.TrimLeft(plain, " \t\r\n\ufeff"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		dg.add("spec 3 steps 1 and 5", want, "it encrypts the raw payload JSON instead of its base64", "payload-raw-json")
		return dg.json(plain)
	}
	p, mistake, got := lenientBase64(string(plain))
	if mistake == "" {
		dg.add("spec 3 steps 1 and 5", want, "the decrypted plaintext is neither base64 nor JSON", "payload-not-base64")
		return false
	}
	dg.add("spec 3 step 1", want, got, "payload-"+mistake)
	return dg.json(p)
}

func (dg *diagnoser) json(p []byte) bool {
	const rule = "spec 2"
	dg.d.Payload = p
	if inner, err := envelope.DecodeStrict(string(bytes.TrimSpace(p))); err == nil && strictjson.CheckObject(inner) == nil {
		dg.add("spec 3 step 1", "the payload JSON must be base64-encoded once", "it was base64-encoded twice", "payload-double-base64")
		return true
	}
	err := strictjson.CheckObject(p)
	if err == nil {
		return true
	}
	switch {
	case bytes.HasPrefix(p, []byte("\xef\xbb\xbf")):
		dg.add(rule, "the payload must be JSON text starting with {", "it starts with a UTF-8 byte order mark", "payload-bom")
	case bytes.IndexByte(p, 0) >= 0:
		dg.add(rule, "the payload JSON must be UTF-8", "it contains zero bytes: UTF-16?", "payload-not-utf8")
	case !utf8.Valid(p):
		dg.add(rule, "the payload JSON must be UTF-8", "it is not valid UTF-8 (Latin-1 or another code page?)", "payload-not-utf8")
	default:
		dg.add(rule, "the payload must be exactly one JSON object (no duplicate keys, nothing after it)", "it is not: "+err.Error(), "payload-json")
	}
	return false
}
