// Package safetext makes text a target sent safe to show: in a terminal, in
// XML (JUnit), in HTML and in JSON. A target under test is untrusted; what
// it sends may be invalid UTF-8, or hold control characters that move a
// terminal's cursor, clear its screen or reorder what it shows.
//
// Clean keeps printable text as it is and writes everything else as an
// escape a reader can decode by eye: an invalid byte as \xNN, a control,
// format or non-character code point as \uNNNN (\U00NNNNNN beyond the
// BMP). Newline and tab are kept. The result is valid UTF-8 and holds only
// characters XML 1.0 allows.
//
// A backslash is not escaped, so that JSON bodies stay readable: a literal
// "\xff" the target sent and an invalid byte read the same. This is this
// project's choice; reports are for people, not for round trips.
package safetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean returns s with everything unsafe escaped (see the package comment).
func Clean(s string) string {
	if isSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02X`, s[i])
		case keep(r):
			b.WriteString(s[i : i+size])
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			fmt.Fprintf(&b, `\U%08X`, r)
		}
		i += size
	}
	return b.String()
}

// Bytes is Clean for a byte slice.
func Bytes(p []byte) string { return Clean(string(p)) }

// IsClean reports whether Clean would return s unchanged.
func IsClean(s string) bool { return Clean(s) == s }

// isSafe is the fast path: printable ASCII, newline and tab only.
func isSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F {
			return false
		}
	}
	return true
}

// keep reports whether r is shown as itself.
func keep(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return true
	case r < 0x20 || (r >= 0x7F && r < 0xA0): // C0, DEL, C1 (CSI is 0x9B)
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF, r >= 0xFDD0 && r <= 0xFDEF:
		return false // surrogates and non-characters: not XML characters
	case r&0xFFFE == 0xFFFE: // U+nFFFE, U+nFFFF in every plane
		return false
	case unicode.Is(unicode.Cf, r): // format: bidi overrides, zero-width characters
		return false
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return false
	}
	return true
}
