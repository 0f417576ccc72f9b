// Package evidence keeps what the steps attach (requests, responses,
// payloads) readable in a report: the long base64 and PEM values of an
// envelope are cut to their ends and length, the rest left as it is.
package evidence

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// envelopeField matches the long base64 (or PEM) values that make evidence
// unreadable: the envelope's two fields, encryptdata's requestValue, a
// generated public key.
var envelopeField = regexp.MustCompile(`("(?:requestEncryptedValue|requestDigitalSignatureValue|requestValue|public-key)"\s*:\s*")((?:[^"\\]|\\.){` + strconv.Itoa(shortLen+1) + `,})(")`)

// shortLen is the longest value left whole.
const shortLen = 48

// ShortenEnvelope cuts long envelope values in text to their ends and
// length, e.g. "q8Jx3R…Yw== (684 chars)": enough to compare two of them by
// eye, short enough to read the rest. It keeps JSON text valid JSON.
func ShortenEnvelope(text string) string {
	return envelopeField.ReplaceAllStringFunc(text, func(m string) string {
		g := envelopeField.FindStringSubmatch(m)
		return g[1] + shorten(g[2]) + g[3]
	})
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
