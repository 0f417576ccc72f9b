package target

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// ErrUnreachable is an infrastructure failure: no scenario could judge
// anything, so a run stops with one message instead of a failure each.
var ErrUnreachable = errors.New("unreachable")

// Probe sends one harmless request before a run (POST {} to the encrypted
// multicast endpoint: any Kairos server answers 400, and nothing is created
// or checksummed) to tell an infrastructure problem from a conformance one.
//
//   - No connection (refused, DNS, dial timeout) or a TLS failure: an error
//     wrapping ErrUnreachable. Every scenario would fail the same way, so the
//     run stops with one message.
//   - A connection but no answer within the timeout: a note, and the run
//     goes on. That is the target's behaviour under test; each request's
//     deadline fires, and the reports say what happened.
//   - Any HTTP answer, whatever its status: reachable.
func (t *Target) Probe(ctx context.Context, timeout time.Duration) (note string, err error) {
	client, baseURL := t.HTTPClient, t.URL
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	connected := false
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		// GotConn comes after the dial and the TLS handshake.
		GotConn: func(httptrace.GotConnInfo) { connected = true },
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+protocol.PathEncMulticastCreate, strings.NewReader("{}"))
	if err != nil {
		return "", fmt.Errorf("target %s: %w", baseURL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		return "", nil
	}
	switch {
	case ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "", ctx.Err() // interrupted
	case connected:
		return fmt.Sprintf("target %s accepted a connection but did not answer within %s; running anyway: expect every request to time out", baseURL, timeout), nil
	case isTLSError(err):
		return "", fmt.Errorf("target %s: %w: TLS handshake failed: %v (set tls.ca-file in the profile, or tls.insecure-skip-verify for a test server)", baseURL, ErrUnreachable, unwrapURLError(err))
	default:
		return "", fmt.Errorf("target %s is %w: %v", baseURL, ErrUnreachable, unwrapURLError(err))
	}
}

func isTLSError(err error) bool {
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
		strings.Contains(err.Error(), "tls: ")
}

// unwrapURLError drops net/http's "Post \"url\": " prefix: the message
// already names the target.
func unwrapURLError(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil || !strings.HasPrefix(err.Error(), "Post ") {
			return err
		}
		err = next
	}
}
