package envelope_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestParseKeyFormats(t *testing.T) {
	pub, priv := loadTestKey(t, 2048)

	spki, err := os.ReadFile(testKeyPath(2048, "public"))
	if err != nil {
		t.Fatal(err)
	}
	publics := map[string][]byte{
		"PUBLIC KEY (SPKI, openssl)": spki,
		"RSA PUBLIC KEY (PKCS#1)":    pemBlock("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(pub)),
	}
	for name, data := range publics {
		got, err := envelope.ParsePublicKeyPEM(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if !got.Equal(pub) {
			t.Errorf("%s: parsed a different key", name)
		}
	}

	pkcs8, err := os.ReadFile(testKeyPath(2048, "private"))
	if err != nil {
		t.Fatal(err)
	}
	privates := map[string][]byte{
		"PRIVATE KEY (PKCS#8, openssl)": pkcs8,
		"RSA PRIVATE KEY (PKCS#1)":      pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(priv)),
	}
	for name, data := range privates {
		got, err := envelope.ParsePrivateKeyPEM(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if !got.Equal(priv) {
			t.Errorf("%s: parsed a different key", name)
		}
	}
}

func TestParseKeyErrors(t *testing.T) {
	_, priv := loadTestKey(t, 2048)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecSPKI, err := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	ecPKCS8, err := x509.MarshalPKCS8PrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	privPEM, err := envelope.MarshalPrivateKeyPEM(priv)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := envelope.MarshalPublicKeyPEM(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	garbled := pemBlock("PUBLIC KEY", []byte("not DER"))

	publicCases := map[string]struct {
		data []byte
		want string
	}{
		"garbage":              {[]byte("hello, world"), "no PEM block"},
		"empty":                {nil, "no PEM block"},
		"private key given":    {privPEM, `found a "PRIVATE KEY" PEM block, want "PUBLIC KEY" or "RSA PUBLIC KEY"`},
		"certificate":          {pemBlock("CERTIFICATE", []byte{1}), `found a "CERTIFICATE" PEM block`},
		"EC key":               {pemBlock("PUBLIC KEY", ecSPKI), "want an RSA key"},
		"not DER":              {garbled, "PUBLIC KEY block:"},
		"PKCS#1 block not DER": {pemBlock("RSA PUBLIC KEY", []byte("x")), "RSA PUBLIC KEY block:"},
	}
	for name, tt := range publicCases {
		if _, err := envelope.ParsePublicKeyPEM(tt.data); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("public, %s: Expected an error containing %q, Actual %v", name, tt.want, err)
		}
	}
	privateCases := map[string]struct {
		data []byte
		want string
	}{
		"garbage":              {[]byte("-----BEGIN NOTHING"), "no PEM block"},
		"public key given":     {pubPEM, `found a "PUBLIC KEY" PEM block, want "PRIVATE KEY" or "RSA PRIVATE KEY"`},
		"EC key":               {pemBlock("PRIVATE KEY", ecPKCS8), "want an RSA key"},
		"not DER":              {pemBlock("PRIVATE KEY", []byte("x")), "PRIVATE KEY block:"},
		"PKCS#1 block not DER": {pemBlock("RSA PRIVATE KEY", []byte("x")), "RSA PRIVATE KEY block:"},
	}
	for name, tt := range privateCases {
		if _, err := envelope.ParsePrivateKeyPEM(tt.data); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("private, %s: Expected an error containing %q, Actual %v", name, tt.want, err)
		}
	}
}

// A mixed-up pair of files is the commonest key mistake: the error must
// name the file and say what it holds.
func TestLoadKeyErrorsNameTheFile(t *testing.T) {
	privPath, pubPath := testKeyPath(2048, "private"), testKeyPath(2048, "public")
	_, err := envelope.LoadPublicKey(privPath)
	for _, want := range []string{"public key", privPath, `"PRIVATE KEY"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("private file as public key: Expected an error containing %q, Actual %v", want, err)
		}
	}
	_, err = envelope.LoadPrivateKey(pubPath)
	for _, want := range []string{"private key", pubPath, `"PUBLIC KEY"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("public file as private key: Expected an error containing %q, Actual %v", want, err)
		}
	}
	missing := filepath.Join(t.TempDir(), "nope.key")
	for name, load := range map[string]func(string) error{
		"public":  func(p string) error { _, err := envelope.LoadPublicKey(p); return err },
		"private": func(p string) error { _, err := envelope.LoadPrivateKey(p); return err },
	} {
		err := load(missing)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
			t.Errorf("%s key, missing file: Expected a not-exist error naming %s, Actual %v", name, missing, err)
		}
	}
}

