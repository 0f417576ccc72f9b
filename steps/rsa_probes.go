package steps

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strconv"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// Bleichenbacher-class probes: the RSA values padding-oracle scanners send,
// made with the flow's public key only (textbook RSA over a hand-built
// block, envelope.EncryptRawBlock). Each envelope carries a valid AES half
// for the key string inside the block, so the block is the only thing
// wrong: a server that skips the check the probe aims at opens it (and,
// where the key string is still usable, accepts the request). Rule 5.4
// wants all of them refused with the one identical 400.

// rsaProbe builds the RSA value of one probe for the key string keyB64 and
// returns the key string the AES half must be sealed under.
type rsaProbe func(st *scenario, keyB64 string) (rsaValue []byte, aesKeyB64 string, err error)

// blockProbe is a PKCS#1 v1.5 block around keyB64, broken by opts.
func blockProbe(opts ...envelope.BlockOption) rsaProbe {
	return func(st *scenario, keyB64 string) ([]byte, string, error) {
		_, pub := st.sealTarget()
		block, err := envelope.PKCS1v15Block(pub.Size(), []byte(keyB64), nil, opts...)
		if err != nil {
			return nil, "", err
		}
		rv, err := envelope.EncryptRawBlock(pub, block)
		return rv, keyB64, err
	}
}

// shortPaddingProbe is a block whose first zero, the separator, comes
// after only n padding bytes (fewer than the 8 RFC 8017 requires), in
// front of a key string long enough to fill the block. Canonical base64 is
// a multiple of 4 long, so n must leave such a length: for a modulus whose
// length is a multiple of 4 (RSA-2048, RSA-4096), n is 1 or 5. A server
// that does not insist on 8 padding bytes accepts the request.
func shortPaddingProbe(n int) rsaProbe {
	return func(st *scenario, _ string) ([]byte, string, error) {
		_, pub := st.sealTarget()
		keyLen := pub.Size() - 3 - n
		if keyLen <= 0 || keyLen%4 != 0 {
			return nil, "", stepError("a %d-byte padding string leaves %d bytes for the key string, not a length canonical base64 can have (a multiple of 4): choose another", n, keyLen)
		}
		raw := make([]byte, keyLen/4*3)
		rand.Read(raw)
		keyB64 := encodeB64(raw)
		block, err := envelope.PKCS1v15Block(pub.Size(), []byte(keyB64), nil, envelope.WithShortPadding())
		if err != nil {
			return nil, "", err
		}
		rv, err := envelope.EncryptRawBlock(pub, block)
		return rv, keyB64, err
	}
}

// keyLengthProbe puts, correctly padded, a key string one byte shorter or
// longer than the harness's own. The harness's key strings are 32
// characters, so keyB64 is 44 characters of canonical base64 ending in one
// '='. One byte shorter (43, the '=' dropped: what a lenient decoder such
// as Java's accepts) and one byte longer (45, an 'A' added) are the nearest
// lengths canonical base64 never has; the spec derives the AES key from
// the ASCII of keyB64 without decoding it, so a server that never checks
// the key string opens both.
func keyLengthProbe(delta int) rsaProbe {
	return func(st *scenario, keyB64 string) ([]byte, string, error) {
		k := keyB64[:len(keyB64)-1]
		if delta > 0 {
			k = keyB64 + "A"
		}
		_, pub := st.sealTarget()
		rv, err := st.knobs().RSAPadding.EncryptKey(rand.Reader, pub, []byte(k))
		return rv, k, err
	}
}

