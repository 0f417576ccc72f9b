package netfault

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/bounded"
	"github.com/kairos-conformance/kairos-conformance/internal/hostiletest"
)

// post sends one request to url, reading the body within the limits, and
// returns the error.
func post(t *testing.T, client *http.Client, url string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/kairos-apis/enc/outbound/create", strings.NewReader("{}"))
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = bounded.ReadBody(resp.Body, resp.ContentLength, 1<<20)
	return err
}

// TestClassifyRealFailures provokes each failure against a real socket and
// checks the kind and the words Explain uses.
func TestClassifyRealFailures(t *testing.T) {
	client := &http.Client{}
	hostile := func(b hostiletest.Behaviour) string {
		srv, err := hostiletest.Start(b)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Close)
		return srv.URL
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	refusedURL := "http://" + ln.Addr().String()
	ln.Close()
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsSrv.Close()
	plainSrv := httptest.NewServer(http.NotFoundHandler())
	defer plainSrv.Close()

	for _, tc := range []struct {
		name   string
		url    string
		want   Kind
		phrase string
	}{
		{"silent", hostile(hostiletest.Silent), Timeout, "timeout"},
		{"reset", hostile(hostiletest.Reset), Reset, "connection reset by the target"},
		{"not-http", hostile(hostiletest.NotHTTP), NotHTTP, "not HTTP"},
		{"short-body", hostile(hostiletest.ShortBody), ShortBody, "ended after 10 of the 1000 bytes"},
		{"huge-json", hostile(hostiletest.HugeJSON), TooLarge, "larger than the harness's limit of 1 MiB"},
		{"refused", refusedURL, Refused, "connection refused"},
		{"unknown CA", tlsSrv.URL, TLS, "set tls.ca-file"},
		{"https to plain HTTP", strings.Replace(plainSrv.URL, "http:", "https:", 1), TLS, "use an http:// URL"},
		{"a TLS alert to plain HTTP", tlsAlertServer(t), NotHTTP, "it looks like TLS: use an https:// URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := post(t, client, tc.url)
			if got := Classify(err); got != tc.want {
				t.Fatalf("Classify(%v) = %v, want %v", err, got, tc.want)
			}
			if ex := Explain(err); !strings.Contains(ex, tc.phrase) || strings.Contains(ex, "Post \"") {
				t.Errorf("Explain = %q, want it to say %q without net/http's Post prefix", ex, tc.phrase)
			}
		})
	}
}

func TestClassifyWrapped(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want Kind
	}{
		{nil, None},
		{context.Canceled, Canceled},
		{fmt.Errorf("no answer within 2s: %w", context.DeadlineExceeded), Timeout},
		{fmt.Errorf("reading: %w", &bounded.TooDeepError{Limit: 64}), TooDeep},
		{errors.New("something odd"), Other},
	} {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	for _, k := range []Kind{Refused, Reset, Closed, Timeout, TLS, NotHTTP, UnknownHost} {
		if !k.NoAnswer() {
			t.Errorf("%v: NoAnswer false", k)
		}
	}
	for _, k := range []Kind{None, ShortBody, TooLarge, TooDeep, Canceled, Other} {
		if k.NoAnswer() {
			t.Errorf("%v: NoAnswer true", k)
		}
	}
}

// tlsAlertServer answers every connection with a TLS alert record, as a TLS
// server that does not fall back to a plain HTTP 400 does.
func tlsAlertServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			// After the request, as a TLS server answers bytes that are not
			// a handshake: sent before it, the alert would race the client's
			// write (net/http then reports an answer on an idle connection).
			// The request is read whole, so that closing sends no RST.
			if req, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
				io.Copy(io.Discard, req.Body)
				req.Body.Close()
			}
			c.Write([]byte("\x15\x03\x01\x00\x02\x02\x46"))
			c.Close()
		}
	}()
	return "http://" + ln.Addr().String()
}

// TestClassifyUnsolicitedBytes: a target that writes before it is asked can
// make net/http fail with its internal "readLoopPeekFailLocked" wording
// instead of "malformed HTTP"; which one depends on a race, so both must
// read as not HTTP (the probe's diagnosis and the breaker depend on it).
func TestClassifyUnsolicitedBytes(t *testing.T) {
	for _, msg := range []string{
		`Post "http://127.0.0.1:1/x": readLoopPeekFailLocked: %!w(<nil>)`,
		`Post "http://127.0.0.1:1/x": net/http: HTTP/1.x transport connection broken: malformed HTTP status code "hostile"`,
	} {
		if got := Classify(errors.New(msg)); got != NotHTTP {
			t.Errorf("Classify(%q) = %v, want NotHTTP", msg, got)
		}
	}
}

// TestExplainDeadlineOnce: a request that ran out of time is said to have
// once, with its deadline, without net/http's "Post \"url\": " and without
// "context deadline exceeded", which says nothing more; a transport detail
// that does say more is kept.
func TestExplainDeadlineOnce(t *testing.T) {
	post := &url.Error{Op: "Post", URL: "http://127.0.0.1:9/kairos-apis/enc/outbound/create", Err: context.DeadlineExceeded}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&DeadlineError{After: 10 * time.Second, Err: post}, "timeout: no complete answer within 10s"},
		{fmt.Errorf("sending: %w", &DeadlineError{After: time.Second, Err: context.DeadlineExceeded}), "timeout: no complete answer within 1s"},
		{&DeadlineError{After: 2 * time.Second, Err: &url.Error{Op: "Post", URL: "http://t", Err: fmt.Errorf("net/http: timeout awaiting response headers: %w", context.DeadlineExceeded)}},
			"timeout: no complete answer within 2s (net/http: timeout awaiting response headers: context deadline exceeded)"},
	} {
		if got := Explain(tc.err); got != tc.want {
			t.Errorf("Explain(%v)\n got %s\nwant %s", tc.err, got, tc.want)
		}
	}
	// Its own text is unchanged: failure lines quote it.
	if got := (&DeadlineError{After: time.Second, Err: context.DeadlineExceeded}).Error(); got != "no answer within 1s: context deadline exceeded" {
		t.Errorf("Error() = %q", got)
	}
}
