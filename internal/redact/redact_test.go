package redact

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestRedactorMasks(t *testing.T) {
	r := New("S3cretSecurityId")
	tests := []struct{ in, want string }{
		{`{"security-id": "anything", "flow-id": "HealthM1"}`, `{"security-id": "[REDACTED]", "flow-id": "HealthM1"}`},
		{`{"aesKey":"abcd1234","requestValue":"eyJ9"}`, `{"aesKey":"[REDACTED]","requestValue":"[REDACTED]"}`},
		{`body "{\"keyB64\":\"YWJj\"}"`, `body "{\"keyB64\":\"[REDACTED]\"}"`},
		{`sent S3cretSecurityId twice: S3cretSecurityId`, `sent [REDACTED] twice: [REDACTED]`},
		{`["7016225597","917016225598","+917016225599"]`, `["XXXXXXXX97","91XXXXXXXX98","+91XXXXXXXX99"]`},
		{`call 9876543210.`, `call XXXXXXXX10.`},
		// Not phone numbers: longer digit runs, digits inside base64 or hex,
		// numbers starting 0-5.
		{`17643552001234567 ab9876543210 9876543210cd 5016225597`, `17643552001234567 ab9876543210 9876543210cd 5016225597`},
		{"x -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- y", "x [REDACTED PRIVATE KEY] y"},
		{"-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----"},
	}
	for _, tt := range tests {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q)\n got  %q\n want %q", tt.in, got, tt.want)
		}
	}
	if got := (*Redactor)(nil).String(`{"security-id":"x"} 7016225597`); got != `{"security-id":"[REDACTED]"} XXXXXXXX97` {
		t.Errorf("a nil redactor still masks the patterns: %q", got)
	}
	if got := Disabled().String(`{"security-id":"x"}`); got != `{"security-id":"x"}` {
		t.Errorf("Disabled masked: %q", got)
	}
	if got := New("ab").String("abc"); got != "abc" {
		t.Errorf("a secret shorter than %d is ignored, got %q", minSecretLen, got)
	}
}

func TestLineWriterRedactsAcrossWrites(t *testing.T) {
	var out bytes.Buffer
	w := NewLineWriter(&out, New("S3cretSecurityId"))
	for _, chunk := range []string{"sid S3cret", "SecurityId ok\n-----BEGIN PRIVATE KEY-----\nMIIE", "\n-----END PRIVATE KEY-----\n", "tail 7016225597"} {
		w.Write([]byte(chunk))
	}
	w.Close()
	want := "sid [REDACTED] ok\n[REDACTED PRIVATE KEY]\ntail XXXXXXXX97"
	if out.String() != want {
		t.Errorf("got  %q\nwant %q", out.String(), want)
	}

	// Progress characters go out at once, not at the end of their line.
	out.Reset()
	w = NewLineWriter(&out, New())
	w.Write([]byte(".."))
	w.Write([]byte("F"))
	if out.String() != "..F" {
		t.Errorf("progress held back: %q", out.String())
	}
}

// phoneCases are texts around the edges of phoneMatches' runs: digit runs
// of 9, 10 and more digits, a + before them or not, 91 prefixes, numbers
// back to back and inside other characters.
func phoneCases() []string {
	out := []string{
		"", "+", "9", "987654321", "9876543210", "+9876543210", "+919876543210", "919876543210", "91987654321",
		"++9876543210", "+ 9876543210", "98765432109876543210", "9198765432109", "5876543210", "+915876543210",
		"a9876543210b", "x+91+919876543210", "+9191919191919", "phone:9876543210,+917016225597;7016225597",
	}
	rng := rand.New(rand.NewPCG(3, 4))
	tokens := []string{"+", "9", "1", "6", "0", "5", "91", "9876543210", "+91", "a", " ", "\"", "é", "\xff"}
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(25) {
			b.WriteString(tokens[rng.IntN(len(tokens))])
		}
		out = append(out, b.String())
	}
	return out
}

// TestPhoneMatchesIsTheRegexp: phoneMatches finds what the expression
// finds over the whole text.
func TestPhoneMatchesIsTheRegexp(t *testing.T) {
	for _, s := range phoneCases() {
		if got, want := phoneMatches(s), phoneNumber.FindAllStringIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%q: got %v, want %v", s, got, want)
		}
	}
}

func FuzzPhoneMatches(f *testing.F) {
	for _, s := range phoneCases()[:40] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := phoneMatches(s), phoneNumber.FindAllStringIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%q: got %v, want %v", s, got, want)
		}
	})
}