// modulusProbe sends the modulus itself, or a value above it: a valid RSA
// value c plus n, which a server that reduces its input modulo n instead
// of refusing it decrypts to a valid block. Both are written in exactly
// the modulus length. c + n fits that length only when c < 2^(8k) - n, so
// fresh blocks are tried (for a modulus starting 0xE5, about one in nine
// fits); if none does, the value is all 0xFF bytes, above n too.
func modulusProbe(above bool) rsaProbe {
	return func(st *scenario, keyB64 string) ([]byte, string, error) {
		_, pub := st.sealTarget()
		k := pub.Size()
		if !above {
			return pub.N.FillBytes(make([]byte, k)), keyB64, nil
		}
		for i := 0; i < maxAboveModulusTries; i++ {
			block, err := envelope.PKCS1v15Block(k, []byte(keyB64), nil)
			if err != nil {
				return nil, "", err
			}
			c, err := envelope.EncryptRawBlock(pub, block)
			if err != nil {
				return nil, "", err
			}
			if v := new(big.Int).Add(new(big.Int).SetBytes(c), pub.N); v.BitLen() <= 8*k {
				return v.FillBytes(make([]byte, k)), keyB64, nil
			}
		}
		return bytesOf(0xFF, k), keyB64, nil
	}
}

// maxAboveModulusTries bounds the search for a c with c + n in k bytes.
const maxAboveModulusTries = 1000

func bytesOf(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// rsaProbeEnvelope seals payload as usual, then replaces the RSA value with
// the probe's and re-encrypts the AES half under the probe's key string.
func (st *scenario) rsaProbeEnvelope(payload []byte, probe rsaProbe) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	rv, keyB64, err := probe(st, encodeB64([]byte(s.Key)))
	if err != nil {
		return nil, err
	}
	st.addSecret(keyB64)
	ct, err := envelope.EncryptECB(envelope.DeriveAESKeyFromB64(keyB64), []byte(s.PayloadB64))
	if err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestEncryptedValue, env.RequestDigitalSignatureValue = encodeB64(ct), encodeB64(rv)
	return envelopeBody(&env), nil
}

// rsaProbes are the probe phrases of "the envelope is sent with ...".
// (An empty key string and one that is not base64, both correctly padded,
// are the malformations "an empty RSA-encrypted key string" and "an
// RSA-encrypted key string that is not base64".)
var rsaProbes = []struct {
	phrase, pattern string // a fixed phrase, or a regexp with captures
	probe           func(args []string) rsaProbe
}{
	{phrase: "an RSA block whose first byte is 01", probe: fixed(blockProbe(envelope.WithFirstByte(0x01)))},
	{phrase: "an RSA block of type 01", probe: fixed(blockProbe(envelope.WithBlockType(envelope.BlockTypeSignature)))},
	{phrase: "an RSA block of type FF", probe: fixed(blockProbe(envelope.WithBlockType(0xFF)))},
	{phrase: "an RSA block with no zero separator", probe: fixed(blockProbe(envelope.WithoutSeparator()))},
	{pattern: `an RSA block with a zero at padding byte ([1-8])`, probe: func(a []string) rsaProbe {
		n, _ := strconv.Atoi(a[0])
		return blockProbe(envelope.WithZeroInPadding(n))
	}},
	{pattern: `an RSA block whose padding string is ([1-7]) bytes long`, probe: func(a []string) rsaProbe {
		n, _ := strconv.Atoi(a[0])
		return shortPaddingProbe(n)
	}},
	{phrase: "an RSA-encrypted key string one byte shorter than base64 allows", probe: fixed(keyLengthProbe(-1))},
	{phrase: "an RSA-encrypted key string one byte longer than base64 allows", probe: fixed(keyLengthProbe(+1))},
	{phrase: "an RSA value equal to the modulus", probe: fixed(modulusProbe(false))},
	{phrase: "an RSA value above the modulus", probe: fixed(modulusProbe(true))},
}

func fixed(p rsaProbe) func([]string) rsaProbe { return func([]string) rsaProbe { return p } }

// rsaProbeBuilder adapts a probe to a malformation builder.
func rsaProbeBuilder(probe func(args []string) rsaProbe) builder {
	return func(st *scenario, payload []byte, args []string) ([]byte, error) {
		if _, pub := st.sealTarget(); pub == nil {
			return nil, fmt.Errorf("the profile gives no public key for %s", st.target.role)
		}
		return st.rsaProbeEnvelope(payload, probe(args))
	}
}
