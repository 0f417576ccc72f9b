package envelope

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// Hand-built RSA blocks, for probing a server the way padding-oracle
// (Bleichenbacher) scanners do. Encrypting needs only the public key, so a
// client can make the server decrypt any block it likes: a well-formed one,
// or one broken in exactly one place. RFC 8017 section 7.2.1 defines the
// encryption block of RSAES-PKCS1-v1_5:
//
//	EM = 0x00 || 0x02 || PS || 0x00 || M
//
// where PS is at least MinPKCS1v15PaddingLen non-zero random bytes and the
// block is exactly the modulus length. A strict server checks every part
// of it and answers every failure the same way.

const (
	// MinPKCS1v15PaddingLen is the shortest padding string PS an
	// RSAES-PKCS1-v1_5 block may carry (RFC 8017 section 7.2.1).
	MinPKCS1v15PaddingLen = 8
	// BlockTypeEncryption is the second byte of an encryption block.
	BlockTypeEncryption = 0x02
	// BlockTypeSignature is the second byte of a PKCS#1 v1.5 signature
	// block, whose padding is 0xFF bytes: the wrong type for encryption.
	BlockTypeSignature = 0x01
)

// BlockOption changes one part of the block PKCS1v15Block builds.
type BlockOption func(*blockSpec)

type blockSpec struct {
	firstByte    byte
	blockType    byte
	noSeparator  bool
	zeroAt       int // 1-based position in PS set to zero; 0: none
	shortPadding bool
}

// WithFirstByte sets EM[0], which is 0x00 in a valid block.
func WithFirstByte(b byte) BlockOption { return func(s *blockSpec) { s.firstByte = b } }

// WithBlockType sets EM[1], which is 0x02 in a valid encryption block. Type
// 0x01 fills PS with 0xFF bytes, as a signature block does; any other type
// keeps the random non-zero PS.
func WithBlockType(t byte) BlockOption { return func(s *blockSpec) { s.blockType = t } }

// WithoutSeparator replaces the zero byte between PS and M with a non-zero
// byte, so the block holds no zero after its first two bytes.
func WithoutSeparator() BlockOption { return func(s *blockSpec) { s.noSeparator = true } }

// WithZeroInPadding sets byte i (1-based) of PS to zero. For i up to
// MinPKCS1v15PaddingLen the block is invalid: a decoder that takes the first
// zero as the separator finds a padding string shorter than the minimum.
// The real separator and M stay where they are.
func WithZeroInPadding(i int) BlockOption { return func(s *blockSpec) { s.zeroAt = i } }

// WithShortPadding allows a message so long that PS is shorter than
// MinPKCS1v15PaddingLen (at least one byte): the block is invalid only
// because its padding string is too short.
func WithShortPadding() BlockOption { return func(s *blockSpec) { s.shortPadding = true } }

// PKCS1v15Block builds an RSAES-PKCS1-v1_5 encryption block of size bytes
// (the modulus length) carrying msg, with PS drawn from random (nil:
// crypto/rand). Without options the block is valid; each option breaks it
// in one named place. It fails if msg does not fit.
func PKCS1v15Block(size int, msg []byte, random io.Reader, opts ...BlockOption) ([]byte, error) {
	spec := blockSpec{firstByte: 0x00, blockType: BlockTypeEncryption}
	for _, o := range opts {
		o(&spec)
	}
	if random == nil {
		random = rand.Reader
	}
	minPS := MinPKCS1v15PaddingLen
	if spec.shortPadding {
		minPS = 1
	}
	psLen := size - 3 - len(msg)
	if psLen < minPS {
		return nil, fmt.Errorf("envelope: a %d-byte message leaves %d padding bytes in a %d-byte block, want at least %d", len(msg), psLen, size, minPS)
	}
	if spec.zeroAt < 0 || spec.zeroAt > psLen {
		return nil, fmt.Errorf("envelope: padding byte %d does not exist (the padding string has %d bytes)", spec.zeroAt, psLen)
	}
	block := make([]byte, size)
	block[0], block[1] = spec.firstByte, spec.blockType
	ps := block[2 : 2+psLen]
	if spec.blockType == BlockTypeSignature {
		for i := range ps {
			ps[i] = 0xFF
		}
	} else if err := nonZeroRandom(random, ps); err != nil {
		return nil, err
	}
	if spec.zeroAt > 0 {
		ps[spec.zeroAt-1] = 0
	}
	if spec.noSeparator {
		block[2+psLen] = 0xFF
	}
	copy(block[3+psLen:], msg)
	if spec.noSeparator && containsZero(msg) {
		return nil, errors.New("envelope: the message holds a zero byte, which would act as the separator")
	}
	return block, nil
}

// nonZeroRandom fills b with random non-zero bytes.
func nonZeroRandom(random io.Reader, b []byte) error {
	if _, err := io.ReadFull(random, b); err != nil {
		return fmt.Errorf("envelope: reading random padding: %w", err)
	}
	for i := range b {
		for b[i] == 0 {
			var one [1]byte
			if _, err := io.ReadFull(random, one[:]); err != nil {
				return fmt.Errorf("envelope: reading random padding: %w", err)
			}
			b[i] = one[0]
		}
	}
	return nil
}

func containsZero(b []byte) bool {
	for _, c := range b {
		if c == 0 {
			return true
		}
	}
	return false
}

// EncryptRawBlock is textbook RSA: block^e mod n, written big-endian in
// exactly the modulus length. The block must be the modulus length and,
// read as a big-endian number, below n. It adds no padding: the caller's
// block is what the private key holder recovers. Only for probing servers
// and testing; anything else should use Seal.
func EncryptRawBlock(pub *rsa.PublicKey, block []byte) ([]byte, error) {
	if pub == nil || pub.N == nil || pub.N.Sign() <= 0 || pub.E < 2 {
		return nil, errors.New("envelope: EncryptRawBlock needs a public key")
	}
	k := pub.Size()
	if len(block) != k {
		return nil, fmt.Errorf("envelope: a %d-byte block for a %d-byte modulus, want exactly %d", len(block), k, k)
	}
	m := new(big.Int).SetBytes(block)
	if m.Cmp(pub.N) >= 0 {
		return nil, errors.New("envelope: the block is not below the modulus")
	}
	c := new(big.Int).Exp(m, big.NewInt(int64(pub.E)), pub.N)
	return c.FillBytes(make([]byte, k)), nil
}
