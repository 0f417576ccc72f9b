package envelope_test

import (
	"bytes"
	"crypto/rsa"
	"fmt"
	"log"
	"math/big"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// A valid block built by hand must be exactly what crypto/rsa accepts.
func TestPKCS1v15BlockRoundTrip(t *testing.T) {
	for _, bits := range []int{2048, 4096} {
		pub, priv := loadTestKey(t, bits)
		k := pub.Size()
		for _, n := range []int{0, 1, 44, k - 11 - 1, k - 11} {
			msg := bytes.Repeat([]byte("Q"), n)
			block, err := envelope.PKCS1v15Block(k, msg, nil)
			if err != nil {
				t.Fatalf("rsa%d, %d-byte message: %v", bits, n, err)
			}
			checkWellFormed(t, block, msg)
			c, err := envelope.EncryptRawBlock(pub, block)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rsa.DecryptPKCS1v15(nil, priv, c)
			if err != nil {
				t.Fatalf("rsa%d, %d-byte message: Expected the block to decrypt, Actual %v", bits, n, err)
			}
			if !bytes.Equal(got, msg) {
				t.Fatalf("rsa%d: Expected %q, Actual %q", bits, msg, got)
			}
		}
	}
}

func checkWellFormed(t *testing.T, block, msg []byte) {
	t.Helper()
	psLen := len(block) - 3 - len(msg)
	if block[0] != 0 || block[1] != 2 || block[2+psLen] != 0 || !bytes.Equal(block[3+psLen:], msg) {
		t.Fatalf("Expected 00 02 PS 00 M, Actual % x ...", block[:4])
	}
	if bytes.IndexByte(block[2:2+psLen], 0) >= 0 {
		t.Fatal("Expected a padding string without zero bytes")
	}
}

// Each option breaks the block in its one place, and crypto/rsa refuses it;
// the valid side of each boundary is accepted.
func TestPKCS1v15BlockMalformed(t *testing.T) {
	pub, priv := loadTestKey(t, 2048)
	k := pub.Size()
	key := []byte("YWJjZDEyMzQ=")
	long := bytes.Repeat([]byte("QUJD"), (k-3-5)/4) // leaves a 5-byte padding string
	cases := []struct {
		name  string
		msg   []byte
		opts  []envelope.BlockOption
		valid bool // crypto/rsa decrypts it
		opens bool // and the message is the key string
	}{
		{"first byte 01", key, []envelope.BlockOption{envelope.WithFirstByte(0x01)}, false, false},
		{"block type 01", key, []envelope.BlockOption{envelope.WithBlockType(envelope.BlockTypeSignature)}, false, false},
		{"block type FF", key, []envelope.BlockOption{envelope.WithBlockType(0xFF)}, false, false},
		{"block type 00", key, []envelope.BlockOption{envelope.WithBlockType(0x00)}, false, false},
		{"no separator", key, []envelope.BlockOption{envelope.WithoutSeparator()}, false, false},
		{"zero at padding byte 1", key, []envelope.BlockOption{envelope.WithZeroInPadding(1)}, false, false},
		{"zero at padding byte 8", key, []envelope.BlockOption{envelope.WithZeroInPadding(8)}, false, false},
		// The first zero after 8 padding bytes is a valid separator: the message is then
		// the rest of the padding, the real separator and the key, not the key.
		{"zero at padding byte 9", key, []envelope.BlockOption{envelope.WithZeroInPadding(9)}, true, false},
		{"5-byte padding string", long, []envelope.BlockOption{envelope.WithShortPadding()}, false, false},
		{"9-byte padding string", long[4:], []envelope.BlockOption{envelope.WithShortPadding()}, true, true},
		{"block type 02 spelled out", key, []envelope.BlockOption{envelope.WithBlockType(envelope.BlockTypeEncryption), envelope.WithFirstByte(0)}, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			block, err := envelope.PKCS1v15Block(k, tc.msg, nil, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if len(block) != k {
				t.Fatalf("Expected a %d-byte block, Actual %d", k, len(block))
			}
			c, err := envelope.EncryptRawBlock(pub, block)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rsa.DecryptPKCS1v15(nil, priv, c)
			switch {
			case tc.valid && err != nil:
				t.Fatalf("Expected the block to decrypt, Actual %v", err)
			case tc.valid && !bytes.HasSuffix(got, tc.msg):
				t.Fatalf("Expected the message at the end, Actual %q", got)
			case !tc.valid && err == nil:
				t.Fatalf("Expected crypto/rsa to refuse the block, Actual it decrypted to %q", got)
			}
			if _, err := envelope.OpenKey(c, priv, envelope.PKCS1v15); (err == nil) != tc.opens {
				t.Fatalf("OpenKey: Expected it to open: %v, Actual error %v", tc.opens, err)
			}
		})
	}
}

func TestPKCS1v15BlockShape(t *testing.T) {
	const k = 64
	msg := []byte("abc")
	b, err := envelope.PKCS1v15Block(k, msg, nil, envelope.WithBlockType(envelope.BlockTypeSignature))
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte{0, 1}, bytes.Repeat([]byte{0xFF}, k-3-len(msg))...), append([]byte{0}, msg...)...)
	if !bytes.Equal(b, want) {
		t.Fatalf("type 01: Expected % x\nActual   % x", want, b)
	}
	b, _ = envelope.PKCS1v15Block(k, msg, nil, envelope.WithoutSeparator())
	if bytes.IndexByte(b[1:], 0) >= 0 {
		t.Fatalf("no separator: Expected no zero after byte 0, Actual % x", b)
	}
	b, _ = envelope.PKCS1v15Block(k, msg, nil, envelope.WithZeroInPadding(3))
	if b[4] != 0 || b[k-len(msg)-1] != 0 {
		t.Fatalf("zero at padding byte 3: Expected zeros at 4 and %d, Actual % x", k-len(msg)-1, b)
	}
	// A random source full of zeros must not leave zeros in the padding.
	zeros := bytes.NewReader(append(make([]byte, k), bytes.Repeat([]byte{7}, k)...))
	b, err = envelope.PKCS1v15Block(k, msg, zeros)
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, b, msg)
}

