package evidence

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestShortenEnvelope(t *testing.T) {
	long := strings.Repeat("A", 680) + "Yw=="
	got := ShortenEnvelope(`{"requestEncryptedValue": "` + long + `", "flow-id": "HealthM1"}`)
	want := `{"requestEncryptedValue": "AAAAAAAAAAAAAAAA…AAAAYw== (684 chars)", "flow-id": "HealthM1"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	short := `{"requestValue": "e30="}`
	if ShortenEnvelope(short) != short {
		t.Errorf("a short value is left alone")
	}
	if v := strings.Repeat("x", shortLen); ShortenValue(v) != v {
		t.Errorf("ShortenValue cut a %d-character value", shortLen)
	}
	if got := ShortenValue(long); got != "AAAAAAAAAAAAAAAA…AAAAYw== (684 chars)" {
		t.Errorf("ShortenValue: %s", got)
	}
}

// envelopeFieldRegexp and shortenByRegexp are ShortenEnvelope as the
// regular expression it was: the scan must cut exactly what they cut.
var envelopeFieldRegexp = regexp.MustCompile(`("(?:requestEncryptedValue|requestDigitalSignatureValue|requestValue|public-key)"\s*:\s*")((?:[^"\\]|\\.){` + strconv.Itoa(shortLen+1) + `,})(")`)

func shortenByRegexp(text string) string {
	return envelopeFieldRegexp.ReplaceAllStringFunc(text, func(m string) string {
		g := envelopeFieldRegexp.FindStringSubmatch(m)
		return g[1] + shorten(g[2]) + g[3]
	})
}

// shortenCases are texts at the edges of the rule: lengths around
// shortLen, escapes (a quote, a line break after a backslash), white space
// around the colon, unterminated values, invalid UTF-8, fields in escaped
// JSON, several fields, names that only start like a field's.
func shortenCases() []string {
	a := func(n int) string { return strings.Repeat("A", n) }
	out := []string{
		"", `"`, `""`, `"requestValue"`, `"requestValue":"`, `{"requestValue": "e30="}`,
		`{"requestValue":"` + a(48) + `"}`, `{"requestValue":"` + a(49) + `"}`, `{"requestValue":"` + a(50) + `"}`,
		`{"requestEncryptedValue" :` + "\t\n\r\f " + `"` + a(700) + `", "requestDigitalSignatureValue": "` + a(684) + `"}`,
		`{"public-key": "-----BEGIN PUBLIC KEY-----\n` + a(60) + `\n-----END PUBLIC KEY-----\n"}`,
		`{"requestValue": "` + a(20) + `\"` + a(40) + `"}`,
		`{"requestValue": "` + a(60) + "\\\n" + a(10) + `"}`,
		`{"requestValue": "` + a(60) + `\`,
		`{"requestValue": "` + a(60),
		`{"requestValue": "` + a(30) + "\xff\xfe" + a(30) + `"}`,
		`{"requestValue": "` + a(47) + `\\"}`,
		`{"requestValue": "` + a(48) + `\u00e9"}`,
		`{"requestValue": "` + strings.Repeat("é", 49) + `"}`,
		`{"requestValueX": "` + a(60) + `"}`, `{"xrequestValue": "` + a(60) + `"}`, `{"RequestValue": "` + a(60) + `"}`,
		`{"requestValue" "` + a(60) + `"}`, `{"requestValue": 5, "public-key": "` + a(60) + `"}`,
		`"body": "{\"requestEncryptedValue\": \"` + a(60) + `\"}"`,
		`{"requestValue": "{"requestValue": "` + a(60) + `"}`,
		`{"requestValue": "` + a(10) + `", "x": "` + a(60) + `", "requestValue": "` + a(70) + `"}`,
	}
	rng := rand.New(rand.NewPCG(1, 2))
	tokens := []string{`"`, `\`, `:`, ` `, "\n", "\t", `"requestValue"`, `"public-key"`, `"requestEncryptedValue"`, `"requestDigitalSignatureValue"`, a(1), a(30), a(49), "é", "\xff", `\"`, `{`, `}`, `,`}
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(tokens[rng.IntN(len(tokens))])
		}
		out = append(out, b.String())
	}
	return out
}

// TestShortenEnvelopeIsTheRegexp: the scan cuts what the regular
// expression it replaced cuts, on the edge cases and on random texts.
func TestShortenEnvelopeIsTheRegexp(t *testing.T) {
	for _, text := range shortenCases() {
		if got, want := ShortenEnvelope(text), shortenByRegexp(text); got != want {
			t.Errorf("%q:\ngot  %q\nwant %q", text, got, want)
		}
	}
}

func FuzzShortenEnvelope(f *testing.F) {
	for _, text := range shortenCases()[:40] {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := ShortenEnvelope(text), shortenByRegexp(text); got != want {
			t.Errorf("%q:\ngot  %q\nwant %q", text, got, want)
		}
	})
}

func BenchmarkShortenEnvelope(b *testing.B) {
	text := `{"requestEncryptedValue": "` + strings.Repeat("QUJD", 171) + `", "requestDigitalSignatureValue": "` + strings.Repeat("QUJD", 171) + `", "flow-id": "HealthM1"}`
	for b.Loop() {
		ShortenEnvelope(text)
	}
}
