package steps

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// A malformation turns the scenario's payload into a request body that a
// strict server (spec section 3 and rules 5.1 / 5.4) must refuse. Each is
// built so that it is the only thing wrong: a server that skips that one
// check would accept the request.
//
// Each is a named builder chosen by its own anchored step, so godog sees
// every phrase: it lists them, and reports an unknown one as undefined and
// two that overlap as ambiguous. A fixed phrase is matched literally; a
// phrase with a parameter (a bit, a byte count, a field name) has a pattern
// whose captures reach the builder as args.
type malformation struct {
	phrase  string // a fixed phrase, or
	pattern string // a regexp with captures, unanchored
	build   builder
}

// builder makes the malformed body from a valid payload.
type builder func(st *scenario, payload []byte, args []string) ([]byte, error)

// expr is the malformation's phrase as an unanchored regexp.
func (m malformation) expr() string {
	if m.pattern != "" {
		return m.pattern
	}
	return regexp.QuoteMeta(m.phrase)
}

// The envelope fields (spec section 3) and the RSA paddings a malformation
// can name.
var (
	cryptoFields   = []string{"requestEncryptedValue", "requestDigitalSignatureValue"}
	envelopeFields = []string{"requestEncryptedValue", "requestDigitalSignatureValue", "flow-id"}
)

const cryptoFieldRE = `(requestEncryptedValue|requestDigitalSignatureValue)`

// envelopeMalformations are the phrases of "the envelope is sent with ...".
var envelopeMalformations = func() []malformation {
	list := []malformation{
		{pattern: `bit ([0-7]) of byte (\d+) of ` + cryptoFieldRE + ` flipped`, build: flipBitAt},
		{pattern: `bit ([0-7]) of the last byte of ` + cryptoFieldRE + ` flipped`, build: flipLastBit},
		{phrase: "requestEncryptedValue cut short by one block", build: cutOneBlock},
		{pattern: `requestEncryptedValue cut short by (\d+) bytes?`, build: cutBytes},
		{phrase: "PKCS#5 padding bytes that disagree", build: paddingBytesDisagree},
		{pattern: `a PKCS#5 padding length of (\d+)`, build: paddingLength},
		{phrase: "an RSA value one byte shorter than the key", build: shortRSA},
		{phrase: "an RSA value one byte longer than the key", build: longRSA},
		{phrase: "the AES key sealed for another flow's RSA key", build: otherFlowKey},
		{phrase: "an RSA-encrypted key string that is not base64", build: keyStringNotBase64},
		{phrase: "an empty RSA-encrypted key string", build: keyStringEmpty},
		{phrase: "a sealed payload that is not base64", build: sealedNotBase64},
		{phrase: "a sealed payload that is not valid JSON", build: sealedNotJSON},
		{phrase: `a sealed payload with duplicate "flow-id" keys`, build: sealedDuplicateFlowID},
		{phrase: "a sealed payload that is a JSON array", build: sealedJSONArray},
		{phrase: "a sealed payload with data after the JSON object", build: sealedTrailingData},
		{phrase: "a sealed payload that is not valid UTF-8", build: sealedInvalidUTF8},
		{phrase: "a body that is not JSON", build: envelopeNotJSON},
		{phrase: "a JSON array as the body", build: envelopeJSONArray},
		{phrase: `duplicate "requestEncryptedValue" keys in the envelope`, build: envelopeDuplicateKey},
		{phrase: "data after the envelope's JSON object", build: envelopeTrailingData},
		{phrase: "invalid UTF-8 in the envelope", build: envelopeInvalidUTF8},
	}
	for _, p := range rsaProbes {
		list = append(list, malformation{phrase: p.phrase, pattern: p.pattern, build: rsaProbeBuilder(p.probe)})
	}
	for _, p := range otherPaddings {
		list = append(list, malformation{phrase: "the AES key sealed with " + p.name + " padding", build: sealedWithPadding(p.name, p.padding)})
	}
	for _, f := range cryptoFields {
		list = append(list,
			malformation{phrase: "an empty " + f, build: emptyField(f)},
			malformation{phrase: "line breaks in " + f, build: lineBreaksIn(f)},
			malformation{phrase: "a space in " + f, build: spaceIn(f)},
			malformation{phrase: "the URL-safe base64 alphabet in " + f, build: urlAlphabetIn(f)},
			malformation{phrase: "no base64 padding in " + f, build: unpaddedIn(f)},
		)
	}
	for _, f := range envelopeFields {
		list = append(list,
			malformation{pattern: `the field name "([^"]+)" instead of "` + regexp.QuoteMeta(f) + `"`, build: renameField(f)},
			malformation{phrase: `no "` + f + `" field`, build: dropField(f)},
			malformation{phrase: `a number as "` + f + `"`, build: numberField(f)},
			malformation{phrase: `null as "` + f + `"`, build: nullField(f)},
		)
	}
	return list
}()

