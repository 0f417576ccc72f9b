package steps

import (
	"fmt"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/redact"
)

// maxAttachment bounds each attachment: they go into every report.
const maxAttachment = 4096

// newRedactor is the run's redaction (spec-agnostic, shared with the
// reports): security ids, AES key strings, private keys and phone numbers.
func newRedactor(enabled bool, p *profile.Profile) *redact.Redactor {
	if !enabled {
		return redact.Disabled()
	}
	return redact.New(p.Secrets()...)
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
