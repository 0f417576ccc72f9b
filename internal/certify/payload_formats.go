package certify

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"
)

// PayloadFormat is one way a payload file may be written. The spec asks
// a client to seal the file's bytes (section 3 step 1), whatever JSON
// layout they have, so certification hands out files in several layouts:
// a client that parses and re-serialises the payload seals other bytes
// for at least one of them.
type PayloadFormat string

const (
	// FormatPretty is indented with 2 spaces, LF line endings and a
	// trailing newline, as an editor saves it.
	FormatPretty PayloadFormat = "pretty"
	// FormatReordered has its keys in neither the spec's nor sorted order,
	// with a space after each : and , (Python's json.dumps separators).
	FormatReordered PayloadFormat = "reordered"
	// FormatEscaped writes non-ASCII characters as \u escapes (a surrogate
	// pair beyond the BMP) and / as \/, all on one line: pure ASCII bytes.
	FormatEscaped PayloadFormat = "escaped"
	// FormatCRLFTabs is indented with tabs, CRLF line endings and a
	// trailing CRLF, non-ASCII characters as UTF-8.
	FormatCRLFTabs PayloadFormat = "crlf-tabs"
)

// PayloadFormats lists the formats a step may name.
var PayloadFormats = []PayloadFormat{FormatPretty, FormatReordered, FormatEscaped, FormatCRLFTabs}

// jsonStyle is how a payload format lays a value out (its write method).
type jsonStyle struct {
	indent, newline string // indent "" puts everything on one line
	colon, comma    string // separators on one line
	trailing        string // after the value
	escapeNonASCII  bool   // \uXXXX for every rune beyond ASCII
	escapeSlash     bool   // \/ for /
	reorder         bool   // keys in an order that is neither the spec's nor sorted
}

var payloadStyles = map[PayloadFormat]jsonStyle{
	FormatPretty:    {indent: "  ", newline: "\n", trailing: "\n"},
	FormatReordered: {colon: ": ", comma: ", ", reorder: true},
	FormatEscaped:   {colon: ":", comma: ",", escapeNonASCII: true, escapeSlash: true},
	FormatCRLFTabs:  {indent: "\t", newline: "\r\n", trailing: "\r\n"},
}

// member is one key of a JSON object, in writing order.
type member struct {
	key   string
	value any // string, []any or []member
}

// Format renders the payload in format. Every format carries the same
// JSON value as Build's compact rendering.
func (p PayloadSpec) Format(format PayloadFormat) ([]byte, error) {
	style, ok := payloadStyles[format]
	if !ok {
		return nil, fmt.Errorf("unknown payload format %q (want one of %v)", format, PayloadFormats)
	}
	var calls []any
	vars := p.Vars
	for i := 1; i <= p.Calls; i++ {
		keys := []any{}
		for _, v := range vars {
			kv := []member{{"name", v.Name}, {"value", v.Value}}
			if style.reorder {
				kv[0], kv[1] = kv[1], kv[0]
			}
			keys = append(keys, kv)
		}
		call := []member{
			{"client-identifier", fmt.Sprintf("%s-%04d", p.IDPrefix, i)},
			{"start-time", p.Start.Format("2006-01-02T15:04:05-07:00")},
			{"contact-numbers", []any{p.Phone}},
			{"keys", keys},
		}
		if style.reorder {
			call = []member{call[3], call[0], call[2], call[1]}
		}
		calls = append(calls, call)
	}
	top := []member{{"api-version", p.APIVersion}, {"security-id", p.SecurityID}, {"flow-id", p.FlowID}, {"calls", calls}}
	if style.reorder {
		top = []member{top[1], top[3], top[0], top[2]}
	}
	var b bytes.Buffer
	style.write(&b, top, 0)
	b.WriteString(style.trailing)
	return b.Bytes(), nil
}

func (s jsonStyle) write(b *bytes.Buffer, v any, depth int) {
	switch v := v.(type) {
	case string:
		s.writeString(b, v)
	case []member:
		s.writeList(b, '{', '}', len(v), depth, func(i int) {
			s.writeString(b, v[i].key)
			if s.indent != "" {
				b.WriteString(": ")
			} else {
				b.WriteString(s.colon)
			}
			s.write(b, v[i].value, depth+1)
		})
	case []any:
		s.writeList(b, '[', ']', len(v), depth, func(i int) { s.write(b, v[i], depth+1) })
	}
}

func (s jsonStyle) writeList(b *bytes.Buffer, open, close byte, n, depth int, item func(int)) {
	b.WriteByte(open)
	if n == 0 {
		b.WriteByte(close)
		return
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			if s.indent != "" {
				b.WriteByte(',')
			} else {
				b.WriteString(s.comma)
			}
		}
		if s.indent != "" {
			b.WriteString(s.newline + strings.Repeat(s.indent, depth+1))
		}
		item(i)
	}
	if s.indent != "" {
		b.WriteString(s.newline + strings.Repeat(s.indent, depth))
	}
	b.WriteByte(close)
}

func (s jsonStyle) writeString(b *bytes.Buffer, str string) {
	b.WriteByte('"')
	for _, r := range str {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		case r == '/' && s.escapeSlash:
			b.WriteString(`\/`)
		case r > 0x7e && s.escapeNonASCII:
			if r1, r2 := utf16.EncodeRune(r); r1 != '\uFFFD' {
				fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}
