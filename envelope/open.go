package envelope

import (
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

// Stage names the step of Open that failed.
type Stage int

const (
	StageEncryptedValueBase64 Stage = iota + 1 // requestEncryptedValue is not canonical standard base64
	StageSignatureValueBase64                  // requestDigitalSignatureValue is not canonical standard base64
	StageRSALength                             // the RSA value is not exactly the modulus length
	StageRSADecrypt                            // RSA decryption or its padding check failed
	StageKeyEncoding                           // the recovered keyB64 is empty or not canonical base64
	StageAESLength                             // the AES ciphertext is empty or not whole blocks
	StageAESPadding                            // the PKCS#5 padding of the plaintext is wrong
	StagePayloadBase64                         // the plaintext is not canonical base64
	StagePayloadJSON                           // the decoded payload is not one strict JSON object
)

var stageText = map[Stage]string{
	StageEncryptedValueBase64: "base64 of requestEncryptedValue",
	StageSignatureValueBase64: "base64 of requestDigitalSignatureValue",
	StageRSALength:            "RSA value length",
	StageRSADecrypt:           "RSA decryption",
	StageKeyEncoding:          "base64 of the recovered AES key string",
	StageAESLength:            "AES ciphertext length",
	StageAESPadding:           "AES PKCS#5 padding",
	StagePayloadBase64:        "base64 of the decrypted payload",
	StagePayloadJSON:          "payload JSON",
}

func (s Stage) String() string {
	if t, ok := stageText[s]; ok {
		return t
	}
	return fmt.Sprintf("Stage(%d)", int(s))
}

// OpenError says which stage of Open failed and why. Servers must not show
// it to callers (a decryption oracle); certification tooling should.
type OpenError struct {
	Stage Stage
	Err   error
}

func (e *OpenError) Error() string { return "envelope: " + e.Stage.String() + ": " + e.Err.Error() }
func (e *OpenError) Unwrap() error { return e.Err }

// StageOf returns the stage of an *OpenError in err's chain, or 0.
func StageOf(err error) Stage {
	var oe *OpenError
	if errors.As(err, &oe) {
		return oe.Stage
	}
	return 0
}

func fail(stage Stage, format string, args ...any) error {
	return &OpenError{Stage: stage, Err: fmt.Errorf(format, args...)}
}

// Opened is what Open recovered, for callers that need more than the payload.
type Opened struct {
	Payload    []byte // the exact payload bytes that were sealed
	KeyB64     string // base64 of the key string: a secret
	PayloadB64 string
}

// Open decrypts env with the flow's private key and returns the exact
// payload bytes that were sealed. It opens strictly (spec section 3).
func Open(env *Envelope, priv *rsa.PrivateKey, padding Padding) ([]byte, error) {
	o, err := OpenDetailed(env, priv, padding)
	if err != nil {
		return nil, err
	}
	return o.Payload, nil
}

// OpenDetailed is Open that also returns the recovered secrets.
func OpenDetailed(env *Envelope, priv *rsa.PrivateKey, padding Padding) (*Opened, error) {
	if env == nil || priv == nil {
		return nil, errors.New("envelope: Open needs an envelope and a private key")
	}
	if !padding.valid() {
		return nil, fmt.Errorf("envelope: %v is not a padding", padding)
	}
	ciphertext, err := DecodeStrict(env.RequestEncryptedValue)
	if err != nil {
		return nil, &OpenError{StageEncryptedValueBase64, err}
	}
	rsaValue, err := DecodeStrict(env.RequestDigitalSignatureValue)
	if err != nil {
		return nil, &OpenError{StageSignatureValueBase64, err}
	}
	keyB64, err := OpenKey(rsaValue, priv, padding)
	if err != nil {
		return nil, err
	}
	payloadB64, err := DecryptECB(DeriveAESKeyFromB64(keyB64), ciphertext)
	if err != nil {
		return nil, err
	}
	payload, err := DecodeStrict(string(payloadB64))
	if err != nil {
		return nil, &OpenError{StagePayloadBase64, err}
	}
	if err := strictjson.CheckObject(payload); err != nil {
		return nil, &OpenError{StagePayloadJSON, err}
	}
	return &Opened{Payload: payload, KeyB64: keyB64, PayloadB64: string(payloadB64)}, nil
}

// OpenKey recovers keyB64 from the RSA value, which must be exactly the
// modulus length (Go's and Java's decrypt functions accept shorter values).
func OpenKey(rsaValue []byte, priv *rsa.PrivateKey, padding Padding) (string, error) {
	// OpenKey is exported, so it cannot rely on OpenDetailed's checks: an
	// unknown Padding would otherwise fall through to OAEP-SHA-256.
	if priv == nil || priv.N == nil {
		return "", errors.New("envelope: OpenKey needs a private key")
	}
	if !padding.valid() {
		return "", fmt.Errorf("envelope: %v is not a padding", padding)
	}
	if len(rsaValue) != priv.Size() {
		return "", fail(StageRSALength, "%d bytes, want exactly %d (the %d-bit modulus)", len(rsaValue), priv.Size(), priv.N.BitLen())
	}
	keyB64, err := padding.decrypt(priv, rsaValue)
	if err != nil {
		return "", fail(StageRSADecrypt, "%s decryption failed", padding)
	}
	if len(keyB64) == 0 {
		return "", fail(StageKeyEncoding, "empty key")
	}
	if _, err := DecodeStrict(string(keyB64)); err != nil {
		return "", &OpenError{StageKeyEncoding, err}
	}
	return string(keyB64), nil
}

// DeriveAESKeyFromB64 is DeriveAESKey for a key string already base64 encoded.
func DeriveAESKeyFromB64(keyB64 string) []byte {
	return sha256Prefix([]byte(keyB64))
}

// DecryptECB decrypts an AES-ECB ciphertext and strips its PKCS#5 padding,
// failing with StageAESLength or StageAESPadding.
func DecryptECB(key, ciphertext []byte) ([]byte, error) {
	if len(ciphertext) == 0 || len(ciphertext)%BlockSize != 0 {
		return nil, fail(StageAESLength, "%d bytes, want a non-zero multiple of %d", len(ciphertext), BlockSize)
	}
	plain := append([]byte(nil), ciphertext...)
	if err := DecryptBlocks(key, plain); err != nil {
		return nil, err
	}
	padLen := int(plain[len(plain)-1])
	if padLen == 0 || padLen > BlockSize {
		return nil, fail(StageAESPadding, "last byte %d is not a padding length 1-%d", padLen, BlockSize)
	}
	pad := plain[len(plain)-padLen:]
	for _, b := range pad {
		if subtle.ConstantTimeByteEq(b, byte(padLen)) != 1 {
			return nil, fail(StageAESPadding, "padding bytes are not all %d", padLen)
		}
	}
	return plain[:len(plain)-padLen], nil
}

// DecodeStrict decodes canonical standard base64 with padding: no
// whitespace, no URL alphabet, no missing padding, no stray bits.
func DecodeStrict(s string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not canonical standard base64: %w", err)
	}
	// Go's decoder skips \r and \n even in Strict mode; re-encoding catches them.
	if base64.StdEncoding.EncodeToString(b) != s {
		return nil, errors.New("not canonical standard base64: contains characters outside the alphabet")
	}
	return b, nil
}
