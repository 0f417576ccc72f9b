package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/tidwall/gjson"
)

// A batch (a race of identical requests, a table of malformed envelopes,
// timing rounds) holds every answer until its step has judged them all: up
// to ~20 answers, each up to protocol.MaxResponseBytes, in each of the
// scenarios running at once. What its checks read of an answer is small
// (the code, the message, request-id, call-details; the uniformity check
// compares answers over maxDecodedAnswer by digest only), so an answer of a
// batch over shedAbove is shed as soon as it is read: its digest is kept,
// and its body is cut to its top-level members of at most keptMember bytes,
// each larger one replaced by a string saying how large it was.
const (
	shedAbove  = maxDecodedAnswer
	keptMember = 1 << 10
)

// batchRoundTrip is roundTrip for one request of a batch: the answer is
// shed once the budget and the watch have seen it whole.
func (s *Suite) batchRoundTrip(ctx context.Context, o outgoing) *exchange {
	x := s.roundTrip(ctx, o)
	shed(x)
	return x
}

// shed keeps of a large answer only what a batch's checks read (see above).
func shed(x *exchange) {
	if x.err != nil || len(x.body) <= shedAbove {
		return // a body in error is a preview already
	}
	x.digest, x.shedFrom = bodyDigest(x.body), len(x.body)
	valid := x.isJSON()
	x.body = compactAnswer(x.body, valid)
	// The members of a valid object make a valid object; a preview is
	// decided again, by whoever asks (it is small).
	x.json, x.jsonKnown = valid, valid
}

// compactAnswer is a JSON object's top-level members with every value over
// keptMember bytes replaced by a string naming its size; anything else, its
// first previewBytes (a copy: a slice would keep the whole body alive).
// valid says body is valid JSON (gjson.ValidBytes).
func compactAnswer(body []byte, valid bool) []byte {
	root := gjson.ParseBytes(body)
	if !root.IsObject() || !valid {
		return append([]byte(nil), body[:min(len(body), previewBytes)]...)
	}
	var b bytes.Buffer
	b.WriteByte('{')
	root.ForEach(func(k, v gjson.Result) bool {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(k.Raw)
		b.WriteByte(':')
		if len(v.Raw) <= keptMember {
			b.WriteString(v.Raw)
			return true
		}
		note, _ := json.Marshal(fmt.Sprintf("…(%d bytes of JSON not kept: the answer was %d bytes)", len(v.Raw), len(body)))
		b.Write(note)
		return true
	})
	b.WriteByte('}')
	return b.Bytes()
}
