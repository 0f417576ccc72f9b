package delayproxy_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/delayproxy"
)

// TestProxyDelaysAndPassesThrough: the answer comes back unchanged, no
// sooner than the delay; a client that gives up is not kept waiting.
func TestProxyDelaysAndPassesThrough(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("request-id", "r-1")
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte(r.Method + " " + r.URL.Path + " " + string(body)))
	}))
	defer up.Close()
	const delay = 150 * time.Millisecond
	p, err := delayproxy.Start(up.URL, delay)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if !strings.HasPrefix(p.URL, "http://127.0.0.1:") {
		t.Errorf("proxy listens on %s, want loopback", p.URL)
	}

	start := time.Now()
	resp, err := http.Post(p.URL+"/kairos-apis/pull", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if took := time.Since(start); took < delay {
		t.Errorf("answered after %s, before the %s delay", took, delay)
	}
	if resp.StatusCode != http.StatusTeapot || string(body) != "POST /kairos-apis/pull {}" || resp.Header.Get("request-id") != "r-1" {
		t.Errorf("got %d %q (request-id %q)", resp.StatusCode, body, resp.Header.Get("request-id"))
	}

	slow, err := delayproxy.Start(up.URL, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, slow.URL+"/", nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("a request through an hour's delay was answered within 100 ms")
	}
}

func TestBadUpstream(t *testing.T) {
	if _, err := delayproxy.Start("not a url", time.Second); err == nil {
		t.Error("no error for a bad upstream")
	}
}
