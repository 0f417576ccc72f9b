// Package delayproxy is a test helper: an HTTP reverse proxy on loopback
// that adds a fixed delay to every round trip, so that the suite can be
// measured against a target as far away as a real staging server (the
// latency the runner must hide) while the target itself runs in-process.
//
// The delay is spent before the request is forwarded; the upstream's own
// time comes on top. The proxy passes requests and answers through
// unchanged but for what net/http/httputil.ReverseProxy does to every
// proxied exchange (hop-by-hop headers, X-Forwarded-For).
package delayproxy

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"
)

// Proxy forwards to one upstream with a delay.
type Proxy struct {
	// URL is the proxy's base URL, http://127.0.0.1:PORT.
	URL string

	srv    *http.Server
	served chan struct{}
}

// Timeouts of the proxy's own server; generous, a test helper only.
const (
	readHeaderTimeout = 10 * time.Second
	shutdownTimeout   = 5 * time.Second
)

// Start serves a proxy to upstream (a base URL) on a free loopback port
// until Close; every request waits delay before it is forwarded, or until
// its client gives up.
func Start(upstream string, delay time.Duration) (*Proxy, error) {
	target, err := url.Parse(upstream)
	if err != nil || target.Host == "" {
		return nil, fmt.Errorf("delayproxy: upstream %q is not a base URL", upstream)
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 256 // one per client connection: no churn to the upstream
	rp := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport: delayed{base: base, delay: delay},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("delayproxy: %w", err)
	}
	p := &Proxy{
		URL:    "http://" + ln.Addr().String(),
		srv:    &http.Server{Handler: rp, ReadHeaderTimeout: readHeaderTimeout},
		served: make(chan struct{}),
	}
	go func() {
		defer close(p.served)
		p.srv.Serve(ln) // always an error; after Shutdown, http.ErrServerClosed
	}()
	return p, nil
}

// Close stops the proxy, waiting a few seconds for requests in flight.
func (p *Proxy) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if p.srv.Shutdown(ctx) != nil {
		p.srv.Close()
	}
	<-p.served
}

// delayed waits before each round trip.
type delayed struct {
	base  http.RoundTripper
	delay time.Duration
}

func (d delayed) RoundTrip(req *http.Request) (*http.Response, error) {
	t := time.NewTimer(d.delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-req.Context().Done():
		return nil, context.Cause(req.Context())
	}
	return d.base.RoundTrip(req)
}