func TestPKCS1v15BlockErrors(t *testing.T) {
	const k = 64
	for name, build := range map[string]func() ([]byte, error){
		"message too long": func() ([]byte, error) { return envelope.PKCS1v15Block(k, make([]byte, k-10), nil) },
		"short padding still needs 1": func() ([]byte, error) {
			return envelope.PKCS1v15Block(k, make([]byte, k-3), nil, envelope.WithShortPadding())
		},
		"padding byte out of range": func() ([]byte, error) {
			return envelope.PKCS1v15Block(k, []byte("abc"), nil, envelope.WithZeroInPadding(k))
		},
		"zero in message without separator": func() ([]byte, error) {
			return envelope.PKCS1v15Block(k, []byte{'a', 0, 'b'}, nil, envelope.WithoutSeparator())
		},
		"random source fails": func() ([]byte, error) { return envelope.PKCS1v15Block(k, nil, bytes.NewReader(nil)) },
	} {
		if b, err := build(); err == nil {
			t.Errorf("%s: Expected an error, Actual a block % x", name, b)
		}
	}
}

// EncryptRawBlock is textbook RSA: the private key recovers the block bit
// for bit, and values the key cannot encrypt are refused.
func TestEncryptRawBlock(t *testing.T) {
	pub, priv := loadTestKey(t, 2048)
	k := pub.Size()
	block := bytes.Repeat([]byte{0x5A}, k)
	block[0] = 0
	c, err := envelope.EncryptRawBlock(pub, block)
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != k {
		t.Fatalf("Expected %d bytes, Actual %d", k, len(c))
	}
	m := new(big.Int).Exp(new(big.Int).SetBytes(c), priv.D, priv.N)
	if got := m.FillBytes(make([]byte, k)); !bytes.Equal(got, block) {
		t.Fatal("Expected c^d mod n to give the block back")
	}
	above := new(big.Int).Add(pub.N, big.NewInt(1)).FillBytes(make([]byte, k))
	for name, b := range map[string][]byte{
		"the modulus":       pub.N.FillBytes(make([]byte, k)),
		"above the modulus": above,
		"one byte short":    block[1:],
		"one byte long":     append([]byte{0}, block...),
	} {
		if _, err := envelope.EncryptRawBlock(pub, b); err == nil {
			t.Errorf("%s: Expected an error", name)
		}
	}
	if _, err := envelope.EncryptRawBlock(nil, block); err == nil {
		t.Error("nil key: Expected an error")
	}
}

// Probe a server's RSA padding check with the public key only: a block of
// the signature type (01) instead of the encryption type (02) around a
// valid key string. The private key holder must refuse it.
func ExampleEncryptRawBlock() {
	pub, err := envelope.LoadPublicKey("../fixtures/keys/TEST-ONLY-rsa2048_public.key")
	if err != nil {
		log.Fatal(err)
	}
	block, err := envelope.PKCS1v15Block(pub.Size(), []byte("YWJjZDEyMzQ="), nil, envelope.WithBlockType(envelope.BlockTypeSignature))
	if err != nil {
		log.Fatal(err)
	}
	rsaValue, err := envelope.EncryptRawBlock(pub, block)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("block starts % x, RSA value %d bytes\n", block[:4], len(rsaValue))

	priv, err := envelope.LoadPrivateKey("../fixtures/keys/TEST-ONLY-rsa2048_private.key")
	if err != nil {
		log.Fatal(err)
	}
	_, err = envelope.OpenKey(rsaValue, priv, envelope.PKCS1v15)
	fmt.Println(err)
	// Output:
	// block starts 00 01 ff ff, RSA value 256 bytes
	// envelope: RSA decryption: pkcs1v15 decryption failed
}
