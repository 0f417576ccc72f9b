package target

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// Client defaults.
const (
	// DefaultTimeout bounds each HTTP exchange, as the steps' own
	// per-request deadline does by default (steps.DefaultRequestTimeout).
	DefaultTimeout = 10 * time.Second
	// DefaultIdleConns is how many idle connections are kept when the
	// caller does not say (the runner gives its concurrency).
	DefaultIdleConns = 32
)

// idleConnTimeout closes a connection left idle this long. A server
// closes a connection that has not sent its first request within its
// header timeout (the reference server's is 10 s), and the transport
// parks connections it dialed for a burst of requests but did not need;
// a POST sent later on such a connection meets EOF and is not retried.
// Under the header timeouts of common servers, and long enough to reuse
// connections throughout a run.
const idleConnTimeout = 5 * time.Second

// ClientOptions shape the HTTP client of a Target.
type ClientOptions struct {
	// Timeout bounds each exchange: the dial, the TLS handshake, the wait
	// for response headers and the whole request (0: DefaultTimeout).
	Timeout time.Duration
	// IdleConns is how many idle connections to the target are kept for
	// reuse; give it the number of scenarios run at once (0:
	// DefaultIdleConns).
	IdleConns int
}

// NewHTTPClient is the client every request of a run goes through: TLS as
// the profile says (tls.ca-file, which profile.Load resolved against the
// profile's directory, and tls.insecure-skip-verify), every phase bounded
// by the timeout, and no redirects: a Kairos endpoint never redirects, and
// following one would hide it.
func NewHTTPClient(prof *profile.Profile, opts ClientOptions) (*http.Client, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	conns := opts.IdleConns
	if conns <= 0 {
		conns = DefaultIdleConns
	}
	tlsConfig := &tls.Config{InsecureSkipVerify: prof.TLS.InsecureSkipVerify}
	if caFile := prof.TLS.CAFile; caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("profile %s: tls.ca-file: %w", prof.Path, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("profile %s: tls.ca-file: %s holds no PEM certificate", prof.Path, caFile)
		}
		tlsConfig.RootCAs = pool
	}
	// A request waits for its answer as long as its own deadline says: the
	// timeout, or protocol.KeyGenerationTimeout for generateKeyPair (the
	// steps and the probe bound every request with a context deadline).
	// The client's own bounds leave room for the longer of the two.
	answerTimeout := max(timeout, protocol.KeyGenerationTimeout)
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: answerTimeout,
		MaxIdleConnsPerHost:   conns,
		IdleConnTimeout:       idleConnTimeout,
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       answerTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}
