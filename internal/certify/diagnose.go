package certify

import (
	"crypto"
	"crypto/rsa"
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
	// Detail is what is particular to this request (where two payloads
	// part, the code the server answered): shown on a line of its own, and
	// left out when failures are grouped.
	Detail string
}

func (f Finding) String() string {
	if f.Detail != "" {
		return f.summary() + "\n" + f.Detail
	}
	return f.summary()
}

// summary is the finding without its Detail.
func (f Finding) summary() string { return f.Rule + ": " + f.Want + "; " + f.Got }

// Diagnosis explains why an envelope does not open: the stage where the
// strict Open failed and the known mistakes that account for it.
type Diagnosis struct {
	Stage    envelope.Stage
	Detail   string // the strict Open's own error
	Findings []Finding
	// Recovered says that undoing the findings opens the envelope: they
	// are the only mistakes.
	Recovered bool
	// Payload is the payload the undoing got to, JSON or not (nil if it
	// got no further than the AES stage): the byte check compares it with
	// the file, to name a charset mistake behind invalid UTF-8.
	Payload []byte
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
	b.WriteString(d.header())
	for _, f := range d.Findings {
		b.WriteString("\n" + f.String())
	}
	b.WriteString(d.footer())
	return b.String()
}

func (d *Diagnosis) header() string {
	if d.Stage != 0 {
		return fmt.Sprintf("the envelope does not open (failed stage: %s)", d.Stage)
	}
	return "the envelope does not open"
}

func (d *Diagnosis) footer() string {
	switch {
	case len(d.Findings) == 0:
		return "\nspec 3: " + d.Detail
	case d.Recovered && len(d.Findings) == 1:
		return "\nUndoing that, the rest of the envelope opens: it is the only mistake found."
	case d.Recovered:
		return "\nUndoing those, the rest of the envelope opens: they are the only mistakes found."
	}
	return ""
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
	ciphertext, ok := dg.base64Field(env.RequestEncryptedValue, "requestEncryptedValue", "spec 3 step 5", wholeBlocks)
	if !ok {
		return false
	}
	rsaValue, ok := dg.base64Field(env.RequestDigitalSignatureValue, "requestDigitalSignatureValue", "spec 3 step 6", dg.modulusSized)
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
		return "OAEP with SHA-256 for both the OAEP hash and MGF1"
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
	// A block padded another way passes a PKCS#1 v1.5 unpadding by chance
	// now and then (about 1 in 200 for OAEP), yielding noise: what is
	// carried must be base64 text, so noise sends the search on to the
	// other paddings, and comes back only if none of them does better.
	expected, expectedErr := rsaDecrypt(dg.priv, dg.padding, v)
	if expectedErr == nil && isBase64Text(expected) {
		return dg.keyEncoding(expected)
	}
	wantPad := "the RSA value must be padded with " + paddingDescription(dg.padding)
	if dg.padding == envelope.PKCS1v15 {
		wantPad += " (the spec's padding, Java's default RSA cipher)"
	} else {
		wantPad += " (KAIROS_RSA_PADDING=" + dg.padding.String() + ")"
	}
	// The other paddings: the first whose message is base64 text; failing
	// that, when the expected one does not unpad at all, the first that
	// unpads (its noise then goes on to the key and AES stages).
	var noise []byte
	var noiseAlt envelope.Padding
	unpadded := false
	for _, alt := range []envelope.Padding{envelope.PKCS1v15, envelope.OAEPSHA1, envelope.OAEPSHA256, oaepSHA256MGF1SHA1} {
		if alt == dg.padding {
			continue
		}
		m, err := rsaDecrypt(dg.priv, alt, v)
		switch {
		case err != nil:
		case isBase64Text(m):
			return dg.wrongPadding(rule, wantPad, alt, m)
		case expectedErr != nil && !unpadded:
			noise, noiseAlt, unpadded = m, alt, true
		}
	}
	if unpadded {
		return dg.wrongPadding(rule, wantPad, noiseAlt, noise)
	}
	if expectedErr == nil {
		return dg.keyEncoding(expected) // not base64: keyEncoding and the AES stage say so
	}
	if m := rawRSA(dg.priv, v); m != nil {
		dg.add(rule, wantPad, "it is not padded at all (textbook RSA)", "rsa-padding-none")
		return dg.keyEncoding(m)
	}
	dg.add(rule, "the RSA value must decrypt with the flow's private key",
		"it decrypts under no padding (PKCS#1 v1.5, OAEP, none): was it encrypted with the public key in KAIROS_PUBLIC_KEY_FILE?", "rsa-wrong-key")
	return nil, false
}

// wrongPadding reports that the RSA value decrypts with padding alt
// instead of the one asked for, and goes on with what it carries.
func (dg *diagnoser) wrongPadding(rule, wantPad string, alt envelope.Padding, m []byte) ([]byte, bool) {
	got := "it decrypts with " + paddingDescription(alt) + " instead"
	if alt == oaepSHA256MGF1SHA1 {
		got += `: oaep-sha256 means SHA-256 for the OAEP hash and for MGF1, and Java's "RSA/ECB/OAEPWithSHA-256AndMGF1Padding" keeps MGF1 on SHA-1 unless initialised with new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT)`
	}
	dg.add(rule, wantPad, got, paddingMistake(alt))
	return dg.keyEncoding(m)
}

// isBase64Text says whether a decrypted RSA message looks like what a
// client meant to carry: standard or URL-safe base64 text, padded or not.
func isBase64Text(m []byte) bool {
	if len(m) == 0 {
		return false
	}
	for _, c := range m {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("+/=-_", c) >= 0) {
			return false
		}
	}
	return true
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
