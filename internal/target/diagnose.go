package target

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptrace"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/bounded"
	"github.com/kairos-conformance/kairos-conformance/internal/netfault"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/safetext"
)

// Diagnosis is what the probe saw.
type Diagnosis struct {
	// Fault is how the exchange failed (netfault.None: a complete answer).
	Fault netfault.Kind
	// Answered is set when an HTTP status line and headers came back.
	Answered    bool
	Status      int
	ContentType string
	// Text says in one line what was wrong, "" when nothing was: a JSON
	// answer, whatever its status.
	Text string
}

// NoAnswer reports whether the target gave no usable answer at all: the
// run would only collect timeouts and resets, so it should not start.
func (d Diagnosis) NoAnswer() bool { return d.Fault.NoAnswer() }

// Diagnose sends one harmless request (POST {} to the encrypted multicast
// endpoint: any Kairos server refuses it, and nothing is created or
// checksummed) and names what came back: refused, unknown host, reset,
// closed, timeout (with whether a connection was made), TLS error, not
// HTTP, a short, oversized or too deeply nested body, or an answer that is
// not JSON. It reads at most protocol.MaxResponseBytes.
func Diagnose(ctx context.Context, client *http.Client, baseURL string, timeout time.Duration) Diagnosis {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	connected := false
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		// GotConn comes after the dial and the TLS handshake.
		GotConn: func(httptrace.GotConnInfo) { connected = true },
	})
	what := fmt.Sprintf("the target at %s", baseURL)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+protocol.PathEncMulticastCreate, strings.NewReader("{}"))
	if err != nil {
		return Diagnosis{Fault: netfault.Other, Text: fmt.Sprintf("%s: %v", what, err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "kairos-conformance")
	resp, err := client.Do(req)
	if err != nil {
		d := Diagnosis{Fault: netfault.Classify(err)}
		switch {
		case d.Fault == netfault.Timeout && connected:
			d.Text = fmt.Sprintf("%s accepted a connection but sent no answer within %s", what, timeout)
		case d.Fault == netfault.Timeout:
			d.Text = fmt.Sprintf("%s did not accept a connection within %s", what, timeout)
		default:
			d.Text = fmt.Sprintf("%s did not answer the probe: %s", what, netfault.Explain(err))
		}
		d.Text = safetext.Clean(d.Text)
		return d
	}
	defer resp.Body.Close()
	d := Diagnosis{Answered: true, Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type")}
	answer := fmt.Sprintf("HTTP %d", resp.StatusCode)
	if d.ContentType != "" {
		answer += " " + d.ContentType
	}
	body, err := bounded.ReadBody(resp.Body, resp.ContentLength, protocol.MaxResponseBytes)
	if err == nil {
		err = bounded.CheckDepth(body, protocol.MaxResponseJSONDepth)
	}
	if err != nil {
		d.Fault = netfault.Classify(err)
		if d.Fault == netfault.Timeout {
			d.Text = fmt.Sprintf("%s answered the probe with %s but did not finish its body within %s", what, answer, timeout)
		} else {
			d.Text = fmt.Sprintf("%s answered the probe with %s, but: %s", what, answer, netfault.Explain(err))
		}
		d.Text = safetext.Clean(d.Text)
		return d
	}
	trimmed := strings.TrimSpace(string(body))
	mt, _, _ := mime.ParseMediaType(d.ContentType)
	if !strings.HasPrefix(trimmed, "{") {
		d.Text = safetext.Clean(fmt.Sprintf("%s answered the probe with %s, not a JSON object (%s): is it a Kairos server, and is this its base URL?",
			what, answer, preview(trimmed)))
	} else if mt != "application/json" {
		d.Text = safetext.Clean(fmt.Sprintf("%s answered the probe with %s: a JSON body, but not labelled application/json", what, answer))
	}
	return d
}

// preview is the start of a body, quoted, for a one-line message.
func preview(s string) string {
	const n = 60
	if s == "" {
		return "an empty body"
	}
	if len(s) > n {
		return fmt.Sprintf("%q…", s[:n])
	}
	return fmt.Sprintf("%q", s)
}
