package envelope

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

const (
	// AESKeySize is the AES-128 key length derived from the key string.
	AESKeySize = 16
	// BlockSize is the AES block size; ECB ciphertexts are a multiple of it.
	BlockSize = aes.BlockSize
	// RandomKeyBytes is how many random bytes a generated key string carries.
	// The docs' 8-character keys can be searched offline; 16 bytes cannot.
	RandomKeyBytes = 16
)

// Envelope is the body of a request to an encrypted Kairos endpoint.
type Envelope struct {
	RequestEncryptedValue        string `json:"requestEncryptedValue"`
	RequestDigitalSignatureValue string `json:"requestDigitalSignatureValue"`
	FlowID                       string `json:"flow-id"`
}

// SealOptions tune Seal. The zero value (or nil) seals with a fresh random
// key string and PKCS#1 v1.5.
type SealOptions struct {
	// Key is the key string k. Empty means a fresh random one. Set it only to
	// reproduce a vector or a vendor's request: a reused key makes payloads
	// comparable across requests.
	Key string
	// Padding is the RSA padding; the zero value is PKCS1v15.
	Padding Padding
	// Rand is the source of the random key string; nil means crypto/rand.
	// (Since Go 1.26 crypto/rsa draws its own padding randomness, so only the
	// AES half of an envelope is deterministic.)
	Rand io.Reader
}

// Sealed is an envelope together with the secrets that produced it, for
// callers (tests, certification) that need to show their work.
type Sealed struct {
	Envelope
	Key        string // the key string k: a secret
	PayloadB64 string
}

// NewKeyString returns a random key string of RandomKeyBytes bytes, hex encoded.
func NewKeyString(random io.Reader) (string, error) {
	if random == nil {
		random = rand.Reader
	}
	b := make([]byte, RandomKeyBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("envelope: reading random key: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// DeriveAESKey returns the AES-128 key for a key string: the first 16 bytes
// of SHA-256 over the ASCII bytes of base64(k).
func DeriveAESKey(key string) []byte {
	return sha256Prefix([]byte(base64.StdEncoding.EncodeToString([]byte(key))))
}

func sha256Prefix(keyB64 []byte) []byte {
	sum := sha256.Sum256(keyB64)
	return sum[:AESKeySize]
}

// Seal encrypts payload (the inner JSON bytes, sealed exactly as given) for
// the flow whose public key is pub.
func Seal(payload []byte, flowID string, pub *rsa.PublicKey, opts *SealOptions) (*Envelope, error) {
	s, err := SealDetailed(payload, flowID, pub, opts)
	if err != nil {
		return nil, err
	}
	return &s.Envelope, nil
}

// SealDetailed is Seal that also returns the key string and payloadB64.
func SealDetailed(payload []byte, flowID string, pub *rsa.PublicKey, opts *SealOptions) (*Sealed, error) {
	if opts == nil {
		opts = &SealOptions{}
	}
	if pub == nil {
		return nil, errors.New("envelope: no public key")
	}
	if !opts.Padding.valid() {
		return nil, fmt.Errorf("envelope: %v is not a padding", opts.Padding)
	}
	key := opts.Key
	if key == "" {
		var err error
		if key, err = NewKeyString(opts.Rand); err != nil {
			return nil, err
		}
	}
	keyB64 := base64.StdEncoding.EncodeToString([]byte(key))
	if limit := opts.Padding.MaxMessageLen(pub.Size()); len(keyB64) > limit {
		return nil, fmt.Errorf("envelope: key string too long: its base64 is %d bytes, but %s with a %d-bit key fits at most %d",
			len(keyB64), opts.Padding, pub.N.BitLen(), limit)
	}
	payloadB64 := base64.StdEncoding.EncodeToString(payload)
	rsaValue, err := opts.Padding.encrypt(rand.Reader, pub, []byte(keyB64))
	if err != nil {
		return nil, fmt.Errorf("envelope: RSA encryption: %w", err)
	}
	ciphertext, err := EncryptECB(DeriveAESKey(key), []byte(payloadB64))
	if err != nil {
		return nil, err
	}
	return &Sealed{
		Envelope: Envelope{
			RequestEncryptedValue:        base64.StdEncoding.EncodeToString(ciphertext),
			RequestDigitalSignatureValue: base64.StdEncoding.EncodeToString(rsaValue),
			FlowID:                       flowID,
		},
		Key:        key,
		PayloadB64: payloadB64,
	}, nil
}

// EncryptECB pads plaintext with PKCS#7 and encrypts it with AES in ECB
// mode, as Java's "AES" cipher does. key must be 16, 24 or 32 bytes.
func EncryptECB(key, plaintext []byte) ([]byte, error) {
	padLen := BlockSize - len(plaintext)%BlockSize
	buf := make([]byte, len(plaintext)+padLen)
	copy(buf, plaintext)
	for i := len(plaintext); i < len(buf); i++ {
		buf[i] = byte(padLen)
	}
	if err := EncryptBlocks(key, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// EncryptBlocks encrypts whole blocks in place with AES-ECB and no padding;
// tests use it to build ciphertexts with deliberately wrong padding.
func EncryptBlocks(key, blocks []byte) error {
	return ecb(key, blocks, func(b cipher.Block, dst, src []byte) { b.Encrypt(dst, src) })
}

// DecryptBlocks is EncryptBlocks' inverse: it leaves any padding in place.
func DecryptBlocks(key, blocks []byte) error {
	return ecb(key, blocks, func(b cipher.Block, dst, src []byte) { b.Decrypt(dst, src) })
}

func ecb(key, blocks []byte, crypt func(b cipher.Block, dst, src []byte)) error {
	block, err := aes.NewCipher(key)
	if err != nil {
		return fmt.Errorf("envelope: %w", err)
	}
	if len(blocks)%BlockSize != 0 {
		return fmt.Errorf("envelope: %d bytes is not a whole number of %d-byte blocks", len(blocks), BlockSize)
	}
	for i := 0; i < len(blocks); i += BlockSize {
		crypt(block, blocks[i:i+BlockSize], blocks[i:i+BlockSize])
	}
	return nil
}
