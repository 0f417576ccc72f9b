package certify

import (
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// Finding is one way a request departs from the spec, phrased so that a
// vendor can act on it: the rule, what it requires, what the client did.
type Finding struct {
	Rule    string // where the spec says it, e.g. "spec 3 step 4"
	Want    string // "the AES key must be SHA-256(base64(k))[:16]"
	Got     string // "the ciphertext decrypts with the raw key string k instead"
	Mistake string // a stable short name, e.g. "aes-key-raw"
}

func (f Finding) String() string { return f.Rule + ": " + f.Want + "; " + f.Got }

// Diagnosis explains why an envelope does not open: the stage where the
// strict Open failed and the known mistakes that account for it.
type Diagnosis struct {
	Stage    envelope.Stage
	Detail   string // the strict Open's own error
	Findings []Finding
	// Recovered says that undoing the findings opens the envelope: they
	// are the only mistakes.
	Recovered bool
}

// Mistakes lists the findings' short names.
func (d *Diagnosis) Mistakes() []string {
	var out []string
	for _, f := range d.Findings {
		out = append(out, f.Mistake)
	}
	return out
}

func (d *Diagnosis) Error() string {
	var b strings.Builder
	if d.Stage != 0 {
		fmt.Fprintf(&b, "the envelope does not open (failed stage: %s)", d.Stage)
	} else {
		b.WriteString("the envelope does not open")
	}
	for _, f := range d.Findings {
		b.WriteString("\n" + f.String())
	}
	switch {
	case len(d.Findings) == 0:
		b.WriteString("\nspec 3: " + d.Detail)
	case d.Recovered && len(d.Findings) == 1:
		b.WriteString("\nUndoing that, the rest of the envelope opens: it is the only mistake found.")
	case d.Recovered:
		b.WriteString("\nUndoing those, the rest of the envelope opens: they are the only mistakes found.")
	}
	return b.String()
}

// Diagnose opens env strictly, as the reference server does. If it does
// not open, it looks for the mistakes clients are known to make and says
// which of them explain the failure.
func Diagnose(env *envelope.Envelope, priv *rsa.PrivateKey, padding envelope.Padding) (*envelope.Opened, *Diagnosis) {
	opened, err := envelope.OpenDetailed(env, priv, padding)
	if err == nil {
		return opened, nil
	}
	d := &Diagnosis{Stage: envelope.StageOf(err), Detail: err.Error()}
	if env != nil && priv != nil {
		dg := &diagnoser{priv: priv, padding: padding, d: d}
		d.Recovered = dg.run(env)
	}
	return nil, d
}

type diagnoser struct {
	priv    *rsa.PrivateKey
	padding envelope.Padding
	d       *Diagnosis
}

func (dg *diagnoser) add(rule, want, got, mistake string) {
	dg.d.Findings = append(dg.d.Findings, Finding{Rule: rule, Want: want, Got: got, Mistake: mistake})
}

// run undoes one stage after another, leniently, noting every mistake it
// had to undo; it reports whether it got to a payload JSON object.
func (dg *diagnoser) run(env *envelope.Envelope) bool {
	ciphertext, ok := dg.base64Field(env.RequestEncryptedValue, "requestEncryptedValue", "spec 3 step 5")
	if !ok {
		return false
	}
	rsaValue, ok := dg.base64Field(env.RequestDigitalSignatureValue, "requestDigitalSignatureValue", "spec 3 step 6")
	if !ok {
		return false
	}
	carried, ok := dg.rsa(rsaValue)
	if !ok {
		return false
	}
	plain, ok := dg.aes(ciphertext, carried)
	if !ok {
		return false
	}
	return dg.payload(plain)
}

// base64Field decodes one envelope value, recognising the usual
// departures from canonical standard base64.
func (dg *diagnoser) base64Field(s, name, rule string) ([]byte, bool) {
	if s == "" {
		dg.add(rule, name+" must be the base64 of its value", "it is empty", "field-empty")
		return nil, false
	}
	if b, err := envelope.DecodeStrict(s); err == nil {
		return b, true
	}
	b, mistake, got := lenientBase64(s)
	want := name + " must be canonical standard base64 on one line (alphabet A-Z a-z 0-9 + /, with = padding)"
	if mistake == "" {
		dg.add(rule, want, "it is not base64 at all", "base64-invalid")
		return nil, false
	}
	dg.add(rule, want, got, mistake)
	return b, true
}

// lenientBase64 decodes s when it is one of the base64 dialects clients
// produce by mistake, naming the dialect; mistake is "" when it is not
// base64 at all (or is canonical).
func lenientBase64(s string) (b []byte, mistake, got string) {
	var notes []string
	trimmed := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if trimmed != s {
		mistake = "base64-wrapped"
		notes = append(notes, "it is broken into lines or contains spaces (openssl base64 without -A and Java's MIME encoder do that)")
	}
	try := func(enc *base64.Encoding, m, note string) bool {
		d, err := enc.Strict().DecodeString(trimmed)
		if err != nil {
			return false
		}
		b = d
		if m != "" {
			if mistake == "" {
				mistake = m
			}
			notes = append(notes, note)
		}
		return true
	}
	urlSafe := strings.ContainsAny(trimmed, "-_")
	switch {
	case try(base64.StdEncoding, "", ""):
	case urlSafe && try(base64.URLEncoding, "base64-url-safe", "it is URL-safe base64 (- and _ instead of + and /)"):
	case urlSafe && try(base64.RawURLEncoding, "base64-url-safe", "it is URL-safe base64 (- and _ instead of + and /) without = padding"):
	case try(base64.RawStdEncoding, "base64-unpadded", "its = padding is missing"):
	default:
		d, err := base64.StdEncoding.DecodeString(trimmed)
		if err != nil {
			return nil, "", ""
		}
		b = d
		if mistake == "" {
			mistake = "base64-noncanonical"
		}
		notes = append(notes, "its last character has unused bits set: not canonical")
	}
	return b, mistake, strings.Join(notes, "; ")
}

// oaepSHA256MGF1SHA1 is Java's "RSA/ECB/OAEPWithSHA-256AndMGF1Padding",
// which keeps MGF1 on SHA-1.
const oaepSHA256MGF1SHA1 envelope.Padding = -1

func paddingDescription(p envelope.Padding) string {
	switch p {
	case envelope.PKCS1v15:
		return "PKCS#1 v1.5"
	case envelope.OAEPSHA1:
		return "OAEP with SHA-1"
	case envelope.OAEPSHA256:
		return "OAEP with SHA-256"
	case oaepSHA256MGF1SHA1:
		return "OAEP with SHA-256 and MGF1-SHA-1 (Java's OAEPWithSHA-256AndMGF1Padding)"
	}
	return p.String()
}

func paddingMistake(p envelope.Padding) string {
	if p == oaepSHA256MGF1SHA1 {
		return "rsa-padding-oaep-sha256-mgf1-sha1"
	}
	return "rsa-padding-" + p.String()
}

// rsaDecrypt recovers what the RSA value carries under padding p: the
// envelope's paddings, and Java's OAEP variant that the envelope does not
// offer.
func rsaDecrypt(priv *rsa.PrivateKey, p envelope.Padding, c []byte) ([]byte, error) {
	if p == oaepSHA256MGF1SHA1 {
		return priv.Decrypt(nil, c, &rsa.OAEPOptions{Hash: crypto.SHA256, MGFHash: crypto.SHA1})
	}
	return p.DecryptKey(priv, c)
}

// rsa recovers what the RSA value carries (keyB64, if the client is right).
func (dg *diagnoser) rsa(v []byte) ([]byte, bool) {
	const rule = "spec 3 step 6"
	size, bits := dg.priv.Size(), dg.priv.N.BitLen()
	want := fmt.Sprintf("the RSA value must be exactly %d bytes (the flow's %d-bit modulus)", size, bits)
	switch {
	case len(v) == size:
	case len(v) == size+1 && v[0] == 0:
		dg.add(rule, want, fmt.Sprintf("it is %d bytes: a leading zero byte was added (a sign byte, as Java's BigInteger.toByteArray adds)", len(v)), "rsa-length-sign-byte")
		v = v[1:]
	case len(v) < size && len(v) >= size-8:
		dg.add(rule, want, fmt.Sprintf("it is %d bytes: its leading zero bytes were dropped", len(v)), "rsa-length-short")
		v = append(make([]byte, size-len(v)), v...)
	default:
		dg.add(rule, want, fmt.Sprintf("it is %d bytes: was it encrypted with another key than KAIROS_PUBLIC_KEY_FILE?", len(v)), "rsa-length")
		return nil, false
	}
	if m, err := rsaDecrypt(dg.priv, dg.padding, v); err == nil {
		return dg.keyEncoding(m)
	}
	wantPad := "the RSA value must be padded with " + paddingDescription(dg.padding)
	if dg.padding == envelope.PKCS1v15 {
		wantPad += " (the spec's padding, Java's default RSA cipher)"
	} else {
		wantPad += " (the profile's padding)"
	}
	for _, alt := range []envelope.Padding{envelope.PKCS1v15, envelope.OAEPSHA1, envelope.OAEPSHA256, oaepSHA256MGF1SHA1} {
		if alt == dg.padding {
			continue
		}
		if m, err := rsaDecrypt(dg.priv, alt, v); err == nil {
			dg.add(rule, wantPad, "it decrypts with "+paddingDescription(alt)+" instead", paddingMistake(alt))
			return dg.keyEncoding(m)
		}
	}
	if m := rawRSA(dg.priv, v); m != nil {
		dg.add(rule, wantPad, "it is not padded at all (textbook RSA)", "rsa-padding-none")
		return dg.keyEncoding(m)
	}
	dg.add(rule, "the RSA value must decrypt with the flow's private key",
		"it decrypts under no padding (PKCS#1 v1.5, OAEP, none): was it encrypted with the public key in KAIROS_PUBLIC_KEY_FILE?", "rsa-wrong-key")
	return nil, false
}

// keyEncoding checks that what the RSA value carries is base64(k).
func (dg *diagnoser) keyEncoding(m []byte) ([]byte, bool) {
	if len(m) == 0 {
		dg.add("spec 3 step 6", "the RSA value must carry base64(k), k the key string", "it carries an empty string", "rsa-empty-key")
		return nil, false
	}
	return m, true
}

// rawRSA undoes unpadded RSA: the message is the plaintext with leading
// zeros, printable ASCII if the client encrypted a key string that way.
func rawRSA(priv *rsa.PrivateKey, v []byte) []byte {
	m := new(big.Int).Exp(new(big.Int).SetBytes(v), priv.D, priv.N).Bytes()
	if len(m) == 0 || len(m) > 1024 {
		return nil
	}
	for _, c := range m {
		if c < 0x20 || c > 0x7e {
			return nil
		}
	}
	return m
}
