package steps

import (
	"fmt"
	"regexp"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

// maxAttachment bounds each attachment: they go into every report.
const maxAttachment = 4096

// newRedactor is the run's redaction (spec-agnostic, shared with the
// reports): security ids, AES key strings, private keys and phone numbers.
func newRedactor(enabled bool, p *profile.Profile) *reporting.Redactor {
	if !enabled {
		return reporting.Disabled()
	}
	return reporting.NewRedactor(p.Secrets()...)
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
