package envelope

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
)

// Padding is the RSA encryption padding used for requestDigitalSignatureValue.
type Padding int

const (
	// PKCS1v15 is RSAES-PKCS1-v1_5, Java's default "RSA" cipher and the spec's default.
	PKCS1v15 Padding = iota
	// OAEPSHA1 is RSAES-OAEP with SHA-1 for both the hash and MGF1 (Java's
	// "RSA/ECB/OAEPWithSHA-1AndMGF1Padding").
	OAEPSHA1
	// OAEPSHA256 is RSAES-OAEP with SHA-256 for both the hash and MGF1.
	OAEPSHA256
)

// pkcs1v15Overhead is the bytes PKCS#1 v1.5 encryption padding takes from the block.
const pkcs1v15Overhead = 11

var paddingNames = map[Padding]string{
	PKCS1v15:   "pkcs1v15",
	OAEPSHA1:   "oaep-sha1",
	OAEPSHA256: "oaep-sha256",
}

// PaddingNames lists the names ParsePadding accepts, for help texts.
const PaddingNames = "pkcs1v15, oaep-sha1, oaep-sha256"

// String returns the padding's name as used on the command line and in profiles.
func (p Padding) String() string {
	if name, ok := paddingNames[p]; ok {
		return name
	}
	return fmt.Sprintf("Padding(%d)", int(p))
}

// ParsePadding turns a name such as "oaep-sha256" into a Padding.
func ParsePadding(name string) (Padding, error) {
	for p, n := range paddingNames {
		if n == name {
			return p, nil
		}
	}
	return 0, fmt.Errorf("unknown RSA padding %q (want one of %s)", name, PaddingNames)
}

// MaxMessageLen is the longest keyB64 that fits one RSA block of a key with
// the given modulus size in bytes (501 for PKCS#1 v1.5 and RSA-4096).
func (p Padding) MaxMessageLen(modulusBytes int) int {
	switch p {
	case OAEPSHA1:
		return modulusBytes - 2*sha1.Size - 2
	case OAEPSHA256:
		return modulusBytes - 2*sha256.Size - 2
	default:
		return modulusBytes - pkcs1v15Overhead
	}
}

func (p Padding) oaepHash() hash.Hash {
	if p == OAEPSHA1 {
		return sha1.New()
	}
	return sha256.New()
}

// EncryptKey RSA-encrypts keyB64 for pub with padding p, as Seal does for
// requestDigitalSignatureValue (spec section 3, step 6). It is exported for
// callers that build envelopes field by field: servers' tests that need an
// envelope Seal would refuse to make.
func (p Padding) EncryptKey(random io.Reader, pub *rsa.PublicKey, keyB64 []byte) ([]byte, error) {
	if !p.valid() {
		return nil, fmt.Errorf("envelope: %v is not a padding", p)
	}
	if pub == nil {
		return nil, errors.New("envelope: EncryptKey needs a public key")
	}
	return p.encrypt(random, pub, keyB64)
}

// DecryptKey undoes EncryptKey with the flow's private key. Unlike OpenKey
// it takes a value of any length and checks nothing of what it recovers:
// it is for diagnosing an envelope that did not open, not for opening one.
func (p Padding) DecryptKey(priv *rsa.PrivateKey, ciphertext []byte) ([]byte, error) {
	if !p.valid() {
		return nil, fmt.Errorf("envelope: %v is not a padding", p)
	}
	if priv == nil || priv.N == nil {
		return nil, errors.New("envelope: DecryptKey needs a private key")
	}
	return p.decrypt(priv, ciphertext)
}

func (p Padding) encrypt(random io.Reader, pub *rsa.PublicKey, msg []byte) ([]byte, error) {
	if p == PKCS1v15 {
		// Deprecated in Go 1.26 for new designs; Kairos's envelope is
		// PKCS#1 v1.5 (SPEC.md 3.3), so this is the one place that speaks it.
		//lint:ignore SA1019 the protocol's padding
		return rsa.EncryptPKCS1v15(random, pub, msg)
	}
	return rsa.EncryptOAEP(p.oaepHash(), random, pub, msg, nil)
}

func (p Padding) decrypt(priv *rsa.PrivateKey, ciphertext []byte) ([]byte, error) {
	if p == PKCS1v15 {
		//lint:ignore SA1019 the protocol's padding (see encrypt)
		return rsa.DecryptPKCS1v15(nil, priv, ciphertext)
	}
	return rsa.DecryptOAEP(p.oaepHash(), nil, priv, ciphertext, nil)
}

func (p Padding) valid() bool {
	_, ok := paddingNames[p]
	return ok
}
