// Package evidence keeps what the steps attach (requests, responses,
// payloads) readable in a report: the long base64 and PEM values of an
// envelope are cut to their ends and length, the rest left as it is.
package evidence

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// envelopeFields are the fields whose long base64 (or PEM) values make
// evidence unreadable: the envelope's two fields, encryptdata's
// requestValue, a generated public key.
var envelopeFields = []string{"requestEncryptedValue", "requestDigitalSignatureValue", "requestValue", "public-key"}

// shortLen is the longest value left whole.
const shortLen = 48

// ShortenEnvelope cuts long envelope values in text to their ends and
// length, e.g. "q8Jx3R…Yw== (684 chars)": enough to compare two of them by
// eye, short enough to read the rest. It keeps JSON text valid JSON.
//
// A value is cut where text has one of envelopeFields, quoted, then
// optional white space, a colon, optional white space and a JSON string of
// more than shortLen characters (an escape counts one). Every attachment
// of every exchange goes through here, so it is a scan rather than a
// regular expression (which cost a tenth of a run's CPU); the test holds
// it to the expression it replaces.
func ShortenEnvelope(text string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); {
		q := strings.IndexByte(text[i:], '"')
		if q < 0 {
			break
		}
		start := i + q
		from, to, ok := longField(text, start)
		if !ok {
			i = start + 1
			continue
		}
		b.WriteString(text[last:from])
		b.WriteString(shorten(text[from:to]))
		last, i = to, to+1
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// longField reports whether a long envelope field starts at text[start]
// (a quote), and where its value lies (between its quotes).
func longField(text string, start int) (from, to int, ok bool) {
	rest := text[start+1:]
	k := -1
	for _, name := range envelopeFields {
		if len(rest) > len(name) && rest[len(name)] == '"' && strings.HasPrefix(rest, name) {
			k = start + 1 + len(name) + 1
			break
		}
	}
	if k < 0 {
		return 0, 0, false
	}
	k = skipSpace(text, k)
	if k >= len(text) || text[k] != ':' {
		return 0, 0, false
	}
	k = skipSpace(text, k+1)
	if k >= len(text) || text[k] != '"' {
		return 0, 0, false
	}
	from = k + 1
	chars := 0
	for k = from; ; chars++ {
		if k >= len(text) {
			return 0, 0, false
		}
		switch text[k] {
		case '"':
			return from, k, chars > shortLen
		case '\\':
			// An escape: the backslash and the character after it, which
			// may not be a line break.
			r, n := utf8.DecodeRuneInString(text[k+1:])
			if n == 0 || r == '\n' {
				return 0, 0, false
			}
			k += 1 + n
		default:
			_, n := utf8.DecodeRuneInString(text[k:])
			k += n
		}
	}
}

// skipSpace skips JSON-ish white space (\t \n \f \r and space).
func skipSpace(text string, k int) int {
	for k < len(text) {
		switch text[k] {
		case '\t', '\n', '\f', '\r', ' ':
			k++
		default:
			return k
		}
	}
	return k
}

// ShortenValue is ShortenEnvelope for one value on its own.
func ShortenValue(v string) string {
	if len(v) <= shortLen {
		return v
	}
	return shorten(v)
}

func shorten(v string) string {
	// Never cut a JSON escape in two: the result stays valid JSON.
	head, tail := strings.TrimRight(v[:16], `\`), v[len(v)-8:]
	if v[len(v)-9] == '\\' {
		tail = v[len(v)-9:]
	}
	return head + "…" + tail + fmt.Sprintf(" (%d chars)", len(v))
}
