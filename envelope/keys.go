package envelope

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

const (
	// FlowKeyBits is the size of a Kairos flow key: the published sample's
	// RSA value is 512 bytes.
	FlowKeyBits = 4096
	// MinKeyBits is the smallest key GenerateKey makes (and Go accepts).
	MinKeyBits = 2048
	// PublicKeySuffix and PrivateKeySuffix follow Phonon's file naming:
	// <flow-id>_public.key and <flow-id>_private.key.
	PublicKeySuffix  = "_public.key"
	PrivateKeySuffix = "_private.key"
)

// ParsePublicKeyPEM reads an RSA public key from PEM: SubjectPublicKeyInfo
// ("PUBLIC KEY") or PKCS#1 ("RSA PUBLIC KEY"). A "PRIVATE KEY" block is
// refused rather than used, so a mix-up of files is reported.
func ParsePublicKeyPEM(data []byte) (*rsa.PublicKey, error) {
	block, err := onePEMBlock(data)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case "PUBLIC KEY":
		key, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PUBLIC KEY block: %w", err)
		}
		rsaKey, ok := key.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("PUBLIC KEY block holds a %T, want an RSA key", key)
		}
		return rsaKey, nil
	case "RSA PUBLIC KEY":
		key, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("RSA PUBLIC KEY block: %w", err)
		}
		return key, nil
	default:
		return nil, fmt.Errorf("found a %q PEM block, want \"PUBLIC KEY\" or \"RSA PUBLIC KEY\"", block.Type)
	}
}

// ParsePrivateKeyPEM reads an RSA private key from PEM: PKCS#8
// ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY").
func ParsePrivateKeyPEM(data []byte) (*rsa.PrivateKey, error) {
	block, err := onePEMBlock(data)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case "PRIVATE KEY":
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PRIVATE KEY block: %w", err)
		}
		rsaKey, ok := key.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("PRIVATE KEY block holds a %T, want an RSA key", key)
		}
		return rsaKey, nil
	case "RSA PRIVATE KEY":
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("RSA PRIVATE KEY block: %w", err)
		}
		return key, nil
	default:
		return nil, fmt.Errorf("found a %q PEM block, want \"PRIVATE KEY\" or \"RSA PRIVATE KEY\"", block.Type)
	}
}

func onePEMBlock(data []byte) (*pem.Block, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	return block, nil
}

// LoadPublicKey reads a public key file; errors name the file.
func LoadPublicKey(path string) (*rsa.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	key, err := ParsePublicKeyPEM(data)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %w", path, err)
	}
	return key, nil
}

// LoadPrivateKey reads a private key file; errors name the file.
func LoadPrivateKey(path string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	key, err := ParsePrivateKeyPEM(data)
	if err != nil {
		return nil, fmt.Errorf("private key %s: %w", path, err)
	}
	return key, nil
}

// MarshalPublicKeyPEM encodes pub as a SubjectPublicKeyInfo PEM block.
func MarshalPublicKeyPEM(pub *rsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// MarshalPrivateKeyPEM encodes priv as a PKCS#8 PEM block.
func MarshalPrivateKeyPEM(priv *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// GenerateKey makes a flow key pair of the given size (at least MinKeyBits).
func GenerateKey(bits int) (*rsa.PrivateKey, error) {
	if bits < MinKeyBits {
		return nil, fmt.Errorf("envelope: %d-bit keys are too small (minimum %d)", bits, MinKeyBits)
	}
	return rsa.GenerateKey(rand.Reader, bits)
}

// WriteKeyPair writes <flowID>_public.key (0644) and <flowID>_private.key
// (0600) into dir and returns their paths. Existing files are not replaced.
func WriteKeyPair(dir, flowID string, priv *rsa.PrivateKey) (publicPath, privatePath string, err error) {
	if flowID == "" || filepath.Base(flowID) != flowID {
		return "", "", fmt.Errorf("envelope: flow id %q cannot name a file", flowID)
	}
	if priv == nil {
		return "", "", errors.New("envelope: WriteKeyPair needs a private key")
	}
	pubPEM, err := MarshalPublicKeyPEM(&priv.PublicKey)
	if err != nil {
		return "", "", err
	}
	privPEM, err := MarshalPrivateKeyPEM(priv)
	if err != nil {
		return "", "", err
	}
	publicPath = filepath.Join(dir, flowID+PublicKeySuffix)
	privatePath = filepath.Join(dir, flowID+PrivateKeySuffix)
	if err := writeNew(privatePath, privPEM, 0o600); err != nil {
		return "", "", err
	}
	if err := writeNew(publicPath, pubPEM, 0o644); err != nil {
		// Without the public half the private file is an orphan that would
		// make every retry fail with "file exists": take it back.
		os.Remove(privatePath)
		return "", "", err
	}
	return publicPath, privatePath, nil
}

func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("envelope: %w", err)
	}
	_, err = f.Write(data)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		// A truncated key file is worse than none: it would block a retry.
		os.Remove(path)
		return fmt.Errorf("envelope: writing %s: %w", path, err)
	}
	return nil
}
