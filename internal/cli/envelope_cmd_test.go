package cli

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

const (
	keysDir    = "../../fixtures/keys/"
	pub2048    = keysDir + "TEST-ONLY-rsa2048_public.key"
	priv2048   = keysDir + "TEST-ONLY-rsa2048_private.key"
	pub4096    = keysDir + "TEST-ONLY-rsa4096_public.key"
	priv4096   = keysDir + "TEST-ONLY-rsa4096_private.key"
	otherPriv  = keysDir + "HealthM1_private.key" // a 4096-bit key of another flow
	vectorFile = "../../fixtures/vectors/published-vector.json"
)

type cmdResult struct {
	code           int
	stdout, stderr string
}

// runCmd runs the runner in-process, as main does, with buffers for its streams.
func runCmd(t *testing.T, stdin string, args ...string) cmdResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return cmdResult{code, stdout.String(), stderr.String()}
}

type vector struct {
	PayloadJSON           string `json:"payload_json"`
	AESKey                string `json:"aes_key"`
	AESKeyB64             string `json:"aes_key_b64"`
	DerivedAESKeyHex      string `json:"derived_aes128_key_hex"`
	RequestEncryptedValue string `json:"requestEncryptedValue"`
	FlowID                string `json:"flow-id"`
}

func loadVector(t *testing.T) vector {
	t.Helper()
	data, err := os.ReadFile(vectorFile)
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// writeTemp writes data to a new file in a per-test directory.
func writeTemp(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// envelopeFields checks that out is a strict JSON object of exactly the
// three envelope fields, all strings, and returns them.
func envelopeFields(t *testing.T, out string) map[string]string {
	t.Helper()
	if err := strictjson.CheckObject([]byte(out)); err != nil {
		t.Fatalf("seal output is not a strict JSON object: %v\n%s", err, out)
	}
	var fields map[string]string
	if err := json.Unmarshal([]byte(out), &fields); err != nil {
		t.Fatalf("seal output: %v\n%s", err, out)
	}
	for _, name := range []string{"requestEncryptedValue", "requestDigitalSignatureValue", "flow-id"} {
		if _, ok := fields[name]; !ok {
			t.Errorf("seal output lacks %q: %s", name, out)
		}
	}
	if len(fields) != 3 {
		t.Errorf("seal output: Expected 3 fields, Actual %d: %s", len(fields), out)
	}
	return fields
}

func TestEnvelopeHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"envelope", "-h"}, []string{"runner envelope seal", "runner envelope open", "runner envelope keygen", "Exit status"}},
		{[]string{"envelope", "help"}, []string{"runner envelope seal"}},
		{[]string{"envelope", "seal", "-h"}, []string{"--public-key FILE", "--flow-id ID", "--aes-key K", "--rsa-padding NAME", "(default pkcs1v15)", "--allow-invalid-payload", "--show-key"}},
		{[]string{"envelope", "open", "--help"}, []string{"--private-key FILE", "--rsa-padding NAME", "--show-key"}},
		{[]string{"envelope", "keygen", "-h"}, []string{"--flow-id ID", "--out-dir DIR", "--bits BITS", "(default 4096)", "--any-flow-id"}},
	}
	for _, tt := range tests {
		r := runCmd(t, "", tt.args...)
		if r.code != exitOK || r.stderr != "" {
			t.Errorf("%q: Expected exit 0 and nothing on stderr, Actual exit %d, stderr %q", tt.args, r.code, r.stderr)
		}
		for _, want := range tt.want {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%q: Expected the help to contain %q, Actual:\n%s", tt.args, want, r.stdout)
			}
		}
	}
}

