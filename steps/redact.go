package steps

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/profile"
)

// maxAttachment bounds each attachment: they go into every report.
const maxAttachment = 4096

// redactor masks secrets in everything the steps attach or report:
// security ids, AES key strings, private keys and phone numbers.
type redactor struct {
	enabled bool
	secrets []string // longest first, so a secret containing another is masked whole
}

func newRedactor(enabled bool, p *profile.Profile) *redactor {
	r := &redactor{enabled: enabled, secrets: p.Secrets()}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

var (
	privateKeyPEM = regexp.MustCompile(`-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----`)
	digitRun      = regexp.MustCompile(`\+?[0-9]{10,13}`)
)

// text masks s; extra are per-scenario secrets.
func (r *redactor) text(s string, extra []string) string {
	if !r.enabled || s == "" {
		return s
	}
	s = privateKeyPEM.ReplaceAllString(s, "[redacted ${1}private key]")
	for _, sec := range append(append([]string(nil), extra...), r.secrets...) {
		if len(sec) >= 4 && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, maskSecret(sec))
		}
	}
	return maskPhones(s)
}

// maskSecret keeps the first 4 characters of a security id (to tell two
// apart while debugging) and hides the rest; shorter secrets (AES key
// strings) are hidden whole.
func maskSecret(s string) string {
	if len(s) >= 48 {
		return s[:4] + fmt.Sprintf("…[redacted, %d chars]", len(s))
	}
	return "[redacted]"
}

// maskPhones masks valid Indian numbers (10 digits starting 6-9, optionally
// after 91 or +91) standing alone: "7016******". Digits inside longer runs
// or next to letters (uuids, timestamps) are left alone.
func maskPhones(s string) string {
	locs := digitRun.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	prev := 0
	for _, l := range locs {
		start, end := l[0], l[1]
		if start > 0 && isWordByte(s[start-1]) || end < len(s) && isWordByte(s[end]) {
			continue
		}
		run := s[start:end]
		prefix, national := "", run
		switch {
		case len(run) == 13 && strings.HasPrefix(run, "+91"):
			prefix, national = "+91", run[3:]
		case len(run) == 12 && strings.HasPrefix(run, "91"):
			prefix, national = "91", run[2:]
		}
		if len(national) != 10 || national[0] < '6' || national[0] > '9' || strings.HasPrefix(national, "+") {
			continue
		}
		b.WriteString(s[prev:start])
		b.WriteString(prefix + national[:4] + "******")
		prev = end
	}
	b.WriteString(s[prev:])
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_'
}

// truncate keeps s under n bytes, saying how much was cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + fmt.Sprintf("\n…(%d more bytes)", len(s)-cut)
}

// longValue matches the JSON string fields that are too long to be useful
// in a report: envelope halves, base64 payloads, PEM keys.
var longValue = regexp.MustCompile(`(?i)("(?:requestEncryptedValue|requestDigitalSignatureValue|requestValue|public-key)"\s*:\s*")((?:[^"\\]|\\.)*)(")`)

// shortenFields cuts long envelope values to their first 16 characters and
// their length: "pIisitW+w8s2Dz4N…(684 chars)".
func shortenFields(s string) string {
	return longValue.ReplaceAllStringFunc(s, func(m string) string {
		p := longValue.FindStringSubmatch(m)
		return p[1] + shorten(p[2]) + p[3]
	})
}

func shorten(v string) string {
	if len(v) <= 40 {
		return v
	}
	return v[:16] + fmt.Sprintf("…(%d chars)", len(v))
}
