package cli

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// These tests check the envelope against an independent implementation,
// OpenSSL, both ways: what the CLI seals, openssl opens step by step; what
// openssl seals step by step, the CLI opens. Every openssl step is one
// line of spec section 3.

type opensslPadding struct {
	name    string   // the CLI's --rsa-padding
	options []string // the same padding as openssl pkeyutl -pkeyopt options
}

func opensslPaddings() []opensslPadding {
	return []opensslPadding{
		{"pkcs1v15", []string{"rsa_padding_mode:pkcs1"}},
		{"oaep-sha1", []string{"rsa_padding_mode:oaep", "rsa_oaep_md:sha1", "rsa_mgf1_md:sha1"}},
		{"oaep-sha256", []string{"rsa_padding_mode:oaep", "rsa_oaep_md:sha256", "rsa_mgf1_md:sha256"}},
	}
}

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not on PATH")
	}
}

// openssl runs one openssl command with stdin and returns its stdout.
func openssl(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("openssl", args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

func pkeyutl(t *testing.T, stdin []byte, mode, keyFile string, options []string) []byte {
	t.Helper()
	args := []string{"pkeyutl", mode, "-inkey", keyFile}
	if mode == "-encrypt" {
		args = append(args, "-pubin")
	}
	for _, o := range options {
		args = append(args, "-pkeyopt", o)
	}
	return openssl(t, stdin, args...)
}

func opensslBase64(t *testing.T, data []byte) string {
	t.Helper()
	return string(bytes.TrimSpace(openssl(t, data, "base64", "-A")))
}

func opensslUnbase64(t *testing.T, s string) []byte {
	t.Helper()
	return openssl(t, []byte(s), "base64", "-d", "-A")
}

// opensslAESKeyHex is SHA-256 over keyB64, first 16 bytes, as hex for -K.
func opensslAESKeyHex(t *testing.T, keyB64 []byte) string {
	t.Helper()
	digest := strings.Fields(string(openssl(t, keyB64, "dgst", "-sha256", "-r")))
	if len(digest) == 0 || len(digest[0]) != 64 {
		t.Fatalf("openssl dgst: unexpected output %q", digest)
	}
	return digest[0][:32]
}

// The CLI seals with the 4096-bit TEST ONLY key; openssl opens.
func TestOpenSSLOpensWhatTheCLISeals(t *testing.T) {
	needOpenSSL(t)
	v := loadVector(t)
	payload := []byte(v.PayloadJSON)
	for _, p := range opensslPaddings() {
		t.Run(p.name, func(t *testing.T) {
			sealed := runCmd(t, v.PayloadJSON, "envelope", "seal", "--public-key", pub4096, "--flow-id", v.FlowID, "--rsa-padding", p.name, "--show-key")
			if sealed.code != exitOK {
				t.Fatalf("seal: exit %d: %s", sealed.code, sealed.stderr)
			}
			fields := envelopeFields(t, sealed.stdout)

			keyB64 := pkeyutl(t, opensslUnbase64(t, fields["requestDigitalSignatureValue"]), "-decrypt", priv4096, p.options)
			if !strings.Contains(sealed.stderr, "(the RSA-encrypted value): "+string(keyB64)+"\n") {
				t.Errorf("openssl recovered keyB64 %q, but seal --show-key said:\n%s", keyB64, sealed.stderr)
			}
			aesKeyHex := opensslAESKeyHex(t, keyB64)
			if !strings.Contains(sealed.stderr, "AES-128 key (hex): "+aesKeyHex+"\n") {
				t.Errorf("openssl derived AES key %s, but seal --show-key said:\n%s", aesKeyHex, sealed.stderr)
			}
			payloadB64 := openssl(t, opensslUnbase64(t, fields["requestEncryptedValue"]), "enc", "-d", "-aes-128-ecb", "-K", aesKeyHex)
			if got := opensslUnbase64(t, string(payloadB64)); !bytes.Equal(got, payload) {
				t.Errorf("payload opened by openssl:\nExpected: %q\nActual:   %q", payload, got)
			}
		})
	}
}

// openssl seals, from a random key string; the CLI opens.
func TestCLIOpensWhatOpenSSLSeals(t *testing.T) {
	needOpenSSL(t)
	v := loadVector(t)
	payload := []byte(v.PayloadJSON)
	for _, p := range opensslPaddings() {
		t.Run(p.name, func(t *testing.T) {
			key := bytes.TrimSpace(openssl(t, nil, "rand", "-hex", "12"))
			keyB64 := []byte(opensslBase64(t, key))
			aesKeyHex := opensslAESKeyHex(t, keyB64)
			ciphertext := openssl(t, []byte(opensslBase64(t, payload)), "enc", "-aes-128-ecb", "-K", aesKeyHex)
			rsaValue := pkeyutl(t, keyB64, "-encrypt", pub4096, p.options)
			body, err := json.Marshal(map[string]string{
				"requestEncryptedValue":        opensslBase64(t, ciphertext),
				"requestDigitalSignatureValue": opensslBase64(t, rsaValue),
				"flow-id":                      v.FlowID,
			})
			if err != nil {
				t.Fatal(err)
			}

			opened := runCmd(t, string(body), "envelope", "open", "--private-key", priv4096, "--rsa-padding", p.name, "--show-key")
			if opened.code != exitOK {
				t.Fatalf("open: exit %d: %s", opened.code, opened.stderr)
			}
			if opened.stdout != v.PayloadJSON {
				t.Errorf("payload opened by the CLI:\nExpected: %q\nActual:   %q", v.PayloadJSON, opened.stdout)
			}
			for _, want := range []string{`key string: "` + string(key) + `"`, string(keyB64), aesKeyHex} {
				if !strings.Contains(opened.stderr, want) {
					t.Errorf("open --show-key: Expected stderr to contain %q, Actual %q", want, opened.stderr)
				}
			}
		})
	}
}