func TestEnvelopeUsageErrors(t *testing.T) {
	payload := writeTemp(t, "payload.json", `{"flow-id":"ZH0RKJvh"}`)
	notObject := writeTemp(t, "array.json", `[1,2]`)
	duplicate := writeTemp(t, "dup.json", `{"a":1,"a":2}`)
	notDir := writeTemp(t, "file", "x")
	missing := filepath.Join(t.TempDir(), "missing.json")
	seal := []string{"envelope", "seal", "--public-key", pub4096, "--flow-id", "ZH0RKJvh"}
	open := []string{"envelope", "open", "--private-key", priv2048}
	keygen := []string{"envelope", "keygen", "--bits", "2048"}
	with := func(base []string, more ...string) []string { return append(append([]string(nil), base...), more...) }

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no envelope command", []string{"envelope"}, "runner envelope: missing command (seal, open or keygen)"},
		{"unknown envelope command", []string{"envelope", "frob"}, `runner envelope: unknown command "frob"`},
		{"seal without flags", []string{"envelope", "seal"}, "runner envelope seal: --public-key is required"},
		{"seal without flow id", []string{"envelope", "seal", "--public-key", pub4096, payload}, "runner envelope seal: --flow-id is required"},
		{"seal unknown flag", with(seal, "--bogus"), "runner envelope seal: flag provided but not defined: -bogus"},
		{"seal flag without value", []string{"envelope", "seal", "--public-key"}, "runner envelope seal: flag needs an argument: -public-key"},
		{"seal unknown padding", with(seal, "--rsa-padding", "x", payload), `runner envelope seal: --rsa-padding: unknown RSA padding "x" (want one of pkcs1v15, oaep-sha1, oaep-sha256)`},
		{"seal empty AES key", with(seal, "--aes-key", "", payload), "runner envelope seal: --aes-key is empty"},
		{"seal AES key too long", with(seal, "--aes-key", strings.Repeat("k", 376), payload), "its base64 is 504 bytes, but pkcs1v15 with a 4096-bit key fits at most 501"},
		{"seal missing key file", []string{"envelope", "seal", "--public-key", missing, "--flow-id", "ZH0RKJvh", payload}, "--public-key: public key: open " + missing},
		{"seal private key as public", []string{"envelope", "seal", "--public-key", priv4096, "--flow-id", "ZH0RKJvh", payload}, `--public-key: public key ` + priv4096 + `: found a "PRIVATE KEY" PEM block`},
		{"seal payload not an object", with(seal, notObject), "payload " + notObject + ` is not a strict JSON object: JSON is not an object (starts with [) (--allow-invalid-payload seals it anyway)`},
		{"seal payload duplicate keys", with(seal, duplicate), `duplicate JSON key "a"`},
		{"seal payload missing", with(seal, missing), "runner envelope seal: payload: open " + missing},
		{"seal two files", with(seal, payload, payload), `unexpected arguments after PAYLOAD_FILE: ["` + payload + `"] (flags go before the file)`},
		{"seal flag after file", with(seal, payload, "--show-key"), `unexpected arguments after PAYLOAD_FILE: ["--show-key"]`},
		{"open without key", []string{"envelope", "open"}, "runner envelope open: --private-key is required"},
		{"open unknown padding", with(open, "--rsa-padding", "oaep"), `runner envelope open: --rsa-padding: unknown RSA padding "oaep"`},
		{"open public key as private", []string{"envelope", "open", "--private-key", pub2048}, `--private-key: private key ` + pub2048 + `: found a "PUBLIC KEY" PEM block`},
		{"open missing envelope file", with(open, missing), "runner envelope open: envelope: open " + missing},
		{"open two files", with(open, payload, payload), "unexpected arguments after ENVELOPE_FILE"},
		{"keygen without flow id", []string{"envelope", "keygen", "--out-dir", t.TempDir()}, "runner envelope keygen: --flow-id is required"},
		{"keygen without out dir", with(keygen, "--flow-id", "TestF001"), "runner envelope keygen: --out-dir is required"},
		{"keygen short flow id", with(keygen, "--flow-id", "ZH0RKJv", "--out-dir", t.TempDir()), `--flow-id: "ZH0RKJv" is not 8 letters or digits (spec section 2; --any-flow-id allows it)`},
		{"keygen flow id with symbol", with(keygen, "--flow-id", "ZH0RKJv!", "--out-dir", t.TempDir()), `--flow-id: "ZH0RKJv!" is not 8 letters or digits`},
		{"keygen flow id with path, any allowed", with(keygen, "--any-flow-id", "--flow-id", "../x", "--out-dir", t.TempDir()), `--flow-id: "../x" cannot name a file`},
		{"keygen too few bits", []string{"envelope", "keygen", "--bits", "1024", "--flow-id", "TestF001", "--out-dir", t.TempDir()}, "--bits: 1024 is outside 2048-8192"},
		{"keygen too many bits", []string{"envelope", "keygen", "--bits", "16384", "--flow-id", "TestF001", "--out-dir", t.TempDir()}, "--bits: 16384 is outside 2048-8192"},
		{"keygen bits not a number", []string{"envelope", "keygen", "--bits", "many"}, `runner envelope keygen: invalid value "many" for flag -bits`},
		{"keygen out dir under a file", with(keygen, "--flow-id", "TestF001", "--out-dir", filepath.Join(notDir, "keys")), "--out-dir: mkdir " + notDir + ": not a directory"},
		{"keygen out dir is a file", with(keygen, "--flow-id", "TestF001", "--out-dir", notDir), "--out-dir: mkdir " + notDir + ": not a directory"},
		{"keygen extra argument", with(keygen, "--flow-id", "TestF001", "--out-dir", t.TempDir(), "extra"), `unexpected arguments ["extra"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, `{"flow-id":"ZH0RKJvh"}`, tt.args...)
			if r.code != exitUsage {
				t.Errorf("Expected exit %d, Actual %d (stderr %q)", exitUsage, r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr:\nExpected to contain: %s\nActual: %s", tt.want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("Expected nothing on stdout, Actual %q", r.stdout)
			}
		})
	}
}

func TestEnvelopeSealOpenRoundTrip(t *testing.T) {
	v := loadVector(t)
	payloadFile := writeTemp(t, "payload.json", v.PayloadJSON)
	for _, padding := range []string{"pkcs1v15", "oaep-sha1", "oaep-sha256"} {
		t.Run(padding, func(t *testing.T) {
			sealed := runCmd(t, "", "envelope", "seal", "--public-key", pub2048, "--flow-id", v.FlowID, "--rsa-padding", padding, payloadFile)
			if sealed.code != exitOK || sealed.stderr != "" {
				t.Fatalf("seal: Expected exit 0 and a quiet stderr, Actual exit %d, stderr %q", sealed.code, sealed.stderr)
			}
			if fields := envelopeFields(t, sealed.stdout); fields["flow-id"] != v.FlowID {
				t.Errorf("flow-id: Expected %q, Actual %q", v.FlowID, fields["flow-id"])
			}
			opened := runCmd(t, sealed.stdout, "envelope", "open", "--private-key", priv2048, "--rsa-padding", padding, "-")
			if opened.code != exitOK || opened.stderr != "" {
				t.Fatalf("open: Expected exit 0 and a quiet stderr, Actual exit %d, stderr %q", opened.code, opened.stderr)
			}
			if opened.stdout != v.PayloadJSON {
				t.Errorf("open: Expected the payload byte for byte:\n%q\nActual:\n%q", v.PayloadJSON, opened.stdout)
			}
		})
	}
}

// With the vector's key string, seal reproduces the published
// requestEncryptedValue, and --show-key on both sides shows the same secrets.
func TestEnvelopeSealWithVectorKey(t *testing.T) {
	v := loadVector(t)
	sealed := runCmd(t, v.PayloadJSON, "envelope", "seal", "--public-key", pub4096, "--flow-id", v.FlowID, "--aes-key", v.AESKey)
	if sealed.code != exitOK {
		t.Fatalf("seal: exit %d: %s", sealed.code, sealed.stderr)
	}
	if got := envelopeFields(t, sealed.stdout)["requestEncryptedValue"]; got != v.RequestEncryptedValue {
		t.Errorf("requestEncryptedValue:\nExpected: %s\nActual:   %s", v.RequestEncryptedValue, got)
	}
	if sealed.stderr != "" {
		t.Errorf("seal without --show-key: Expected a quiet stderr, Actual %q", sealed.stderr)
	}
	opened := runCmd(t, sealed.stdout, "envelope", "open", "--private-key", priv4096, "--show-key")
	if opened.code != exitOK || opened.stdout != v.PayloadJSON {
		t.Fatalf("open: exit %d, stdout %q, stderr %q", opened.code, opened.stdout, opened.stderr)
	}
	for _, want := range []string{`key string: "` + v.AESKey + `"`, v.AESKeyB64, v.DerivedAESKeyHex} {
		if !strings.Contains(opened.stderr, want) {
			t.Errorf("open --show-key: Expected stderr to contain %q, Actual %q", want, opened.stderr)
		}
	}
}

// Secrets stay out of the output unless asked for; asked for, they are right.
func TestEnvelopeShowKey(t *testing.T) {
	quiet := runCmd(t, `{}`, "envelope", "seal", "--public-key", pub2048, "--flow-id", "ZH0RKJvh")
	if quiet.code != exitOK || quiet.stderr != "" {
		t.Fatalf("seal: Expected exit 0 and a quiet stderr, Actual %d, %q", quiet.code, quiet.stderr)
	}
	shown := runCmd(t, `{}`, "envelope", "seal", "--public-key", pub2048, "--flow-id", "ZH0RKJvh", "--show-key")
	if shown.code != exitOK {
		t.Fatalf("seal --show-key: exit %d: %s", shown.code, shown.stderr)
	}
	var key string
	for _, line := range strings.Split(shown.stderr, "\n") {
		if rest, ok := strings.CutPrefix(line, "key string base64 (the RSA-encrypted value): "); ok {
			key = rest
		}
	}
	if key == "" {
		t.Fatalf("seal --show-key: no key on stderr: %q", shown.stderr)
	}
	opened := runCmd(t, shown.stdout, "envelope", "open", "--private-key", priv2048, "--show-key")
	if opened.code != exitOK || !strings.Contains(opened.stderr, key) {
		t.Errorf("open --show-key: Expected exit 0 and stderr naming %s, Actual %d, %q", key, opened.code, opened.stderr)
	}
	if raw, err := base64.StdEncoding.DecodeString(key); err != nil || len(raw) != 32 {
		t.Errorf("random key string: Expected 32 hex characters, Actual %q (%v)", raw, err)
	}
}

// The payload is sealed as read and printed as sealed: no trailing
// newline is added or removed, whitespace survives.
func TestEnvelopeKeepsPayloadBytes(t *testing.T) {
	for _, payload := range []string{`{}`, "{ \"a\" : 1 }\n\n", "\t{\"name\":\"Aśha\"}"} {
		sealed := runCmd(t, payload, "envelope", "seal", "--public-key", pub2048, "--flow-id", "ZH0RKJvh", "-")
		if sealed.code != exitOK {
			t.Fatalf("seal %q: exit %d: %s", payload, sealed.code, sealed.stderr)
		}
		opened := runCmd(t, sealed.stdout, "envelope", "open", "--private-key", priv2048)
		if opened.code != exitOK || opened.stdout != payload {
			t.Errorf("Expected %q, Actual %q (exit %d, %s)", payload, opened.stdout, opened.code, opened.stderr)
		}
	}
}

// --allow-invalid-payload builds negative vectors: the envelope seals, and
// opening it names the stage a strict server fails at.
func TestEnvelopeAllowInvalidPayload(t *testing.T) {
	sealed := runCmd(t, `[{"flow-id":"ZH0RKJvh"}]`, "envelope", "seal", "--public-key", pub2048, "--flow-id", "ZH0RKJvh", "--allow-invalid-payload")
	if sealed.code != exitOK {
		t.Fatalf("seal: exit %d: %s", sealed.code, sealed.stderr)
	}
	opened := runCmd(t, sealed.stdout, "envelope", "open", "--private-key", priv2048)
	const want = "envelope does not open: payload JSON: JSON is not an object (starts with [)\n"
	if opened.code != exitFailure || opened.stderr != want || opened.stdout != "" {
		t.Errorf("Expected exit 1, stderr %q, no stdout; Actual exit %d, stderr %q, stdout %q", want, opened.code, opened.stderr, opened.stdout)
	}
}

func TestEnvelopeOpenFailures(t *testing.T) {
	sealed := runCmd(t, `{"flow-id":"ZH0RKJvh"}`, "envelope", "seal", "--public-key", pub4096, "--flow-id", "ZH0RKJvh")
	if sealed.code != exitOK {
		t.Fatalf("seal: exit %d: %s", sealed.code, sealed.stderr)
	}
	oaepSealed := runCmd(t, `{"flow-id":"ZH0RKJvh"}`, "envelope", "seal", "--public-key", pub4096, "--flow-id", "ZH0RKJvh", "--rsa-padding", "oaep-sha1")
	if oaepSealed.code != exitOK {
		t.Fatalf("seal with OAEP: exit %d: %s", oaepSealed.code, oaepSealed.stderr)
	}
	fields := envelopeFields(t, sealed.stdout)
	body := func(edit func(map[string]any)) string {
		m := map[string]any{}
		for k, v := range fields {
			m[k] = v
		}
		edit(m)
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	enc, sig := fields["requestEncryptedValue"], fields["requestDigitalSignatureValue"]

	tests := []struct {
		name, stdin string
		args        []string
		want        string // the whole of stderr
	}{
		{"wrong private key", sealed.stdout, []string{"--private-key", otherPriv},
			"envelope does not open: RSA decryption: pkcs1v15 decryption failed\n" +
				"hint: no RSA padding (pkcs1v15, oaep-sha1, oaep-sha256) opens it with this key: the client most likely sealed with another public key " +
				"(another flow's, or an old key of this flow: generateKeyPair replaces it) than this key's public half (SHA-256 of its DER SubjectPublicKeyInfo " + fingerprintOf(t, otherPriv) + ")\n"},
		{"key of the wrong size", sealed.stdout, []string{"--private-key", priv2048},
			"envelope does not open: RSA value length: 512 bytes, want exactly 256 (the 2048-bit modulus)\n" +
				"hint: the RSA value is 512 bytes, the block of a 4096-bit key, and this private key is 2048-bit: the client most likely sealed with another key " +
				"(another flow's, or an old key of this flow) than this key's public half (SHA-256 of its DER SubjectPublicKeyInfo " + fingerprintOf(t, priv2048) + ")\n"},
		{"wrong padding", sealed.stdout, []string{"--private-key", priv4096, "--rsa-padding", "oaep-sha256"},
			"envelope does not open: RSA decryption: oaep-sha256 decryption failed\n" +
				"hint: it opens with --rsa-padding pkcs1v15: the client RSA-encrypts the key string with pkcs1v15, not oaep-sha256\n"},
		{"sealed with OAEP, opened as PKCS#1 v1.5", oaepSealed.stdout, []string{"--private-key", priv4096},
			"envelope does not open: RSA decryption: pkcs1v15 decryption failed\n" +
				"hint: it opens with --rsa-padding oaep-sha1: the client RSA-encrypts the key string with oaep-sha1, not pkcs1v15\n"},
		{"encrypted value with a newline", body(func(m map[string]any) { m["requestEncryptedValue"] = enc[:10] + "\n" + enc[10:] }), []string{"--private-key", priv4096},
			"envelope does not open: base64 of requestEncryptedValue: not canonical standard base64: contains characters outside the alphabet\n"},
		{"signature value in URL alphabet", body(func(m map[string]any) { m["requestDigitalSignatureValue"] = "-" + sig[1:] }), []string{"--private-key", priv4096},
			"envelope does not open: base64 of requestDigitalSignatureValue: not canonical standard base64: illegal base64 data at input byte 0\n"},
		{"AES ciphertext cut short", body(func(m map[string]any) { m["requestEncryptedValue"] = "AAAA" }), []string{"--private-key", priv4096},
			"envelope does not open: AES ciphertext length: 3 bytes, want a non-zero multiple of 16\n"},
		{"envelope not JSON", "requestEncryptedValue=x", []string{"--private-key", priv4096},
			"envelope does not open: envelope JSON: invalid JSON: invalid character 'r' looking for beginning of value\n"},
		{"envelope a JSON array", "[" + sealed.stdout + "]", []string{"--private-key", priv4096},
			"envelope does not open: envelope JSON: JSON is not an object (starts with [)\n"},
		{"envelope with duplicate field", `{"flow-id":"a","flow-id":"b"}`, []string{"--private-key", priv4096},
			"envelope does not open: envelope JSON: duplicate JSON key \"flow-id\"\n"},
		{"envelope missing flow-id", body(func(m map[string]any) { delete(m, "flow-id") }), []string{"--private-key", priv4096},
			"envelope does not open: envelope JSON: missing field \"flow-id\"\n"},
		{"envelope field null", body(func(m map[string]any) { m["requestEncryptedValue"] = nil }), []string{"--private-key", priv4096},
			"envelope does not open: envelope JSON: field \"requestEncryptedValue\" is null, want a string\n"},
		{"envelope field a number", body(func(m map[string]any) { m["flow-id"] = 12345678 }), []string{"--private-key", priv4096},
			"envelope does not open: envelope JSON: field \"flow-id\" is 12345678, want a string\n"},
		{"envelope unknown fields", body(func(m map[string]any) { m["FlowId"] = "x"; m["extra"] = 1 }), []string{"--private-key", priv4096},
			"envelope does not open: envelope JSON: unknown field(s) \"FlowId\", \"extra\" (want exactly requestEncryptedValue, requestDigitalSignatureValue, flow-id)\n"},
		{"empty input", "", []string{"--private-key", priv4096},
			"envelope does not open: envelope JSON: invalid JSON: EOF\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, tt.stdin, append([]string{"envelope", "open"}, tt.args...)...)
			if r.code != exitFailure {
				t.Errorf("Expected exit %d, Actual %d", exitFailure, r.code)
			}
			if r.stderr != tt.want {
				t.Errorf("stderr:\nExpected: %q\nActual:   %q", tt.want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("Expected nothing on stdout, Actual %q", r.stdout)
			}
		})
	}
}

// fingerprintOf is the SHA-256 of a private key's public half's DER
// SubjectPublicKeyInfo, as the open hints print it (computed here the long
// way, not with the code under test).
func fingerprintOf(t *testing.T, privPath string) string {
	t.Helper()
	data, err := os.ReadFile(privPath)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s: no PEM", privPath)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(key.(*rsa.PrivateKey).Public())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

func TestEnvelopeKeygen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys") // made by keygen, as the README's keys/ is
	r := runCmd(t, "", "envelope", "keygen", "--flow-id", "TestF001", "--bits", "2048", "--out-dir", dir)
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("keygen: Expected exit 0 and a quiet stderr, Actual %d, %q", r.code, r.stderr)
	}
	pubPath, privPath := filepath.Join(dir, "TestF001_public.key"), filepath.Join(dir, "TestF001_private.key")
	if want := pubPath + "\n" + privPath + "\n"; r.stdout != want {
		t.Errorf("keygen stdout:\nExpected: %q\nActual:   %q", want, r.stdout)
	}
	info, err := os.Stat(privPath)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("private key mode: Expected 0600, Actual %#o", mode)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("the key directory keygen made: Expected mode 0700, Actual %v %v", info.Mode(), err)
	}
	privBefore, err := os.ReadFile(privPath)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.stdout, "PRIVATE") {
		t.Error("keygen printed the private key")
	}

	// The new pair seals and opens through the CLI.
	sealed := runCmd(t, `{"flow-id":"TestF001"}`, "envelope", "seal", "--public-key", pubPath, "--flow-id", "TestF001")
	opened := runCmd(t, sealed.stdout, "envelope", "open", "--private-key", privPath)
	if sealed.code != exitOK || opened.code != exitOK || opened.stdout != `{"flow-id":"TestF001"}` {
		t.Errorf("round trip with the new keys: seal %d %q, open %d %q %q", sealed.code, sealed.stderr, opened.code, opened.stdout, opened.stderr)
	}

	// A second keygen refuses to replace the pair.
	again := runCmd(t, "", "envelope", "keygen", "--flow-id", "TestF001", "--bits", "2048", "--out-dir", dir)
	if again.code != exitUsage || !strings.Contains(again.stderr, "TestF001_private.key: file exists") {
		t.Errorf("second keygen: Expected exit 2 and \"file exists\", Actual %d, %q", again.code, again.stderr)
	}
	if after, _ := os.ReadFile(privPath); !bytes.Equal(after, privBefore) {
		t.Error("second keygen replaced the private key")
	}
}

func TestIsFlowID(t *testing.T) {
	for id, want := range map[string]bool{
		"ZH0RKJvh": true, "12345678": true, "abcdefgh": true,
		"": false, "ZH0RKJv": false, "ZH0RKJvhX": false, "ZH0RKJ-h": false, "ZH0RKJ h": false, "ZH0RKJvé": false,
	} {
		if got := isFlowID(id); got != want {
			t.Errorf("isFlowID(%q): Expected %v, Actual %v", id, want, got)
		}
	}
}
