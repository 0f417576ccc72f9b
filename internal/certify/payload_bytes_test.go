package certify

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func formatted(t *testing.T, format PayloadFormat) []byte {
	t.Helper()
	spec := PayloadSpec{APIVersion: "1.0", SecurityID: strings.Repeat("ab", 32), FlowID: "HealthM1", Calls: 2,
		Phone: "7016225597", Vars: UnicodeVars(), IDPrefix: "cert-001-abcdef", Start: time.Date(2030, 1, 2, 10, 0, 0, 0, ist)}
	if format == "" {
		return spec.Build()
	}
	b, err := spec.Format(format)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPayloadFormatsAreOneJSONValue(t *testing.T) {
	compact := formatted(t, "")
	seen := map[string]bool{string(compact): true}
	for _, f := range PayloadFormats {
		b := formatted(t, f)
		if equal, err := jsonEqual(compact, b); err != nil || !equal {
			t.Errorf("%s: not the compact payload's JSON value (%v):\n%s", f, err, b)
		}
		if seen[string(b)] {
			t.Errorf("%s: the same bytes as another format", f)
		}
		seen[string(b)] = true
	}
	if escaped := formatted(t, FormatEscaped); bytes.ContainsFunc(escaped, func(r rune) bool { return r > 0x7e }) ||
		!bytes.Contains(escaped, []byte(`\u00eb`)) || !bytes.Contains(escaped, []byte(`\ud83d\ude42`)) || !bytes.Contains(escaped, []byte(`\/`)) {
		t.Errorf("escaped is not ASCII with \\u escapes:\n%s", escaped)
	}
	if crlf := formatted(t, FormatCRLFTabs); !bytes.HasSuffix(crlf, []byte("}\r\n")) || !bytes.Contains(crlf, []byte("\r\n\t\"")) {
		t.Errorf("crlf-tabs:\n%q", crlf)
	}
	if _, err := (PayloadSpec{}).Format("yaml"); err == nil {
		t.Error("an unknown format was accepted")
	}
}

// reencode re-serialises a payload the ways clients do.
func reencode(t *testing.T, payload []byte, indent string, escapeHTML bool) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func TestPayloadBytesFindingNamesTheReserialisation(t *testing.T) {
	pythonDefault := func(b []byte) []byte { // json.dumps: ", " and ": ", key order kept
		toks, _ := jsonTokens(b)
		var out strings.Builder
		for i, tok := range toks {
			if i > 0 && (toks[i-1].raw == ":" || toks[i-1].raw == ",") {
				out.WriteString(" ")
			}
			out.WriteString(tok.raw)
		}
		return []byte(out.String())
	}
	asciiOnly := func(b []byte) []byte { // ensure_ascii
		var out bytes.Buffer
		(jsonStyle{colon: ":", comma: ",", escapeNonASCII: true}).writeString(&out, "Zoë")
		return bytes.ReplaceAll(b, []byte(`"Zoë`), bytes.TrimSuffix(out.Bytes(), []byte(`"`)))
	}
	tests := []struct {
		name         string
		file, sealed []byte
		want         []string
	}{
		{"sorted and indented", formatted(t, ""), reencode(t, formatted(t, ""), "  ", false), []string{
			"the payload is the same JSON value but not the same bytes: keys sorted (the file's key order was not kept); re-indented (the file is compact with no whitespace, the sealed payload is indented with 2 spaces and LF line endings): the client parsed and re-serialised the file",
		}},
		{"pretty file compacted", formatted(t, FormatPretty), reencode(t, formatted(t, FormatPretty), "", false), []string{
			"keys sorted", "whitespace removed (the file is indented with 2 spaces and LF line endings, the sealed payload is compact with no whitespace)",
			"the file's trailing newline dropped",
		}},
		{"CRLF file re-indented", formatted(t, FormatCRLFTabs), bytes.TrimSuffix(bytes.ReplaceAll(formatted(t, FormatCRLFTabs), []byte("\r\n"), []byte("\n")), []byte("\n")), []string{
			"re-indented (the file is indented with tabs and CRLF line endings, the sealed payload is indented with tabs and LF line endings)",
			"the file's trailing CRLF dropped",
		}},
		{"escapes decoded", formatted(t, FormatEscaped), bytes.ReplaceAll(formatted(t, FormatEscaped), []byte(`\u00eb`), []byte("ë")), []string{
			`\u escapes decoded to the characters they stand for (the file's "Zo\u00eb`,
		}},
		{"slash unescaped", formatted(t, FormatEscaped), bytes.ReplaceAll(formatted(t, FormatEscaped), []byte(`\/`), []byte("/")), []string{
			`\/ written as /`,
		}},
		{"python separators", formatted(t, ""), pythonDefault(formatted(t, "")), []string{
			"re-spaced (the file is compact with no whitespace, the sealed payload is on one line with a space after each colon and comma)",
		}},
		{"ensure_ascii", formatted(t, ""), asciiOnly(formatted(t, "")), []string{`non-ASCII characters escaped as \uXXXX`}},
		{"reordered file sorted", formatted(t, FormatReordered), reencode(t, formatted(t, FormatReordered), "", false), []string{
			"keys sorted", "re-spaced",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := payloadBytesFinding(tt.file, tt.sealed, "")
			if f == nil || f.Mistake != "payload-reserialised" {
				t.Fatalf("want payload-reserialised, got %v", f)
			}
			t.Logf("%s", f)
			for _, w := range tt.want {
				if !strings.Contains(f.Got, w) {
					t.Errorf("the finding does not say %q:\n%s", w, f.Got)
				}
			}
			if !strings.Contains(f.Want, "never parse and re-serialise it") || !strings.Contains(f.Detail, "they part at byte") {
				t.Errorf("finding: %+v", f)
			}
		})
	}
	if f := payloadBytesFinding(formatted(t, ""), formatted(t, ""), ""); f != nil {
		t.Errorf("equal bytes: %v", f)
	}
}

func TestPayloadBytesFindingNamesTheCharset(t *testing.T) {
	file := formatted(t, FormatPretty)
	perByte, perRune, fffd, mojibake := mapBytes(file, "?"), mapRunes(file, func(rune) string { return "?" }), mapBytes(file, "\uFFFD"), []byte{}
	for _, c := range file {
		mojibake = append(mojibake, []byte(string(rune(c)))...)
	}
	latin1 := mapRunes(file, func(r rune) string {
		if r <= 0xff {
			return string([]byte{byte(r)})
		}
		return "?"
	})
	tests := []struct {
		name   string
		sealed []byte
		want   string
	}{
		{"? per byte", perByte, "each non-ASCII byte became '?'"},
		{"? per character", perRune, "each non-ASCII character became '?'"},
		{"U+FFFD", fffd, "each non-ASCII byte became U+FFFD"},
		{"mojibake", mojibake, "decoded as ISO-8859-1 and encoded as UTF-8 again"},
		{"latin-1", latin1, "encoded as ISO-8859-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := payloadBytesFinding(file, tt.sealed, CLocale)
			if f == nil || f.Mistake != "payload-charset" {
				t.Fatalf("want payload-charset, got %v", f)
			}
			t.Logf("%s", f)
			wantPrefix := "under LC_ALL=C (LC_ALL=C and LANG=C in the client's environment) the payload bytes differ from the file: non-ASCII characters were re-encoded ("
			if !strings.HasPrefix(f.Got, wantPrefix) || !strings.Contains(f.Got, tt.want) || !strings.Contains(f.Want, "read and send the file as bytes") {
				t.Errorf("finding: %s", f)
			}
		})
	}
	other := bytes.Replace(file, []byte("1.0"), []byte("2.0"), 1)
	if f := payloadBytesFinding(file, other, ""); f == nil || f.Mistake != "payload-json-differs" || !strings.HasPrefix(f.Got, "the payload bytes differ from the file: it sealed a different JSON value") {
		t.Errorf("another value: %v", f)
	}
}
