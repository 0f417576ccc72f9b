package certify

import (
	"errors"
	"regexp"
	"strings"
)

// Grouping failures: a broken client usually fails most scenarios the same
// way, and the report should say so once. Two failures are the same when
// their diagnoses are, leaving out what differs from request to request:
// a finding's Detail (where two payloads part, the code the server
// answered), which run of the client it was, and the values that vary per
// run (request ids and other UUIDs, timestamps, durations, client
// identifiers, key strings and other long base64 or hex).

// GroupText is the diagnosis of err without what varies per request and
// per run: failures with the same GroupText are one problem.
func GroupText(err error) string {
	if err == nil {
		return ""
	}
	var (
		d *Diagnosis
		f *Finding
	)
	text := err.Error()
	switch {
	case errors.As(err, &d):
		text = d.summary()
	case errors.As(err, &f):
		text = f.summary()
	}
	return NormaliseDiagnosis(text)
}

// variableParts are the patterns NormaliseDiagnosis replaces, in order.
var variableParts = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?m)^run \d+ of the client: `), ""},
	{regexp.MustCompile(`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`), "<uuid>"},
	{regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?`), "<time>"},
	{regexp.MustCompile(`\b\d{2}:\d{2}:\d{2}(\.\d+)?\b`), "<time>"},
	{regexp.MustCompile(`\b\d+\.\d+(ns|µs|us|ms|s)\b`), "<duration>"}, // a whole number is a configured timeout, kept
	{regexp.MustCompile(`\bcert-\d+-[0-9a-f]+(-\d+)?\b`), "<client-identifier>"},
	{regexp.MustCompile(`\b[0-9a-fA-F]{16,}\b`), "<hex>"},
	{regexp.MustCompile(`[A-Za-z0-9+/]{24,}={0,2}`), "<base64>"},
	{regexp.MustCompile(`\b(input )?byte \d+\b`), "${1}byte <n>"},
}

// NormaliseDiagnosis replaces the parts of a diagnosis that vary per run
// with placeholders ("<uuid>", "<time>", ...).
func NormaliseDiagnosis(text string) string {
	for _, p := range variableParts {
		if p.with == "<base64>" {
			text = p.re.ReplaceAllStringFunc(text, func(s string) string {
				if looksRandom(s) {
					return p.with
				}
				return s
			})
			continue
		}
		text = p.re.ReplaceAllString(text, p.with)
	}
	return strings.TrimSpace(text)
}

// looksRandom tells a base64 run (digits, upper and lower case letters)
// from a long word or class name of the diagnosis's own text.
func looksRandom(s string) bool {
	return strings.ContainsAny(s, "0123456789") && strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
		strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz")
}

// summary is the diagnosis without the parts particular to the request:
// the findings without their Detail; the strict Open's error only when no
// finding explains it.
func (d *Diagnosis) summary() string {
	var b strings.Builder
	b.WriteString(d.header())
	for _, f := range d.Findings {
		b.WriteString("\n" + f.summary())
	}
	b.WriteString(d.footer())
	return b.String()
}
