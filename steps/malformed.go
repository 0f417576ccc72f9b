package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/cucumber/godog"
)

// A malformation turns the scenario's payload into a request body that a
// strict server (spec section 3 and rule 5.1 / 5.4) must refuse. Each is
// built so that it is the only thing wrong: a server that skips that one
// check would accept the request.
type malformation struct {
	re    *regexp.Regexp
	build func(st *scenario, m []string, payload []byte) ([]byte, error)
}

var envelopeFields = `(requestEncryptedValue|requestDigitalSignatureValue)`

// envelopeMalformations are the phrases of "the envelope is sent with ...".
var envelopeMalformations = []malformation{
	{re: regexp.MustCompile(`^bit ([0-7]) of byte (\d+) of ` + envelopeFields + ` flipped$`), build: flipBit},
	{re: regexp.MustCompile(`^bit ([0-7]) of the last byte of ` + envelopeFields + ` flipped$`), build: flipBit},
	{re: regexp.MustCompile(`^requestEncryptedValue cut short by one block$`), build: cutBlock},
	{re: regexp.MustCompile(`^requestEncryptedValue cut short by (\d+) bytes?$`), build: cutBytes},
	{re: regexp.MustCompile(`^an empty ` + envelopeFields + `$`), build: emptyField},
	{re: regexp.MustCompile(`^PKCS#5 padding bytes that disagree$`), build: badPadding},
	{re: regexp.MustCompile(`^a PKCS#5 padding length of (\d+)$`), build: badPadding},
	{re: regexp.MustCompile(`^an RSA value one byte shorter than the key$`), build: shortRSA},
	{re: regexp.MustCompile(`^an RSA value one byte longer than the key$`), build: longRSA},
	{re: regexp.MustCompile(`^the AES key sealed for another flow's RSA key$`), build: otherFlowKey},
	{re: regexp.MustCompile(`^the AES key sealed with (OAEP-SHA1|OAEP-SHA256|PKCS#1 v1\.5) padding$`), build: otherPadding},
	{re: regexp.MustCompile(`^line breaks in ` + envelopeFields + `$`), build: lenientBase64},
	{re: regexp.MustCompile(`^a space in ` + envelopeFields + `$`), build: lenientBase64},
	{re: regexp.MustCompile(`^the URL-safe base64 alphabet in ` + envelopeFields + `$`), build: lenientBase64},
	{re: regexp.MustCompile(`^no base64 padding in ` + envelopeFields + `$`), build: lenientBase64},
	{re: regexp.MustCompile(`^a sealed payload that is not base64$`), build: innerPlaintext},
	{re: regexp.MustCompile(`^a sealed payload that is not valid JSON$`), build: innerPlaintext},
	{re: regexp.MustCompile(`^a sealed payload with duplicate "flow-id" keys$`), build: innerPlaintext},
	{re: regexp.MustCompile(`^a sealed payload that is a JSON array$`), build: innerPlaintext},
	{re: regexp.MustCompile(`^a sealed payload with data after the JSON object$`), build: innerPlaintext},
	{re: regexp.MustCompile(`^a sealed payload that is not valid UTF-8$`), build: innerPlaintext},
	{re: regexp.MustCompile(`^an RSA-encrypted key string that is not base64$`), build: badKeyString},
	{re: regexp.MustCompile(`^an empty RSA-encrypted key string$`), build: badKeyString},
	{re: regexp.MustCompile(`^the field name "([^"]+)" instead of "(requestEncryptedValue|requestDigitalSignatureValue|flow-id)"$`), build: renameField},
	{re: regexp.MustCompile(`^no "(requestEncryptedValue|requestDigitalSignatureValue|flow-id)" field$`), build: dropField},
	{re: regexp.MustCompile(`^a number as "(requestEncryptedValue|requestDigitalSignatureValue|flow-id)"$`), build: numberField},
	{re: regexp.MustCompile(`^a body that is not JSON$`), build: outerBody},
	{re: regexp.MustCompile(`^a JSON array as the body$`), build: outerBody},
	{re: regexp.MustCompile(`^duplicate "requestEncryptedValue" keys in the envelope$`), build: outerBody},
	{re: regexp.MustCompile(`^data after the envelope's JSON object$`), build: outerBody},
	{re: regexp.MustCompile(`^invalid UTF-8 in the envelope$`), build: outerBody},
}

