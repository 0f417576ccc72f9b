package steps

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/hostiletest"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
)

// BenchmarkLargeAnswer is the harness's own cost of one answer just under
// the 1 MiB limit (hostiletest's large-json target answers every request
// so): reading it within the limits, settling the call budget, judging the
// code, and the evidence of a failed check ("sent"); or, as one request of
// a batch, shedding it once read ("batch"). The answer comes from memory,
// not a socket: what is measured is the harness, not the network.
//
//	go test ./steps/ -run '^$' -bench LargeAnswer -benchmem
func BenchmarkLargeAnswer(b *testing.B) {
	const head, tail = `{"api-response-code": 400, "padding": [`, `0]}`
	body := []byte(head + strings.Repeat("0,", (hostiletest.LargeJSONBytes-len(head)-len(tail))/2) + tail)
	base, _ := url.Parse("http://target.invalid")
	p := &profile.Profile{Knobs: profile.Defaults()}
	s := &Suite{prof: p, redact: newRedactor(true, p), base: base, timeout: time.Minute,
		client: &http.Client{Transport: answerFrom(body)}}
	ctx := context.Background()
	o := outgoing{path: "/kairos-apis/enc/outbound/create", body: []byte(`{"calls":[]}`)}
	b.Run("sent", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			st := &scenario{s: s}
			st.send(ctx, o)
			if err := st.responseCode(400, "INVALID_FORMAT"); err == nil {
				b.Fatal("an answer without api-response-message passed")
			}
		}
	})
	b.Run("batch", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			st := &scenario{s: s}
			var v verdict
			if x := s.batchRoundTrip(ctx, o); !st.responseOK(x, &v) || x.shedFrom == 0 {
				b.Fatalf("the answer was not read and shed: %v", v)
			}
		}
	})
}

// answerFrom answers every request with body, from memory.
type answerFrom []byte

func (a answerFrom) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(a)),
		ContentLength: int64(len(a)),
		Request:       r,
	}, nil
}
