package certify

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// The byte-exact payload check: spec section 3 step 1 base64-encodes "the
// payload's JSON bytes", so the envelope must carry KAIROS_PAYLOAD_FILE's
// bytes as they are. When it carries others, the finding says what the
// client did to them: re-serialised them (same JSON value, other bytes) or
// pushed them through a charset that is not UTF-8.

const payloadRule = "spec 3 step 1"

// CLocale names the locale of the second run of non-ASCII payloads.
const CLocale = "LC_ALL=C"

// payloadBytesFinding compares the sealed payload with the file's bytes;
// locale is "" for the harness's own environment, else the locale the
// client ran under (CLocale). It returns nil when they are equal.
func payloadBytesFinding(file, sealed []byte, locale string) *Finding {
	if bytes.Equal(file, sealed) {
		return nil
	}
	differ := "the payload bytes differ from the file"
	if locale != "" {
		differ = "under " + locale + " (LC_ALL=C and LANG=C in the client's environment) the payload bytes differ from the file"
	}
	detail := firstDifference(file, sealed)
	if how := charsetChange(file, sealed); how != "" {
		return &Finding{Rule: payloadRule,
			Want:    "the client must seal the bytes of KAIROS_PAYLOAD_FILE exactly as they are: read and send the file as bytes, never through the platform's default charset",
			Got:     differ + ": non-ASCII characters were re-encoded (" + how + ")",
			Detail:  detail,
			Mistake: "payload-charset"}
	}
	if equal, err := jsonEqual(file, sealed); err == nil && equal {
		changes := reserialisation(file, sealed)
		if len(changes) == 0 {
			changes = []string{"its bytes were rewritten"}
		}
		// No locale in the wording: re-serialising is the same mistake under
		// every locale, and one problem is one group in the report.
		got := "the payload is the same JSON value but not the same bytes: " + strings.Join(changes, "; ") + ": the client parsed and re-serialised the file"
		return &Finding{Rule: payloadRule,
			Want:    "the client must seal the bytes of KAIROS_PAYLOAD_FILE exactly as they are: read the file as bytes, never parse and re-serialise it",
			Got:     got,
			Detail:  detail,
			Mistake: "payload-reserialised"}
	}
	return &Finding{Rule: payloadRule, Want: "the client must seal the bytes of KAIROS_PAYLOAD_FILE exactly as they are",
		Got: differ + ": it sealed a different JSON value", Detail: detail, Mistake: "payload-json-differs"}
}

// charsetChange recognises the file's bytes pushed through a charset other
// than UTF-8, saying how; "" when sealed is not such a re-encoding of file.
func charsetChange(file, sealed []byte) string {
	if utf8.Valid(file) && bytes.IndexFunc(file, func(r rune) bool { return r > 0x7f }) < 0 {
		return "" // nothing to re-encode
	}
	candidates := []struct {
		how  string
		from func([]byte) []byte
	}{
		{"each non-ASCII byte became '?': the file was decoded with an ASCII charset and encoded again, as a JDK does with its default charset under a POSIX locale",
			func(b []byte) []byte { return mapBytes(b, "?") }},
		{"each non-ASCII character became '?': the text was encoded with an ASCII charset (String.getBytes() with no charset under a POSIX locale)",
			func(b []byte) []byte { return mapRunes(b, func(r rune) string { return "?" }) }},
		{"each non-ASCII byte became U+FFFD: the file was decoded with an ASCII charset, then encoded as UTF-8",
			func(b []byte) []byte { return mapBytes(b, "\uFFFD") }},
		{"the UTF-8 bytes were decoded as ISO-8859-1 and encoded as UTF-8 again: é became Ã©",
			func(b []byte) []byte {
				var out bytes.Buffer
				for _, c := range b {
					out.WriteRune(rune(c))
				}
				return out.Bytes()
			}},
		{"the text was encoded as ISO-8859-1 (é is the single byte 0xE9, not UTF-8)",
			func(b []byte) []byte {
				return mapRunes(b, func(r rune) string {
					if r <= 0xff {
						return string([]byte{byte(r)})
					}
					return "?"
				})
			}},
	}
	for _, c := range candidates {
		if bytes.Equal(c.from(file), sealed) {
			return c.how
		}
	}
	return ""
}

// mapBytes replaces every byte over 0x7f with repl.
func mapBytes(b []byte, repl string) []byte {
	var out bytes.Buffer
	for _, c := range b {
		if c > 0x7f {
			out.WriteString(repl)
		} else {
			out.WriteByte(c)
		}
	}
	return out.Bytes()
}

// mapRunes replaces every rune over 0x7f with repl(rune).
func mapRunes(b []byte, repl func(rune) string) []byte {
	var out bytes.Buffer
	for _, r := range string(b) {
		if r > 0x7f {
			out.WriteString(repl(r))
		} else {
			out.WriteRune(r)
		}
	}
	return out.Bytes()
}
