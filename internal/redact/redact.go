// Package redact masks secrets in what the harness shows: security ids, AES
// key strings, private keys and phone numbers, in attachments, reports and
// the console. Redaction is the default; only Disabled turns it off.
package redact

import (
	"bytes"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a redacted secret. It is plain ASCII without quotes or
// backslashes, so masking inside a JSON or XML string keeps it valid.
const Mask = "[REDACTED]"

// minSecretLen keeps a degenerate secret (say a security id "1" in a test
// profile) from masking every digit of a report.
const minSecretLen = 4

// Redactor masks secrets in text: the literal secrets it is given (security
// ids, AES key strings), the values of JSON fields that carry secrets, PEM
// private keys and phone numbers. A nil *Redactor still masks everything but
// the literal secrets it was never given: redaction is the default, and only
// Disabled() turns it off.
type Redactor struct {
	secrets []string // longest first, so a secret containing another is masked whole
	off     bool
}

// New masks the given literal secrets and the built-in patterns.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	return r.With(secrets...)
}

// Disabled is the --no-redact redactor: it leaves text as it is.
func Disabled() *Redactor { return &Redactor{off: true} }

// With returns a redactor that also masks more secrets (for example the AES
// key strings a run used, known only after it ran).
func (r *Redactor) With(more ...string) *Redactor {
	out := &Redactor{}
	if r != nil {
		out.off = r.off
		out.secrets = append(out.secrets, r.secrets...)
	}
	for _, s := range more {
		if len(s) >= minSecretLen {
			out.secrets = append(out.secrets, s)
		}
	}
	sort.Slice(out.secrets, func(i, j int) bool { return len(out.secrets[i]) > len(out.secrets[j]) })
	return out
}

// Enabled reports whether the redactor masks anything.
func (r *Redactor) Enabled() bool { return r == nil || !r.off }

var (
	pemPrivateKey = regexp.MustCompile(`-----BEGIN[A-Z ]*PRIVATE KEY-----(?s:.*?)(?:-----END[A-Z ]*PRIVATE KEY-----|$)`)

	// secretFieldNames are JSON fields whose string value is a secret: the
	// key string k and its base64 (spec section 3), the security id, private
	// keys, and requestValue, which is the base64 of a plaintext payload
	// (encryptdata's request, spec section 6) and so carries its security id
	// and phone numbers in a form the literal masks cannot see.
	secretFieldNames = `aesKey|aes-key|aesKeyB64|key|keyB64|key-b64|keyString|key-string|security-id|securityId|security_id|private-key|privateKey|requestValue`
	// A field in JSON text, and the same in JSON quoted once more (a body
	// inside a %q-formatted error message).
	secretField        = regexp.MustCompile(`("(?:` + secretFieldNames + `)"\s*:\s*")((?:[^"\\]|\\.)*)(")`)
	secretFieldEscaped = regexp.MustCompile(`(\\"(?:` + secretFieldNames + `)\\"\s*:\s*\\")((?:[^"\\]|\\[^"])*)(\\")`)

	// A contact number (spec section 2 [ref]): 10 digits starting 6-9,
	// optionally prefixed 91 or +91. The boundaries are checked by hand
	// (Go's regexp has no look-behind) so digits inside longer numbers,
	// base64 or hex are left alone.
	phoneNumber = regexp.MustCompile(`\+?(?:91)?[6-9][0-9]{9}`)
)

// stepSecret finds a secret written literally in a step, such as
// `the encryptdata request's "aesKey" is "k3y"`.
var stepSecret = regexp.MustCompile(`"(?:` + secretFieldNames + `)" (?:is|as) "([^"]+)"`)

// StepSecrets returns the secrets a step's text gives literally, so that a
// report masks them there and wherever else the run carries them (an error
// message, a dump).
func StepSecrets(stepText string) []string {
	var out []string
	for _, m := range stepSecret.FindAllStringSubmatch(stepText, -1) {
		out = append(out, m[1])
	}
	return out
}

