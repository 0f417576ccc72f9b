package hostiletest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// TestServersMisbehaveAsDescribed checks each server does what its
// description says, seen from a plain net/http client.
func TestServersMisbehaveAsDescribed(t *testing.T) {
	t.Parallel()
	for _, b := range Behaviours() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel() // the silent one waits out its deadline
			// Trickle sends its answer a byte at a time, TrickleInterval
			// apart for the harness (which gives up long before the
			// end); here 1 ms apart, so that the whole answer is seen
			// without waiting 20 s for it.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			srv := serve(ln, b, time.Millisecond)
			defer srv.Close()
			// The silent server is judged by its deadline; for the others
			// the deadline is only a backstop, far above the time a loaded
			// machine under -race takes (64 MiB of HugeJSON).
			timeout := 2 * time.Minute
			if b == Silent {
				timeout = 2 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/kairos-apis/enc/outbound/create", strings.NewReader("{}"))
			resp, err := http.DefaultTransport.RoundTrip(req)
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			switch b {
			case Silent:
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err %v, want a timeout", err)
				}
			case Reset:
				if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
					t.Errorf("err %v, want a reset", err)
				}
			case NotHTTP:
				if err == nil || !strings.Contains(err.Error(), "malformed HTTP") {
					t.Errorf("err %v, want a malformed HTTP response", err)
				}
			case ShortBody:
				if !errors.Is(err, io.ErrUnexpectedEOF) || len(body) != ShortBodySent || resp.ContentLength != ShortBodyLength {
					t.Errorf("err %v, %d bytes, want an unexpected EOF after %d", err, len(body), ShortBodySent)
				}
			case HugeJSON:
				if err != nil || len(body) < HugeJSONBytes || resp.ContentLength != -1 {
					t.Errorf("err %v, %d bytes (Content-Length %d), want %d streamed", err, len(body), resp.ContentLength, HugeJSONBytes)
				}
			case LargeJSON:
				if err != nil || len(body) > LargeJSONBytes || len(body) < LargeJSONBytes-2 || !json.Valid(body) {
					t.Errorf("err %v, %d bytes, want %d of valid JSON", err, len(body), LargeJSONBytes)
				}
			case DeepJSON:
				if err != nil || !bytes.HasPrefix(body, bytes.Repeat([]byte("["), DeepJSONLevels)) {
					t.Errorf("err %v, body starts %.20q", err, body)
				}
			case BadUTF8:
				if err != nil || utf8.Valid(body) || !bytes.Contains(body, []byte(`\u001b[2J`)) {
					t.Errorf("err %v, body %q", err, body)
				}
			case HTML:
				if err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Errorf("err %v", err)
				}
			case Stalls:
				if err != nil || !bytes.Contains(body, []byte("Bad Request")) {
					t.Errorf("the first request: err %v, body %q", err, body)
				}
			case Trickle:
				if err != nil || !bytes.Contains(body, []byte("slow")) {
					t.Errorf("err %v, body %q", err, body)
				}
			case ProbeThenSilent, ProbeThenHTML: // TestProbeThen sees what follows
				if err != nil || string(body) != ProbeAnswer {
					t.Errorf("the first request: err %v, body %q", err, body)
				}
			}
		})
	}
}

// TestProbeThen: the probe-then servers answer the first request as Kairos
// would, then the silent one holds every later request unanswered (on the
// same connection and on a new one) and the other answers text/html.
func TestProbeThen(t *testing.T) {
	t.Parallel()
	for _, b := range []Behaviour{ProbeThenSilent, ProbeThenHTML} {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			srv, err := Start(b)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{}}
			for i := range 3 {
				if i == 2 {
					client.CloseIdleConnections()
				}
				// The silent server is judged by its deadline; for the
				// others it is only a backstop.
				timeout := 2 * time.Minute
				if b == ProbeThenSilent && i > 0 {
					timeout = time.Second
				}
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/kairos-apis/enc/outbound/create", strings.NewReader("{}"))
				resp, err := client.Do(req)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				cancel()
				switch {
				case i == 0:
					if err != nil || string(body) != ProbeAnswer {
						t.Errorf("the probe: err %v, body %q", err, body)
					}
				case b == ProbeThenSilent:
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("request %d: err %v, want a timeout", i+1, err)
					}
				default:
					if err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
						t.Errorf("request %d: err %v, want text/html", i+1, err)
					}
				}
			}
			if n := srv.Requests(); n != 3 {
				t.Errorf("the server read %d requests, want 3", n)
			}
		})
	}
}

func TestStartRefusesAnUnknownBehaviour(t *testing.T) {
	if _, err := Start("polite"); err == nil {
		t.Fatal("no error")
	}
}
