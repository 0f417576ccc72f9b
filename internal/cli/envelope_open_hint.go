package cli

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// allPaddings are the RSA paddings open tries when the one asked for fails.
var allPaddings = []envelope.Padding{envelope.PKCS1v15, envelope.OAEPSHA1, envelope.OAEPSHA256}

// rsaFailureHint suggests the likely cause of an envelope whose RSA half
// would not open with priv and padding: a key string RSA-encrypted with
// another padding (tried: the hint names the one that opens it), or with
// another key (the sizes differ, or no padding opens it). Stages after the
// RSA half get no hint: the key was right.
//
// A wrong padding can pass PKCS#1 v1.5 unpadding by chance (about one block
// in 2^16) and fail later, at the key string's base64; that stage is the
// RSA half's too.
func rsaFailureHint(env *envelope.Envelope, priv *rsa.PrivateKey, padding envelope.Padding, stage envelope.Stage) string {
	switch stage {
	case envelope.StageRSALength:
		rsaValue, err := envelope.DecodeStrict(env.RequestDigitalSignatureValue)
		if err != nil {
			return ""
		}
		return fmt.Sprintf("hint: the RSA value is %d bytes, the block of a %d-bit key, and this private key is %d-bit: "+
			"the client most likely sealed with another key (another flow's, or an old key of this flow) than this key's public half (%s)",
			len(rsaValue), len(rsaValue)*8, priv.N.BitLen(), keyFingerprint(&priv.PublicKey))
	case envelope.StageRSADecrypt, envelope.StageKeyEncoding:
	default:
		return ""
	}
	for _, other := range allPaddings {
		if other == padding {
			continue
		}
		if _, err := envelope.OpenDetailed(env, priv, other); err == nil {
			return fmt.Sprintf("hint: it opens with --rsa-padding %s: the client RSA-encrypts the key string with %s, not %s", other, other, padding)
		}
	}
	return fmt.Sprintf("hint: no RSA padding (%s) opens it with this key: the client most likely sealed with another public key "+
		"(another flow's, or an old key of this flow: generateKeyPair replaces it) than this key's public half (%s)",
		envelope.PaddingNames, keyFingerprint(&priv.PublicKey))
}

// keyFingerprint names a public key by the SHA-256 of its
// SubjectPublicKeyInfo, as `openssl pkey -pubin -outform DER | sha256sum`
// prints it, so that a user can compare it with the client's key file.
func keyFingerprint(pub *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "an RSA key"
	}
	sum := sha256.Sum256(der)
	return "SHA-256 of its DER SubjectPublicKeyInfo " + hex.EncodeToString(sum[:])
}
