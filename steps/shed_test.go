package steps

import (
	"context"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/hostiletest"
)

// TestBatchShedsLargeAnswers measures the heap a batch of 20 answers just
// under the 1 MiB limit keeps alive once sent: whole, about 20 MiB; shed,
// what its checks read. The checks still see the code, and the uniformity
// check tells the answers apart by digest.
func TestBatchShedsLargeAnswers(t *testing.T) {
	srv, err := hostiletest.Start(hostiletest.LargeJSON)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	s := &Suite{base: base, client: &http.Client{Transport: &http.Transport{}}, timeout: 2 * time.Minute}
	const n = 20
	reqs := make([]outgoing, n)
	for i := range reqs {
		reqs[i] = outgoing{path: "/kairos-apis/enc/outbound/create", body: []byte("{}"), label: "copy"}
	}
	ctx := context.Background()
	whole := retained(func() any {
		xs := make([]*exchange, n)
		for i := range xs {
			xs[i] = s.roundTrip(ctx, reqs[i])
		}
		return xs
	})
	st := &scenario{s: s}
	var xs []*exchange
	shedBytes := retained(func() any {
		xs = st.sendBatch(ctx, reqs, atOnce)
		return xs
	})
	t.Logf("a batch of %d answers of %d bytes keeps %d KiB alive whole, %d KiB shed", n, hostiletest.LargeJSONBytes, whole>>10, shedBytes>>10)
	if whole < n*hostiletest.LargeJSONBytes/2 {
		t.Errorf("whole answers keep only %d bytes alive: the measurement does not see them", whole)
	}
	if shedBytes > whole/8 {
		t.Errorf("the shed batch keeps %d bytes alive, whole answers %d: want far less", shedBytes, whole)
	}
	for _, x := range xs {
		if x.err != nil || x.shedFrom < hostiletest.LargeJSONBytes-2 || gjson.GetBytes(x.body, "api-response-code").Int() != 400 ||
			!strings.Contains(gjson.GetBytes(x.body, "padding").Str, "bytes of JSON not kept") || answerKey(x) != answerKey(xs[0]) {
			t.Fatalf("shed answer: err %v, from %d bytes, body %.200s, key %.80s", x.err, x.shedFrom, x.body, answerKey(x))
		}
	}
	if !strings.Contains(dumpResponse(xs[0]), "only the members up to 1024 bytes were kept") {
		t.Errorf("the evidence does not say the answer was shed:\n%s", dumpResponse(xs[0]))
	}
}

// TestSmallAnswersAreNotShed: a Kairos-sized answer of a batch stays whole.
func TestSmallAnswersAreNotShed(t *testing.T) {
	body := []byte(`{"api-response-code": 400, "api-response-message": "Invalid Format", "padding": "` + strings.Repeat("x", shedAbove-100) + `"}`)
	x := &exchange{body: body}
	shed(x)
	if x.shedFrom != 0 || string(x.body) != string(body) {
		t.Errorf("an answer of %d bytes was shed", len(body))
	}
	x = &exchange{body: []byte("<html>" + strings.Repeat("x", shedAbove) + "</html>")}
	shed(x)
	if x.shedFrom == 0 || len(x.body) != previewBytes || cap(x.body) != previewBytes {
		t.Errorf("a large non-JSON answer: kept %d bytes (cap %d), want a %d-byte copy", len(x.body), cap(x.body), previewBytes)
	}
}

// retained is the heap f's result keeps alive: in use after a collection,
// less before.
func retained(f func() any) uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	before := m.HeapAlloc
	kept := f()
	runtime.GC()
	runtime.ReadMemStats(&m)
	runtime.KeepAlive(kept)
	if m.HeapAlloc < before {
		return 0
	}
	return m.HeapAlloc - before
}