func TestMarshalKeysRoundTrip(t *testing.T) {
	pub, priv := loadTestKey(t, 2048)
	pubPEM, err := envelope.MarshalPublicKeyPEM(pub)
	if err != nil {
		t.Fatal(err)
	}
	// Same SPKI encoding as openssl's, so the bytes match the fixture.
	fixture, err := os.ReadFile(testKeyPath(2048, "public"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pubPEM, fixture) {
		t.Errorf("MarshalPublicKeyPEM:\nExpected: %s\nActual:   %s", fixture, pubPEM)
	}
	privPEM, err := envelope.MarshalPrivateKeyPEM(priv)
	if err != nil {
		t.Fatal(err)
	}
	back, err := envelope.ParsePrivateKeyPEM(privPEM)
	if err != nil || !back.Equal(priv) {
		t.Errorf("private key round trip: %v", err)
	}
}

func TestGenerateKey(t *testing.T) {
	if _, err := envelope.GenerateKey(1024); err == nil || !strings.Contains(err.Error(), "minimum 2048") {
		t.Errorf("1024 bits: Expected an error stating the minimum 2048, Actual %v", err)
	}
	priv, err := envelope.GenerateKey(envelope.MinKeyBits)
	if err != nil {
		t.Fatal(err)
	}
	if got := priv.N.BitLen(); got != envelope.MinKeyBits {
		t.Errorf("Expected a %d-bit modulus, Actual %d", envelope.MinKeyBits, got)
	}
	env, err := envelope.Seal([]byte(`{}`), stageFlowID, &priv.PublicKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := envelope.Open(env, priv, envelope.PKCS1v15); err != nil || string(got) != `{}` {
		t.Errorf("generated key round trip: %q, %v", got, err)
	}
}

func TestWriteKeyPair(t *testing.T) {
	_, priv := loadTestKey(t, 2048)
	dir := t.TempDir()
	pubPath, privPath, err := envelope.WriteKeyPair(dir, "ZH0RKJvh", priv)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "ZH0RKJvh_public.key"); pubPath != want {
		t.Errorf("public path: Expected %s, Actual %s", want, pubPath)
	}
	if want := filepath.Join(dir, "ZH0RKJvh_private.key"); privPath != want {
		t.Errorf("private path: Expected %s, Actual %s", want, privPath)
	}
	info, err := os.Stat(privPath)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("private key mode: Expected 0600, Actual %#o", mode)
	}
	gotPub, err := envelope.LoadPublicKey(pubPath)
	if err != nil || !gotPub.Equal(&priv.PublicKey) {
		t.Errorf("reloading %s: %v", pubPath, err)
	}
	gotPriv, err := envelope.LoadPrivateKey(privPath)
	if err != nil || !gotPriv.Equal(priv) {
		t.Errorf("reloading %s: %v", privPath, err)
	}

	// A second write must not replace either file.
	_, otherPriv := loadTestKey(t, 4096)
	before, err := os.ReadFile(privPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := envelope.WriteKeyPair(dir, "ZH0RKJvh", otherPriv); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second write: Expected a file-exists error, Actual %v", err)
	}
	if after, _ := os.ReadFile(privPath); !bytes.Equal(before, after) {
		t.Error("second write replaced the private key")
	}
}

// When only the public file is in the way, the private file written first
// is taken back, so a retry after moving the public file can succeed.
func TestWriteKeyPairLeavesNoOrphan(t *testing.T) {
	_, priv := loadTestKey(t, 2048)
	dir := t.TempDir()
	pubPath := filepath.Join(dir, "ZH0RKJvh_public.key")
	if err := os.WriteFile(pubPath, []byte("in the way"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := envelope.WriteKeyPair(dir, "ZH0RKJvh", priv); !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), pubPath) {
		t.Errorf("Expected a file-exists error naming %s, Actual %v", pubPath, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ZH0RKJvh_private.key")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Expected no private key file left behind, Actual stat error %v", err)
	}
}

func TestWriteKeyPairRefusesBadFlowIDs(t *testing.T) {
	_, priv := loadTestKey(t, 2048)
	dir := t.TempDir()
	for _, id := range []string{"", "../evil", "a/b", `a\b/`} {
		if _, _, err := envelope.WriteKeyPair(dir, id, priv); err == nil {
			t.Errorf("flow id %q: Expected an error, Actual none", id)
		}
	}
	if _, _, err := envelope.WriteKeyPair(dir, "ZH0RKJvh", nil); err == nil {
		t.Error("nil key: Expected an error, Actual none")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Expected nothing written, Actual %d files", len(entries))
	}
}