// plainMalformations are the phrases of "the plain payload is sent with ...".
var plainMalformations = []malformation{
	{phrase: "a body that is not JSON", build: plainNotJSON},
	{phrase: "a JSON array as the body", build: plainJSONArray},
	{phrase: `duplicate "flow-id" keys`, build: plainDuplicateFlowID},
	{phrase: "data after the JSON object", build: plainTrailingData},
	{phrase: "invalid UTF-8 in a string", build: plainInvalidUTF8},
}

// envelopeMalformationREs match a table row of "each of these malformed
// envelopes is sent" to its malformation, as godog matches a step.
var envelopeMalformationREs = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(envelopeMalformations))
	for i, m := range envelopeMalformations {
		out[i] = regexp.MustCompile("^" + m.expr() + "$")
	}
	return out
}()

func (st *scenario) registerMalformedSteps(sc stepRegistry) {
	for _, m := range envelopeMalformations {
		re := sc.compile("^the envelope is sent with " + m.expr() + "$")
		sc.Step(re, stepFunc(re.NumSubexp(), func(ctx context.Context, args []string) error {
			return st.sendMalformed(ctx, m, args, true)
		}))
	}
	for _, m := range plainMalformations {
		re := sc.compile("^the plain payload is sent with " + m.expr() + "$")
		sc.Step(re, stepFunc(re.NumSubexp(), func(ctx context.Context, args []string) error {
			return st.sendMalformed(ctx, m, args, false)
		}))
	}
	sc.Step(`^each of these malformed envelopes is sent:$`, st.sendEachMalformed)
	sc.Step(`^every response is (\d{3}) ([A-Z_]+), identical apart from request-id$`, st.allIdentical)
}

// stepFunc adapts a handler of a step's captures to the function of fixed
// arity that godog calls.
func stepFunc(n int, h func(ctx context.Context, args []string) error) any {
	switch n {
	case 0:
		return func(ctx context.Context) error { return h(ctx, nil) }
	case 1:
		return func(ctx context.Context, a string) error { return h(ctx, []string{a}) }
	case 2:
		return func(ctx context.Context, a, b string) error { return h(ctx, []string{a, b}) }
	case 3:
		return func(ctx context.Context, a, b, c string) error { return h(ctx, []string{a, b, c}) }
	}
	return func(context.Context) error { return fmt.Errorf("steps: no handler for a phrase with %d parameters", n) }
}

// malformed builds the malformed request from the scenario's payload.
func (st *scenario) malformed(m malformation, args []string, encrypted bool, label string) (outgoing, error) {
	if err := st.needFlow(); err != nil {
		return outgoing{}, err
	}
	payload, err := st.payloadBytes()
	if err != nil {
		return outgoing{}, err
	}
	body, err := m.build(st, payload, args)
	if err != nil {
		return outgoing{}, err
	}
	return outgoing{path: protocol.CreatePath(st.target.kind, encrypted), body: body, payload: payload, encrypted: encrypted, label: label}, nil
}

func (st *scenario) sendMalformed(ctx context.Context, m malformation, args []string, encrypted bool) error {
	if err := cancelled(ctx); err != nil {
		return err
	}
	o, err := st.malformed(m, args, encrypted, "")
	if err != nil {
		return err
	}
	st.send(ctx, o)
	return nil
}

// findEnvelopeMalformation is the malformation a table row names, with its
// captures; a row that names none is an error, as an undefined step is.
func findEnvelopeMalformation(phrase string) (malformation, []string, error) {
	for i, re := range envelopeMalformationREs {
		if m := re.FindStringSubmatch(phrase); m != nil {
			return envelopeMalformations[i], m[1:], nil
		}
	}
	return malformation{}, nil, stepError("no malformation %q: a row must be a phrase of \"the envelope is sent with ...\" (steps/malformed.go)", phrase)
}

// sendEachMalformed sends one request per table row (a malformation phrase)
// and keeps every response for the uniformity check. The requests are
// independent, so they overlap (a far-away target costs a few round trips,
// not one per row); the check compares answers, not their order.
func (st *scenario) sendEachMalformed(ctx context.Context, table *godog.Table) error {
	if len(table.Rows) < 3 {
		return stepError("the table needs a header and at least two malformations")
	}
	if err := cancelled(ctx); err != nil {
		return err
	}
	var reqs []outgoing
	for _, row := range table.Rows[1:] {
		phrase := row.Cells[0].Value
		m, args, err := findEnvelopeMalformation(phrase)
		if err != nil {
			return err
		}
		o, err := st.malformed(m, args, true, phrase)
		if err != nil {
			return err
		}
		reqs = append(reqs, o)
	}
	var summary strings.Builder
	for i, x := range st.sendBatch(ctx, reqs, overlapped) {
		fmt.Fprintf(&summary, "%s\n    -> %s\n", reqs[i].label, x.brief())
	}
	st.attach(evidence.AttachExchanges, summary.String())
	return nil
}
