package steps

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/bounded"
	"github.com/kairos-conformance/kairos-conformance/internal/netfault"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/safetext"
	"github.com/kairos-conformance/kairos-conformance/internal/watch"
)

// previewBytes is how much of a body over a limit (or cut short) an
// exchange keeps, for the evidence.
const previewBytes = 1 << 10

// readAnswer reads resp's body into x within the harness's limits: at most
// protocol.MaxResponseBytes, never more held, and JSON nested at most
// protocol.MaxResponseJSONDepth deep, checked before anything parses it. A
// body over a limit or cut short is x.err (the failure line names it), and
// x.body keeps only its first bytes.
func readAnswer(x *exchange, resp *http.Response) {
	body, err := bounded.ReadBody(resp.Body, resp.ContentLength, protocol.MaxResponseBytes)
	if err == nil {
		err = bounded.CheckDepth(body, protocol.MaxResponseJSONDepth)
	}
	x.body = body
	if err == nil {
		x.json, x.jsonKnown = gjson.ValidBytes(body), true
		return
	}
	// A copy: a slice would keep the whole buffer alive with the exchange.
	x.body = append([]byte(nil), body[:min(len(body), previewBytes)]...)
	var tooLarge *bounded.TooLargeError
	var tooDeep *bounded.TooDeepError
	var short *bounded.ShortBodyError
	if errors.As(err, &tooLarge) || errors.As(err, &tooDeep) || errors.As(err, &short) {
		x.err = err
	} else {
		x.err = fmt.Errorf("reading the response body: %w", err)
	}
}

// isJSON reports whether x's body is valid JSON, as gjson.ValidBytes
// does, deciding it only where readAnswer or shed did not.
func (x *exchange) isJSON() bool {
	if x.jsonKnown {
		return x.json
	}
	return gjson.ValidBytes(x.body)
}

// finish runs when an exchange is over. ctx is the scenario's context (the
// request had its own deadline inside it): when that ended first, the run
// was interrupted or stopped, and the failure is the run's, not the
// target's; it says so (the reports judge such a scenario not run), and the
// run's watch does not count it. Otherwise the watch sees the exchange.
func (s *Suite) finish(ctx context.Context, x *exchange) {
	if ctx.Err() != nil {
		if x.err != nil {
			x.err = fmt.Errorf("the run was cancelled before the answer came (%w): %v", context.Canceled, context.Cause(ctx))
		}
		return
	}
	if s.cfg.Watch == nil {
		return
	}
	w := watch.Exchange{Err: x.err, Answered: x.status != 0, Body: x.body}
	if x.header != nil {
		w.ContentType = x.header.Get("Content-Type")
	}
	s.cfg.Watch.Observe(w)
}

// transportError is an exchange's transport failure in words, for the
// failure line: "connection reset by the target (read tcp ...)", "the
// response body ended after 10 of the 1000 bytes its Content-Length
// announced (unexpected EOF)".
func transportError(x *exchange) string {
	return netfault.Explain(x.err)
}

// release drops everything the scenario holds once it has ended. godog keeps
// each scenario's step closures, and so this struct, until the run ends:
// without this, every scenario would keep its last answers (up to
// protocol.MaxResponseBytes each) for the whole run.
func (st *scenario) release() { *st = scenario{s: st.s} }

// evidenceText is text for an attachment: masked, cleaned (package
// safetext) and truncated to maxAttachment. Masking sees only a wide
// margin beyond what is shown: masking a megabyte answer 400 times costs
// more than the run, and a secret across that cut would be far past the
// part shown.
func (st *scenario) evidenceText(text string) string {
	const margin = 16 * maxAttachment
	if len(text) <= margin {
		return truncate(safetext.Clean(st.mask(text)), maxAttachment)
	}
	shown := truncate(safetext.Clean(st.mask(text[:margin])), maxAttachment)
	if i := strings.LastIndex(shown, "\n…("); i >= 0 {
		shown = shown[:i]
	}
	return shown + fmt.Sprintf("\n…(%d bytes in all)", len(text))
}

// maxDecodedAnswer is the largest answer a step decodes in full to compare
// it with others: far beyond any Kairos answer; a larger one (a hostile
// target's megabyte) is compared by digest, as decoding it for each request
// of a batch would cost more memory than the run.
const maxDecodedAnswer = 64 << 10

// bodyDigest stands for a large body: its start, its size and a digest.
func bodyDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return fmt.Sprintf("%s…(%d bytes, SHA-256 %x)", truncate(string(body[:min(len(body), 200)]), 200), len(body), sum[:8])
}
