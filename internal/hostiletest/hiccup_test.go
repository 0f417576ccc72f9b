package hostiletest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHiccups: the listed requests get no answer (a reset, or silence
// until the client's deadline), once each; every other request, the resent
// one included, is the wrapped server's.
func TestHiccups(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "fine") })
	for _, how := range []Hiccup{HiccupReset, HiccupSilence} {
		t.Run(string(how), func(t *testing.T) {
			t.Parallel()
			h := NewHiccups(ok, how, 2)
			srv := httptest.NewServer(h)
			defer srv.Close()
			defer h.Close()
			client := &http.Client{Transport: &http.Transport{}}
			defer client.CloseIdleConnections()
			for i := 1; i <= 3; i++ {
				// Silence is judged by the client's deadline; otherwise it
				// is only a backstop.
				timeout := 2 * time.Minute
				if how == HiccupSilence && i == 2 {
					timeout = time.Second
				}
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("{}"))
				resp, err := client.Do(req)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				cancel()
				switch {
				case i != 2:
					if err != nil || string(body) != "fine" {
						t.Errorf("request %d: err %v, body %q, want the server's answer", i, err, body)
					}
				case how == HiccupReset:
					if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
						t.Errorf("request 2: err %v, want a reset", err)
					}
				default:
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("request 2: err %v, want a timeout", err)
					}
				}
			}
			if h.Requests() != 3 || h.Failed() != 1 {
				t.Errorf("%d requests, %d failed: want 3 and 1", h.Requests(), h.Failed())
			}
		})
	}
}