// plainMalformations are the phrases of "the plain payload is sent with ...".
var plainMalformations = []malformation{
	{re: regexp.MustCompile(`^a body that is not JSON$`), build: plainBody},
	{re: regexp.MustCompile(`^a JSON array as the body$`), build: plainBody},
	{re: regexp.MustCompile(`^duplicate "flow-id" keys$`), build: plainBody},
	{re: regexp.MustCompile(`^data after the JSON object$`), build: plainBody},
	{re: regexp.MustCompile(`^invalid UTF-8 in a string$`), build: plainBody},
}

func findMalformation(list []malformation, phrase string) (malformation, []string, error) {
	for _, mf := range list {
		if m := mf.re.FindStringSubmatch(phrase); m != nil {
			return mf, m, nil
		}
	}
	return malformation{}, nil, stepError("no malformation %q (see steps/malformed.go for the phrases)", phrase)
}

func (st *scenario) registerMalformedSteps(sc *godog.ScenarioContext) {
	sc.Step(`^the envelope is sent with (.+)$`, func(ctx context.Context, phrase string) error {
		return st.sendMalformed(ctx, envelopeMalformations, phrase, true)
	})
	sc.Step(`^the plain payload is sent with (.+)$`, func(ctx context.Context, phrase string) error {
		return st.sendMalformed(ctx, plainMalformations, phrase, false)
	})
	sc.Step(`^each of these malformed envelopes is sent:$`, st.sendEachMalformed)
	sc.Step(`^every response is (\d{3}) ([A-Z_]+), identical apart from request-id$`, st.allIdentical)
}

// buildMalformed builds the body for one phrase from the scenario's payload.
func (st *scenario) buildMalformed(list []malformation, phrase string) ([]byte, []byte, error) {
	if err := st.needFlow(); err != nil {
		return nil, nil, err
	}
	mf, m, err := findMalformation(list, phrase)
	if err != nil {
		return nil, nil, err
	}
	payload, err := st.payloadBytes()
	if err != nil {
		return nil, nil, err
	}
	body, err := mf.build(st, m, payload)
	return body, payload, err
}

func (st *scenario) sendMalformed(ctx context.Context, list []malformation, phrase string, encrypted bool) error {
	if err := cancelled(ctx); err != nil {
		return err
	}
	body, payload, err := st.buildMalformed(list, phrase)
	if err != nil {
		return err
	}
	o := outgoing{path: createPath(st.kind, encrypted), body: body}
	if encrypted {
		o.payload = payload
	}
	st.sentPayload, st.sentCalls, st.sentPlain, st.sentBody, st.sentPath = payload, clientIDs(payload), !encrypted, body, o.path
	st.send(ctx, o)
	return nil
}

// sendEachMalformed sends one request per table row (a malformation phrase)
// and keeps every response for the uniformity check.
func (st *scenario) sendEachMalformed(ctx context.Context, table *godog.Table) error {
	if len(table.Rows) < 3 {
		return stepError("the table needs a header and at least two malformations")
	}
	st.batch, st.batchOf = nil, nil
	var summary strings.Builder
	for _, row := range table.Rows[1:] {
		if err := cancelled(ctx); err != nil {
			return err
		}
		phrase := row.Cells[0].Value
		body, _, err := st.buildMalformed(envelopeMalformations, phrase)
		if err != nil {
			return err
		}
		x := st.s.roundTrip(ctx, outgoing{path: createPath(st.kind, true), body: body})
		st.batch, st.batchOf = append(st.batch, x), append(st.batchOf, phrase)
		fmt.Fprintf(&summary, "%s\n    -> %s\n", phrase, x.brief())
	}
	st.last = st.batch[len(st.batch)-1]
	st.attach("exchanges", summary.String())
	return nil
}

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
	if len(st.batch) == 0 {
		return stepError("no batch of requests was sent")
	}
	type answer struct {
		key   string
		first *exchange
		whats []string
	}
	var answers []*answer
	byKey := map[string]*answer{}
	for i, x := range st.batch {
		key := "no response: " + fmt.Sprint(x.err)
		if x.status != 0 {
			key = fmt.Sprintf("HTTP %d, headers {%s}, body %s", x.status, headerNames(x.header), withoutRequestID(x.body))
		}
		a := byKey[key]
		if a == nil {
			a = &answer{key: key, first: x}
			byKey[key] = a
			answers = append(answers, a)
		}
		a.whats = append(a.whats, st.batchOf[i])
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
		v.add(fmt.Sprintf("one answer to all %d malformed envelopes, apart from request-id", len(st.batch)), b.String(), "(HTTP status, headers and body)")
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

// withoutRequestID re-encodes a JSON body without its request-id.
func withoutRequestID(body []byte) string {
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
