package preflight

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/bounded"
	"github.com/kairos-conformance/kairos-conformance/internal/netfault"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/safetext"
	"github.com/kairos-conformance/kairos-conformance/internal/watch"
)

// targetFault is the cause of an Unjudged check whose answer was the
// target's doing: no profile field is to blame.
const targetFault = "the target misbehaved, so the preflight cannot judge this role's credentials (no profile field is to blame)"

// ErrNotChecked is the Err of a role the preflight ended before: stopped
// by the watch, or interrupted.
var ErrNotChecked = errors.New("not checked")

// previewBytes is how much of an unusable body a message quotes.
const previewBytes = 60

// answer is what one request got back, read within the harness's limits.
type answer struct {
	status      int // 0: no HTTP answer
	contentType string
	body        []byte
	// err is a transport failure, or a body cut short or over a limit,
	// explained (package netfault) with the status line when one came.
	err error
}

// exchange is the answer as the run's watch sees it: the error as the
// transport gave it (the watch explains it itself).
func (a answer) exchange() watch.Exchange {
	err := a.err
	if ae, ok := err.(*answerError); ok {
		err = ae.err
	}
	return watch.Exchange{Err: err, Answered: a.status != 0, ContentType: a.contentType, Body: a.body}
}

// answerError is a failed exchange in words, keeping the cause for
// netfault.Classify (and so for the watch).
type answerError struct {
	text string
	err  error
}

func (e *answerError) Error() string { return e.text }
func (e *answerError) Unwrap() error { return e.err }

// post sends body and reads the answer within cfg.Timeout: at most
// protocol.MaxResponseBytes, never more held, and nested at most
// protocol.MaxResponseJSONDepth deep, checked before gjson sees it.
func post(ctx context.Context, cfg Config, url string, body []byte) answer {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "kairos-conformance preflight")
	resp, err := cfg.Client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && context.Cause(ctx) == context.DeadlineExceeded {
			err = &netfault.DeadlineError{After: cfg.Timeout, Err: err} // said once: "timeout: no complete answer within 10s"
		}
		return answer{err: &answerError{text: "no answer: " + netfault.Explain(err), err: err}}
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type")}
	a.body, err = bounded.ReadBody(resp.Body, resp.ContentLength, protocol.MaxResponseBytes)
	if err == nil {
		err = bounded.CheckDepth(a.body, protocol.MaxResponseJSONDepth)
	}
	if err != nil {
		a.body = append([]byte(nil), a.body[:min(len(a.body), previewBytes)]...)
		what := netfault.Explain(err)
		if netfault.Classify(err) == netfault.Timeout {
			err = &netfault.DeadlineError{After: cfg.Timeout, Err: err}
			what = fmt.Sprintf("the body did not come within %s", cfg.Timeout)
		}
		a.err = &answerError{text: fmt.Sprintf("%s, but %s", a.statusLine(), what), err: err}
	}
	return a
}

// statusLine is "HTTP 200 text/html" or "HTTP 200 without a Content-Type".
func (a answer) statusLine() string {
	if a.contentType == "" {
		return fmt.Sprintf("HTTP %d without a Content-Type", a.status)
	}
	return safetext.Clean(fmt.Sprintf("HTTP %d %s", a.status, a.contentType))
}

// kairosAnswer reads the code and message of a complete answer, or says why
// it is not a Kairos answer: section 4.1 requires a JSON object (in UTF-8,
// as JSON is) carrying api-response-code and api-response-message.
func kairosAnswer(a answer) (protocol.Code, string, error) {
	body := strings.TrimSpace(string(a.body))
	var why string
	switch {
	case !strings.HasPrefix(body, "{"):
		mt, _, _ := mime.ParseMediaType(a.contentType)
		why = fmt.Sprintf("not a JSON object (%s)", preview(body))
		if mt != "" && mt != "application/json" {
			why = fmt.Sprintf("not a JSON object but %s (%s)", mt, preview(body))
		}
	case !utf8.ValidString(body):
		why = "JSON that is not valid UTF-8 (RFC 8259 requires it)"
	case !gjson.Valid(body):
		why = fmt.Sprintf("a body that is not valid JSON (%s)", preview(body))
	default:
		code, message := gjson.Get(body, "api-response-code"), gjson.Get(body, "api-response-message")
		switch {
		case code.Type != gjson.Number:
			why = "a JSON object without a numeric api-response-code"
		case message.Type != gjson.String:
			why = fmt.Sprintf("a JSON object with api-response-code %s but no api-response-message string (section 4.1 requires both)", code.Raw)
		default:
			return protocol.Code(code.Int()), message.String(), nil
		}
	}
	return 0, "", fmt.Errorf("%s, %s", a.statusLine(), why)
}

// preview is the start of a body, quoted and cleaned, for a one-line message.
func preview(s string) string {
	if s == "" {
		return "an empty body"
	}
	if len(s) > previewBytes {
		return quote(s[:previewBytes]) + "…"
	}
	return quote(s)
}

// quote is s in double quotes, what the target sent made safe to print.
func quote(s string) string { return `"` + safetext.Clean(s) + `"` }
