package steps

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestRequestDeadline: an exchange is bounded by the run's timeout, or by
// its own longer minTimeout (generateKeyPair), never by less.
// The server never answers /never, so the first exchange ends on its
// deadline however slow the machine; it answers / after 300 ms.
func TestRequestDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/never" {
			<-r.Context().Done()
			return
		}
		select {
		case <-time.After(300 * time.Millisecond):
			w.Write([]byte(`{}`))
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	s := &Suite{base: base, client: srv.Client(), timeout: 50 * time.Millisecond}
	if x := s.roundTrip(context.Background(), outgoing{path: "/never"}); x.err == nil || !strings.Contains(x.err.Error(), "no answer within 50ms") {
		t.Errorf("no answer within the run's timeout: %v", x.err)
	}
	if x := s.roundTrip(context.Background(), outgoing{path: "/", minTimeout: time.Minute}); x.err != nil || x.status != http.StatusOK {
		t.Errorf("a slow answer within the request's own longer deadline: HTTP %d, %v", x.status, x.err)
	}
}
