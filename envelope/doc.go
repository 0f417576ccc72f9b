// Package envelope seals and opens Kairos encrypted-API envelopes.
//
// The procedure is the one in the project's spec, SPEC.md section 3.2,
// reproduced byte for byte from Phonon's published sample (SPEC.md 3.8;
// fixtures/vectors/published-vector.json):
//
//	payloadB64 = base64(payload JSON)
//	keyB64     = base64(k)                      // k: a random key string
//	aesKey     = SHA-256(keyB64)[:16]           // AES-128
//	requestEncryptedValue        = base64(AES-128-ECB-PKCS#7(payloadB64))
//	requestDigitalSignatureValue = base64(RSA-encrypt(flow public key, keyB64))
//
// Despite its name the "signature" is an RSA encryption of the key, padded
// with PKCS#1 v1.5 by default (OAEP is available for servers that use it).
// ECB gives no integrity: whole 16-byte blocks of requestEncryptedValue can be
// dropped, repeated or swapped without Open noticing. That is a property of
// the Kairos protocol, which this package implements faithfully.
//
// Open reports which stage failed as an *OpenError, because a vendor
// certifying a client needs to know what to fix. A server must not pass that
// detail on to its callers: it would be a decryption oracle.
package envelope
