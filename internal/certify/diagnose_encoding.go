package certify

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// The text half of the diagnosis: how an envelope value was encoded when
// it is not canonical standard base64. Hex needs care: hex digits are
// valid base64 text, so a strict decoder turns a hex value into noise of
// three quarters of its length, and without this check the diagnosis
// would blame the key.

// minHexDigits is the shortest value read as hex: a real base64 value of
// that length made of hex digits only is a 1 in 10^14 chance.
const minHexDigits = 32

// wholeBlocks is the size test of requestEncryptedValue.
func wholeBlocks(b []byte) bool { return len(b) > 0 && len(b)%envelope.BlockSize == 0 }

// modulusSized is the size test of requestDigitalSignatureValue, with the
// slack the RSA stage diagnoses itself (a sign byte, dropped zeros).
func (dg *diagnoser) modulusSized(b []byte) bool {
	n := dg.priv.Size()
	return len(b) >= n-8 && len(b) <= n+1
}

// base64Field decodes one envelope value, recognising the encodings
// clients send instead of canonical standard base64; fits says whether
// decoded bytes have the size the value must have.
func (dg *diagnoser) base64Field(s, name, rule string, fits func([]byte) bool) ([]byte, bool) {
	if s == "" {
		dg.add(rule, name+" must be the base64 of its value", "it is empty", "field-empty")
		return nil, false
	}
	want := name + " must be canonical standard base64 on one line (alphabet A-Z a-z 0-9 + /, with = padding)"
	if b, got, ok := hexText(s); ok {
		dg.add(rule, want, got, "encoding-hex")
		return b, true
	}
	if b, err := envelope.DecodeStrict(s); err == nil {
		if inner, mistake, got := nestedEncoding(b, fits); mistake != "" {
			dg.add(rule, want, got, mistake)
			return inner, true
		}
		return b, true
	}
	b, mistake, got := lenientBase64(s)
	if mistake == "" {
		dg.add(rule, want, "it is not base64 at all (nor hex): it begins "+quoteStart([]byte(s)), "base64-invalid")
		return nil, false
	}
	dg.add(rule, want, got, mistake)
	return b, true
}

// hexText decodes s when it is hex digits only, saying what was seen.
func hexText(s string) ([]byte, string, bool) {
	if len(s) < minHexDigits || len(s)%2 != 0 || strings.Trim(s, "0123456789abcdefABCDEF") != "" {
		return nil, "", false
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, "", false
	}
	return b, "it is hex, not base64 (hex digits are valid base64 text too, so a server decodes them to noise three quarters their length)", true
}

// nestedEncoding recognises a value encoded twice: the base64 of hex text
// or of base64 text. Random bytes (a ciphertext, an RSA value) of that
// length are all hex digits or all base64 characters by a negligible
// chance, so text there is a second encoding.
func nestedEncoding(b []byte, fits func([]byte) bool) (inner []byte, mistake, got string) {
	if h, _, ok := hexText(string(b)); ok && fits(h) {
		return h, "encoding-base64-of-hex", fmt.Sprintf("it is the base64 of hex text: the bytes were hex-encoded first (%d hex digits inside)", len(b))
	}
	if d, err := envelope.DecodeStrict(string(b)); err == nil && len(b) >= minHexDigits && fits(d) {
		return d, "encoding-double-base64", "it was base64-encoded twice"
	}
	return nil, "", ""
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
		notes = append(notes, wrapping(s))
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

// wrapping describes the whitespace in a base64 value: lines of a fixed
// width (MIME's 76, PEM's 64), a trailing line break, or spaces.
func wrapping(s string) string {
	ending := "LF"
	if strings.Contains(s, "\r\n") {
		ending = "CRLF"
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n"), "\n")
	switch {
	case strings.ContainsAny(s, " \t"):
		return "it contains spaces or tabs"
	case len(lines) == 1:
		return fmt.Sprintf("it ends with a line break (%s)", ending)
	}
	width := len(lines[0])
	for _, l := range lines[:len(lines)-1] {
		if len(l) != width {
			return fmt.Sprintf("it is broken into lines of varying width with %s", ending)
		}
	}
	note := fmt.Sprintf("it is broken into lines of %d characters with %s", width, ending)
	switch width {
	case 76:
		note += " (MIME base64: Java's Base64.getMimeEncoder(), Python's base64.encodebytes)"
	case 64:
		note += " (openssl base64 without -A, PEM style)"
	}
	return note + ": it must be one line"
}
