// Package netfault names how an HTTP exchange with a target failed, in the
// words a person debugging a deploy needs: refused, reset, timed out, TLS,
// not HTTP, closed without an answer, a short, oversized or too deeply
// nested body. The probe, the steps' failure lines and the run's circuit
// breaker all read errors through it, so they agree on what happened.
package netfault

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/bounded"
)

// Kind is a class of failure.
type Kind int

const (
	None        Kind = iota // no error
	Refused                 // nothing listens: connection refused
	UnknownHost             // the host name does not resolve
	Reset                   // the target reset the connection
	Closed                  // the target closed the connection before answering
	Timeout                 // no (complete) answer within the deadline
	TLS                     // the TLS handshake or a certificate failed
	NotHTTP                 // the target answered, but not in HTTP
	ShortBody               // the body ended before its Content-Length
	TooLarge                // the body is over the harness's size limit
	TooDeep                 // the JSON nests deeper than the harness's limit
	Canceled                // the run was cancelled: not the target's doing
	Other
)

var phrases = map[Kind]string{
	None:        "no error",
	Refused:     "connection refused: nothing listens there",
	UnknownHost: "unknown host: the name does not resolve",
	Reset:       "connection reset by the target",
	Closed:      "the target closed the connection without answering",
	Timeout:     "timeout: no complete answer in time",
	TLS:         "TLS error",
	NotHTTP:     "not HTTP: the target answered with something else",
	ShortBody:   "short body: the answer ended early",
	TooLarge:    "body too large",
	TooDeep:     "JSON nested too deeply",
	Canceled:    "cancelled by the run",
	Other:       "transport error",
}

// String is the kind in a few words ("connection reset by the target").
func (k Kind) String() string { return phrases[k] }

// NoAnswer reports whether the target gave no HTTP answer at all: the
// failures that, repeated, mean the target stopped answering.
func (k Kind) NoAnswer() bool {
	switch k {
	case Refused, UnknownHost, Reset, Closed, Timeout, TLS, NotHTTP:
		return true
	}
	return false
}

// Classify says which kind of failure err is.
func Classify(err error) Kind {
	var (
		tooLarge *bounded.TooLargeError
		tooDeep  *bounded.TooDeepError
		short    *bounded.ShortBodyError
		dns      *net.DNSError
		netErr   net.Error
	)
	if err == nil {
		return None
	}
	msg := err.Error()
	switch {
	case errors.As(err, &tooLarge):
		return TooLarge
	case errors.As(err, &tooDeep):
		return TooDeep
	case errors.As(err, &short):
		return ShortBody
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused
	case errors.As(err, &dns):
		return UnknownHost
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return Reset
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return Timeout
	case isTLS(err):
		return TLS
	case strings.Contains(msg, "malformed HTTP"),
		// The target spoke before it was asked: net/http saw bytes on a
		// connection it had not yet written the request to, and says so
		// only in this internal wording (the race decides which of the
		// two messages a non-HTTP target gets).
		strings.Contains(msg, "readLoopPeekFailLocked"):
		return NotHTTP
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Closed
	}
	return Other
}

// DeadlineError is a request that got no complete answer within its
// deadline. Its Error is "no answer within 10s: " and the transport's
// error; Explain says it once, "timeout: no complete answer within 10s",
// rather than wrap the one timeout in the other's words.
type DeadlineError struct {
	After time.Duration
	Err   error // the transport's error, typically context.DeadlineExceeded wrapped by net/http
}

func (e *DeadlineError) Error() string { return fmt.Sprintf("no answer within %s: %v", e.After, e.Err) }
func (e *DeadlineError) Unwrap() error { return e.Err }

// Explain is err prefixed with its kind, with net/http's "Post \"url\": "
// dropped (the caller names the target): "connection reset by the target
// (read tcp 127.0.0.1:5000->127.0.0.1:8080: read: connection reset by peer)".
func Explain(err error) string {
	if err == nil {
		return ""
	}
	k := Classify(err)
	var deadline *DeadlineError
	if k == Timeout && errors.As(err, &deadline) {
		// The deadline's own words, the transport's only when they add
		// something ("net/http: timeout awaiting response headers").
		what := fmt.Sprintf("timeout: no complete answer within %s", deadline.After)
		if detail := unwrapURL(deadline.Err).Error(); detail != context.DeadlineExceeded.Error() {
			what += " (" + detail + ")"
		}
		return what
	}
	detail := unwrapURL(err).Error()
	hint := ""
	switch {
	case k == NotHTTP && looksLikeTLS(detail):
		hint = "; it looks like TLS: use an https:// URL"
	case k == TLS && strings.Contains(detail, "server gave HTTP response to HTTPS client"):
		hint = "; it speaks plain HTTP: use an http:// URL"
	case k == TLS:
		hint = "; set tls.ca-file in the profile, or tls.insecure-skip-verify for a test server"
	}
	switch k {
	case TooLarge, TooDeep, ShortBody, Other:
		return detail // their messages say it all
	}
	return k.String() + " (" + detail + ")" + hint
}

func isTLS(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
		record           tls.RecordHeaderError
		alert            tls.AlertError
	)
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verification) || errors.As(err, &record) || errors.As(err, &alert) ||
		strings.Contains(err.Error(), "tls: ") || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// looksLikeTLS spots a TLS record (an alert or a handshake) quoted in
// net/http's "malformed HTTP response" message.
func looksLikeTLS(msg string) bool {
	return strings.Contains(msg, `"\x15\x03`) || strings.Contains(msg, `"\x16\x03`)
}

// unwrapURL drops net/http's "Post \"url\": " prefix.
func unwrapURL(err error) error {
	if u, ok := err.(*url.Error); ok && u.Err != nil {
		return u.Err
	}
	return err
}
