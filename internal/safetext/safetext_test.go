package safetext

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text\nwith a tab\t.", "plain text\nwith a tab\t."},
		{"café ☕ 日本", "café ☕ 日本"},
		{"bad \xff\xfe byte", `bad \xFF\xFE byte`},
		{"cut \xc3", `cut \xC3`},
		{"\x1b[2Jcleared", `\u001B[2Jcleared`},
		{"carriage\rreturn", `carriage\u000Dreturn`},
		{"nul\x00", `nul\u0000`},
		{"del\x7f", `del\u007F`},
		{"c1 \u009b31m", `c1 \u009B31m`},
		{"bidi \u202Eevil", `bidi \u202Eevil`},
		{"zero\u200bwidth", `zero\u200Bwidth`},
		{"sep\u2028x", `sep\u2028x`},
		{"nonchar \uFFFE \U0001FFFF", `nonchar \uFFFE \U0001FFFF`},
		{"surrogate \xed\xa0\x80", `surrogate \xED\xA0\x80`}, // Go decodes it as three invalid bytes
		{"emoji 😀", "emoji 😀"},
	} {
		if got := Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCleanOutputIsSafeEverywhere feeds every byte value and a sample of
// code points through Clean and checks the result is valid UTF-8, valid XML
// character data, JSON that round-trips, and free of control characters.
func TestCleanOutputIsSafeEverywhere(t *testing.T) {
	var in strings.Builder
	for c := 0; c < 256; c++ {
		in.WriteByte(byte(c))
	}
	for r := rune(0x80); r < 0x3000; r += 7 {
		in.WriteRune(r)
	}
	in.WriteString("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\uFEFF\uFFFF\U0010FFFF")
	out := Clean(in.String())
	if !utf8.ValidString(out) {
		t.Fatal("not valid UTF-8")
	}
	for _, r := range out {
		if r != '\n' && r != '\t' && (r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0)) {
			t.Fatalf("control character %U kept", r)
		}
	}
	var doc struct {
		XMLName xml.Name `xml:"x"`
		Text    string   `xml:",chardata"`
	}
	doc.Text = out
	data, err := xml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "\uFFFD") {
		t.Error("encoding/xml replaced a character Clean let through")
	}
	var back struct {
		Text string `xml:",chardata"`
	}
	if err := xml.Unmarshal(data, &back); err != nil || back.Text != out {
		t.Errorf("XML round trip: %v", err)
	}
	j, _ := json.Marshal(out)
	var s string
	if err := json.Unmarshal(j, &s); err != nil || s != out {
		t.Errorf("JSON round trip: %v", err)
	}
	if !IsClean(out) {
		t.Error("Clean is not idempotent")
	}
}

func TestCleanLeavesSafeTextAlone(t *testing.T) {
	s := "HTTP 200 OK\nContent-Type: application/json\n\n{\"a\": 1}"
	if got := Clean(s); got != s {
		t.Errorf("Clean changed safe text: %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { Clean(s) }); n != 0 {
		t.Errorf("Clean allocated %v times for safe ASCII text", n)
	}
}

func FuzzClean(f *testing.F) {
	f.Add("\xff\x1b[31m\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		out := Clean(s)
		if !utf8.ValidString(out) || !IsClean(out) {
			t.Fatalf("Clean(%q) = %q: not clean", s, out)
		}
	})
}
