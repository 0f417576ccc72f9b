package target

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kairos-conformance/kairos-conformance/internal/hostiletest"
	"github.com/kairos-conformance/kairos-conformance/internal/netfault"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
)

// TestDiagnoseNamesWhatItSaw probes each hostile server, a closed port, a
// TLS server with an unknown CA and a well-behaved JSON server.
func TestDiagnoseNamesWhatItSaw(t *testing.T) {
	const timeout = time.Second
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closedPort := "http://" + ln.Addr().String()
	ln.Close()
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	kairos := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"api-response-code": 400, "api-response-message": "Bad Request"}`)
	}))
	defer kairos.Close()

	for _, tc := range []struct {
		name      string
		url       string
		behaviour hostiletest.Behaviour
		fault     netfault.Kind
		noAnswer  bool
		says      string
	}{
		{name: "never answers", behaviour: hostiletest.Silent, fault: netfault.Timeout, noAnswer: true, says: "accepted a connection but sent no answer within 1s"},
		{name: "trickles", behaviour: hostiletest.Trickle, fault: netfault.Timeout, noAnswer: true, says: "accepted a connection but sent no answer within 1s"},
		{name: "resets", behaviour: hostiletest.Reset, fault: netfault.Reset, noAnswer: true, says: "did not answer the probe: connection reset by the target"},
		{name: "not HTTP", behaviour: hostiletest.NotHTTP, fault: netfault.NotHTTP, noAnswer: true, says: "did not answer the probe: not HTTP"},
		{name: "refused", url: closedPort, fault: netfault.Refused, noAnswer: true, says: "did not answer the probe: connection refused"},
		{name: "TLS", url: tlsSrv.URL, fault: netfault.TLS, noAnswer: true, says: "did not answer the probe: TLS error"},
		{name: "short body", behaviour: hostiletest.ShortBody, fault: netfault.ShortBody, says: "answered the probe with HTTP 200 application/json, but: the response body ended after 10 of the 1000 bytes"},
		{name: "huge JSON", behaviour: hostiletest.HugeJSON, fault: netfault.TooLarge, says: "larger than the harness's limit of 1 MiB (1048576 bytes)"},
		{name: "deep JSON", behaviour: hostiletest.DeepJSON, fault: netfault.TooDeep, says: "nests deeper than the harness's limit of 64 levels"},
		{name: "HTML", behaviour: hostiletest.HTML, says: `answered the probe with HTTP 200 text/html; charset=utf-8, not a JSON object ("<!doctype html>`},
		{name: "bad UTF-8", behaviour: hostiletest.BadUTF8},
		{name: "Kairos", url: kairos.URL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := tc.url
			if tc.behaviour != "" {
				srv, err := hostiletest.Start(tc.behaviour)
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Close()
				url = srv.URL
			}
			client, err := NewHTTPClient(&profile.Profile{Target: url}, ClientOptions{Timeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			d := Diagnose(context.Background(), client, url, timeout)
			if took := time.Since(start); took > 30*time.Second {
				t.Errorf("the probe took %s with a 1s timeout", took)
			}
			if d.Fault != tc.fault || d.NoAnswer() != tc.noAnswer {
				t.Errorf("fault %v (no answer %v), want %v (%v): %s", d.Fault, d.NoAnswer(), tc.fault, tc.noAnswer, d.Text)
			}
			if tc.says == "" && d.Text != "" || !strings.Contains(d.Text, tc.says) {
				t.Errorf("the diagnosis says %q; want it to say %q", d.Text, tc.says)
			}
			if !utf8.ValidString(d.Text) || strings.ContainsAny(d.Text, "\x1b\r") {
				t.Errorf("the diagnosis is not safe text: %q", d.Text)
			}
		})
	}
}