// String masks the secrets in s.
func (r *Redactor) String(s string) string {
	if !r.Enabled() || s == "" {
		return s
	}
	s = pemPrivateKey.ReplaceAllString(s, "[REDACTED PRIVATE KEY]")
	s = secretField.ReplaceAllString(s, "${1}"+Mask+"${3}")
	s = secretFieldEscaped.ReplaceAllString(s, "${1}"+Mask+"${3}")
	if r != nil {
		for _, secret := range r.secrets {
			s = strings.ReplaceAll(s, secret, Mask)
		}
	}
	return maskPhones(s)
}

// Bytes is String for bytes.
func (r *Redactor) Bytes(b []byte) []byte {
	if !r.Enabled() {
		return b
	}
	return []byte(r.String(string(b)))
}

// maskPhones keeps a number's prefix and last two digits, so a reader can
// still tell two numbers apart: +917016225597 becomes +91XXXXXXXX97.
func maskPhones(s string) string {
	matches := phoneMatches(s)
	if matches == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		start, end := m[0], m[1]
		if start > 0 && (isAlnum(s[start-1]) || s[start-1] == '+') || end < len(s) && isAlnum(s[end]) {
			continue
		}
		core := end - 10 // the 10-digit number after any prefix
		b.WriteString(s[last:core])
		b.WriteString("XXXXXXXX")
		b.WriteString(s[end-2 : end])
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// phoneMatches is phoneNumber.FindAllStringIndex(s, -1), with the
// expression run only where it can match: a match is an optional + and
// digits, so it lies within a run of at least 10 digits (with the + before
// it), and the expression, having no anchors, finds the same matches in
// that run alone. Every attachment of every exchange is redacted, and most
// hold no such run (running the expression over all of them was a twentieth
// of a suite run's CPU).
func phoneMatches(s string) [][]int {
	var out [][]int
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i-start < 10 {
			continue
		}
		if start > 0 && s[start-1] == '+' {
			start--
		}
		for _, m := range phoneNumber.FindAllStringIndex(s[start:i], -1) {
			out = append(out, []int{start + m[0], start + m[1]})
		}
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// LineWriter redacts what is written through it a line at a time, for the
// console: godog's formatters write there while the run goes on. A PEM
// private key spans lines, so the lines between its BEGIN and END are
// swallowed whole. Close flushes a last unterminated line.
type LineWriter struct {
	mu    sync.Mutex
	out   io.Writer
	r     *Redactor
	buf   []byte
	inPEM bool
}

// NewLineWriter redacts lines written to it before passing them to out.
func NewLineWriter(out io.Writer, r *Redactor) *LineWriter {
	return &LineWriter{out: out, r: r}
}

func (w *LineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.r.Enabled() {
		return w.out.Write(p)
	}
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		if err := w.emit(string(w.buf[:i+1])); err != nil {
			return len(p), err
		}
		w.buf = w.buf[i+1:]
	}
	// godog's progress formatter prints one character per step, a line per
	// 70 scenarios: pass those on at once, or the console shows nothing
	// for seconds. They cannot hold a secret.
	if !w.inPEM && len(w.buf) > 0 && strings.Trim(string(w.buf), ".FSUPA- ") == "" {
		if _, err := w.out.Write(w.buf); err != nil {
			return len(p), err
		}
		w.buf = w.buf[:0]
	}
	return len(p), nil
}

// Close writes out a last line that had no newline.
func (w *LineWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	line := string(w.buf)
	w.buf = nil
	return w.emit(line)
}

func (w *LineWriter) emit(line string) error {
	begins := strings.Contains(line, "-----BEGIN") && strings.Contains(line, "PRIVATE KEY-----")
	ends := strings.Contains(line, "-----END") && strings.Contains(line, "PRIVATE KEY-----")
	switch {
	case w.inPEM && ends:
		w.inPEM = false
		return nil
	case w.inPEM:
		return nil
	case begins && !ends:
		w.inPEM = true
		_, err := io.WriteString(w.out, "[REDACTED PRIVATE KEY]\n")
		return err
	}
	_, err := io.WriteString(w.out, w.r.String(line))
	return err
}
