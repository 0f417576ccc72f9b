package steps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// allIdentical checks every batch response has the code and that they are
// identical once request-id is removed (HTTP status, headers but Date and
// request-id, body):
// no decryption oracle. Differences are reported as the distinct answers
// and which malformations got each.
func (st *scenario) allIdentical(num int, name string) error {
	want, err := parseCode(num, name)
	if err != nil {
		return err
	}
	if len(st.sent.batch) == 0 {
		return stepError("no batch of requests was sent")
	}
	type answer struct {
		key   string
		first *exchange
		whats []string
	}
	var answers []*answer
	byKey := map[string]*answer{}
	for i, x := range st.sent.batch {
		key := "no response: " + fmt.Sprint(x.err)
		if x.status != 0 {
			key = fmt.Sprintf("HTTP %d, %s, headers {%s}, body %s", x.status, connectionHandling(x), headerNames(x.header), answerKey(x))
		}
		a := byKey[key]
		if a == nil {
			a = &answer{key: key, first: x}
			byKey[key] = a
			answers = append(answers, a)
		}
		a.whats = append(a.whats, st.sent.batchOf[i])
	}
	var v verdict
	for _, a := range answers {
		var one verdict
		st.expectCode(a.first, want, 0, &one)
		for _, m := range one {
			v.add(m.expected, fmt.Sprintf("%s (for %s)", m.actual, listSome(a.whats, 3)), m.path)
		}
	}
	if len(answers) > 1 {
		var b strings.Builder
		fmt.Fprintf(&b, "%d different answers:", len(answers))
		for _, a := range answers {
			fmt.Fprintf(&b, "\n  %s\n    for %s", truncate(a.key, 400), listSome(a.whats, 3))
		}
		v.add(fmt.Sprintf("one answer to all %d malformed envelopes, apart from request-id", len(st.sent.batch)), b.String(), "(HTTP status, connection handling, headers and body)")
	}
	return st.fail(nil, v)
}

// listSome quotes up to n items and counts the rest.
func listSome(items []string, n int) string {
	var q []string
	for i, it := range items {
		if i == n {
			q = append(q, fmt.Sprintf("and %d more", len(items)-n))
			break
		}
		q = append(q, strconv.Quote(it))
	}
	return strings.Join(q, ", ")
}

// headerNames shows a response's headers but those that differ by nature
// (Date, request-id), as name: value pairs in order.
func headerNames(h http.Header) string {
	var out []string
	for k, vs := range h {
		if k == "Date" || strings.EqualFold(k, "request-id") {
			continue
		}
		out = append(out, k+": "+strings.Join(vs, ", "))
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

// answerKey is the body as the uniformity check compares it: the digest of
// a shed answer, else the body without its request-id.
func answerKey(x *exchange) string {
	if x.digest != "" {
		return x.digest
	}
	return withoutRequestID(x.body)
}

// withoutRequestID re-encodes a JSON body without its request-id.
func withoutRequestID(body []byte) string {
	if len(body) > maxDecodedAnswer {
		return bodyDigest(body)
	}
	v, err := decodeOrdered(bytes.TrimSpace(body))
	if err != nil {
		return string(body)
	}
	if o, ok := v.(*object); ok {
		o.del("request-id")
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// connectionHandling is whether the server kept the connection open after
// an answer: a server that closes it only for some failures (as servers
// vulnerable to ROBOT did) leaks the failure as surely as a message.
func connectionHandling(x *exchange) string {
	if x.closed {
		return "connection closed"
	}
	return "connection kept open"
}
