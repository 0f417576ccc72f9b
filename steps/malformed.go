package steps

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/envelope"
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

// --- the malformations ---

// sealed seals payload and returns the envelope and its decoded halves.
func (st *scenario) sealedParts(payload []byte) (*envelope.Sealed, []byte, []byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	ct, _ := envelope.DecodeStrict(s.RequestEncryptedValue)
	rv, _ := envelope.DecodeStrict(s.RequestDigitalSignatureValue)
	return s, ct, rv, nil
}

func flipBit(st *scenario, m []string, payload []byte) ([]byte, error) {
	s, ct, rv, err := st.sealedParts(payload)
	if err != nil {
		return nil, err
	}
	bit, _ := strconv.Atoi(m[1])
	field := m[len(m)-1]
	target := ct
	if field == "requestDigitalSignatureValue" {
		target = rv
	}
	idx := len(target) - 1
	if len(m) == 4 {
		idx, _ = strconv.Atoi(m[2])
	}
	if idx >= len(target) {
		return nil, stepError("%s has %d bytes; byte %d does not exist", field, len(target), idx)
	}
	target[idx] ^= 1 << bit
	env := s.Envelope
	env.RequestEncryptedValue, env.RequestDigitalSignatureValue = encodeB64(ct), encodeB64(rv)
	return envelopeBody(&env), nil
}

func cutBlock(st *scenario, _ []string, payload []byte) ([]byte, error) {
	s, ct, _, err := st.sealedParts(payload)
	if err != nil {
		return nil, err
	}
	if len(ct) < 2*envelope.BlockSize {
		return nil, stepError("the ciphertext has only one block")
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(ct[:len(ct)-envelope.BlockSize])
	return envelopeBody(&env), nil
}

func cutBytes(st *scenario, m []string, payload []byte) ([]byte, error) {
	n, _ := strconv.Atoi(m[1])
	if n <= 0 || n%envelope.BlockSize == 0 {
		return nil, stepError("cut a number of bytes that is not a whole number of blocks")
	}
	s, ct, _, err := st.sealedParts(payload)
	if err != nil {
		return nil, err
	}
	if n >= len(ct) {
		return nil, stepError("the ciphertext has only %d bytes", len(ct))
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(ct[:len(ct)-n])
	return envelopeBody(&env), nil
}

func emptyField(st *scenario, m []string, payload []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	env := s.Envelope
	if m[1] == "requestEncryptedValue" {
		env.RequestEncryptedValue = ""
	} else {
		env.RequestDigitalSignatureValue = ""
	}
	return envelopeBody(&env), nil
}

// badPadding encrypts the base64 payload with wrong PKCS#5 padding: bytes
// that disagree with the length byte, or a length of 0 or more than 16.
// Trailing spaces (valid JSON) are added to the payload until the padding
// is at least two bytes long, so that the bytes can disagree.
func badPadding(st *scenario, m []string, payload []byte) ([]byte, error) {
	p := append([]byte(nil), payload...)
	for envelope.BlockSize-len(encodeB64(p))%envelope.BlockSize < 2 {
		p = append(p, ' ')
	}
	s, err := st.seal(p, nil)
	if err != nil {
		return nil, err
	}
	b64 := []byte(encodeB64(p))
	padLen := envelope.BlockSize - len(b64)%envelope.BlockSize
	buf := append(b64, bytes.Repeat([]byte{byte(padLen)}, padLen)...)
	if len(m) > 1 { // a padding length of N
		n, _ := strconv.Atoi(m[1])
		if n >= 1 && n <= envelope.BlockSize {
			return nil, stepError("a padding length of %d is valid; use 0 or more than 16", n)
		}
		buf[len(buf)-1] = byte(n)
	} else {
		buf[len(buf)-padLen] = byte(padLen - 1)
	}
	if err := envelope.EncryptBlocks(envelope.DeriveAESKey(s.Key), buf); err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(buf)
	return envelopeBody(&env), nil
}

// maxTries bounds the re-sealing loops below.
const maxTries = 20000

// shortRSA drops a leading zero byte of the RSA value: numerically the
// same value, so a server that does not insist on the modulus length (as
// Java does not) opens it.
func shortRSA(st *scenario, _ []string, payload []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	_, pub := st.sealTarget()
	opts := &envelope.SealOptions{Key: s.Key, Padding: st.knobs().RSAPadding}
	for i := 0; i < maxTries; i++ {
		rv, _ := envelope.DecodeStrict(s.RequestDigitalSignatureValue)
		if rv[0] == 0 {
			env := s.Envelope
			env.RequestDigitalSignatureValue = encodeB64(rv[1:])
			return envelopeBody(&env), nil
		}
		if s, err = envelope.SealDetailed(payload, s.FlowID, pub, opts); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("no RSA value with a leading zero byte in %d tries", maxTries)
}

// longRSA prepends a zero byte: numerically the same value again.
func longRSA(st *scenario, _ []string, payload []byte) ([]byte, error) {
	s, _, rv, err := st.sealedParts(payload)
	if err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestDigitalSignatureValue = encodeB64(append([]byte{0}, rv...))
	return envelopeBody(&env), nil
}

func otherFlowKey(st *scenario, _ []string, payload []byte) ([]byte, error) {
	f, _, err := st.otherFlowOfKind(otherKind(st.kind), "")
	if err != nil {
		return nil, err
	}
	if f.PublicKey.Equal(st.pub) {
		return nil, st.skip("the other flow has the same key")
	}
	s, err := envelope.SealDetailed(payload, st.flow.FlowID, f.PublicKey, &envelope.SealOptions{Padding: st.knobs().RSAPadding})
	if err != nil {
		return nil, err
	}
	st.addSecret(s.Key)
	return envelopeBody(&s.Envelope), nil
}

func otherPadding(st *scenario, m []string, payload []byte) ([]byte, error) {
	names := map[string]envelope.Padding{"OAEP-SHA1": envelope.OAEPSHA1, "OAEP-SHA256": envelope.OAEPSHA256, "PKCS#1 v1.5": envelope.PKCS1v15}
	p := names[m[1]]
	if p == st.knobs().RSAPadding {
		return nil, st.skip("the target uses %s padding (knob rsa-padding), so %s is not wrong for it", p, m[1])
	}
	s, err := st.seal(payload, &envelope.SealOptions{Padding: p})
	if err != nil {
		return nil, err
	}
	return envelopeBody(&s.Envelope), nil
}

// lenientBase64 writes one envelope field in base64 that a lenient decoder
// (MIME, URL-safe, unpadded) accepts and a strict one refuses. The payload
// is re-sealed until the field has something to change (a '+' or '/' for
// the URL alphabet, '=' padding to remove).
func lenientBase64(st *scenario, m []string, payload []byte) ([]byte, error) {
	field := m[1]
	kind := strings.SplitN(m[0], " ", 2)[0]
	p := append([]byte(nil), payload...)
	for i := 0; i < 200; i++ {
		s, err := st.seal(p, nil)
		if err != nil {
			return nil, err
		}
		env := s.Envelope
		v := &env.RequestEncryptedValue
		if field == "requestDigitalSignatureValue" {
			v = &env.RequestDigitalSignatureValue
		}
		switch kind {
		case "line": // MIME: CRLF every 76 characters
			var b strings.Builder
			for j := 0; j < len(*v); j += 76 {
				if j > 0 {
					b.WriteString("\r\n")
				}
				b.WriteString((*v)[j:min(j+76, len(*v))])
			}
			*v = b.String()
			return envelopeBody(&env), nil
		case "a": // a space
			*v = (*v)[:20] + " " + (*v)[20:]
			return envelopeBody(&env), nil
		case "the": // URL-safe alphabet
			if strings.ContainsAny(*v, "+/") {
				*v = strings.NewReplacer("+", "-", "/", "_").Replace(*v)
				return envelopeBody(&env), nil
			}
		case "no": // no padding
			if strings.HasSuffix(*v, "=") {
				*v = strings.TrimRight(*v, "=")
				return envelopeBody(&env), nil
			}
			p = append(p, ' ') // change the ciphertext length
		}
	}
	return nil, fmt.Errorf("could not make %s show %q", field, m[0])
}

// innerPlaintext seals, under a valid key, a plaintext that is wrong after
// decryption: not base64, or base64 of something that is not one strict
// JSON object.
func innerPlaintext(st *scenario, m []string, payload []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	var plain []byte
	switch {
	case strings.Contains(m[0], "not base64"):
		plain = payload // the JSON itself, not its base64
	case strings.Contains(m[0], "not valid JSON"):
		plain = []byte(encodeB64(bytes.TrimSuffix(bytes.TrimSpace(payload), []byte("}"))))
	case strings.Contains(m[0], "duplicate"):
		dup := fmt.Sprintf(`{"flow-id":%q,`, st.flow.FlowID)
		plain = []byte(encodeB64(append([]byte(dup), bytes.TrimPrefix(bytes.TrimSpace(payload), []byte("{"))...)))
	case strings.Contains(m[0], "JSON array"):
		plain = []byte(encodeB64(append(append([]byte("["), payload...), ']')))
	case strings.Contains(m[0], "data after"):
		plain = []byte(encodeB64(append(append([]byte(nil), payload...), []byte("\n{}")...)))
	case strings.Contains(m[0], "UTF-8"):
		bad, err := invalidUTF8(payload)
		if err != nil {
			return nil, err
		}
		plain = []byte(encodeB64(bad))
	}
	ct, err := envelope.EncryptECB(envelope.DeriveAESKey(s.Key), plain)
	if err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(ct)
	return envelopeBody(&env), nil
}

// invalidUTF8 replaces the last character of the first client-identifier
// with the byte 0xFF.
func invalidUTF8(payload []byte) ([]byte, error) {
	ids := clientIDs(payload)
	if len(ids) == 0 || ids[0] == "" {
		return nil, stepError("the payload needs a call with a client-identifier")
	}
	q, _ := json.Marshal(ids[0])
	i := bytes.Index(payload, q)
	if i < 0 {
		return nil, stepError("the client-identifier is not written plainly in the payload")
	}
	out := append([]byte(nil), payload...)
	out[i+len(q)-2] = 0xFF
	return out, nil
}

// rsaEncrypt encrypts msg for pub with a padding, as envelope.Seal does.
func rsaEncrypt(pub *rsa.PublicKey, p envelope.Padding, msg []byte) ([]byte, error) {
	switch p {
	case envelope.OAEPSHA1:
		return rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, msg, nil)
	case envelope.OAEPSHA256:
		return rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, msg, nil)
	default:
		return rsa.EncryptPKCS1v15(rand.Reader, pub, msg)
	}
}

// badKeyString RSA-encrypts a key string that is not base64 (or is empty)
// and AES-encrypts the payload under the key derived from it exactly as the
// spec derives it, so only the key-encoding check can refuse it.
func badKeyString(st *scenario, m []string, payload []byte) ([]byte, error) {
	keyB64 := "not base64: k3y!"
	if strings.Contains(m[0], "empty") {
		keyB64 = ""
	}
	flowID, pub := st.sealTarget()
	rv, err := rsaEncrypt(pub, st.knobs().RSAPadding, []byte(keyB64))
	if err != nil {
		return nil, err
	}
	ct, err := envelope.EncryptECB(envelope.DeriveAESKeyFromB64(keyB64), []byte(encodeB64(payload)))
	if err != nil {
		return nil, err
	}
	return envelopeBody(&envelope.Envelope{RequestEncryptedValue: encodeB64(ct), RequestDigitalSignatureValue: encodeB64(rv), FlowID: flowID}), nil
}

// envelopeObject is a valid envelope as an ordered object, to edit.
func (st *scenario) envelopeObject(payload []byte) (*object, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	v, _ := decodeOrdered(envelopeBody(&s.Envelope))
	return v.(*object), nil
}

func renameField(st *scenario, m []string, payload []byte) ([]byte, error) {
	if m[1] == m[2] {
		return nil, stepError("the new field name is the same")
	}
	o, err := st.envelopeObject(payload)
	if err != nil {
		return nil, err
	}
	renamed := newObject()
	for _, k := range o.keys {
		nk := k
		if k == m[2] {
			nk = m[1]
		}
		renamed.set(nk, o.vals[k])
	}
	return json.Marshal(renamed)
}

func dropField(st *scenario, m []string, payload []byte) ([]byte, error) {
	o, err := st.envelopeObject(payload)
	if err != nil {
		return nil, err
	}
	o.del(m[1])
	return json.Marshal(o)
}

func numberField(st *scenario, m []string, payload []byte) ([]byte, error) {
	o, err := st.envelopeObject(payload)
	if err != nil {
		return nil, err
	}
	o.set(m[1], json.Number("12345678"))
	return json.Marshal(o)
}

func outerBody(st *scenario, m []string, payload []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	body := envelopeBody(&s.Envelope)
	switch {
	case strings.Contains(m[0], "not JSON"):
		return []byte("requestEncryptedValue=" + s.RequestEncryptedValue + "&requestDigitalSignatureValue=" + s.RequestDigitalSignatureValue + "&flow-id=" + s.FlowID), nil
	case strings.Contains(m[0], "array"):
		return append(append([]byte("["), body...), ']'), nil
	case strings.Contains(m[0], "duplicate"):
		// A junk value first: a server where the last key wins opens it.
		return append([]byte(`{"requestEncryptedValue":"AAAA",`), bytes.TrimPrefix(body, []byte("{"))...), nil
	case strings.Contains(m[0], "data after"):
		return append(body, []byte("\n{}")...), nil
	case strings.Contains(m[0], "UTF-8"):
		// The byte 0xFF inside the flow-id string.
		q, _ := json.Marshal(s.FlowID)
		j := bytes.LastIndex(body, q) + len(q) - 1 // its closing quote
		return append(append(append([]byte(nil), body[:j]...), 0xFF), body[j:]...), nil
	}
	return nil, stepError("no outer malformation %q", m[0])
}

// plainBody malforms a plain request body; the rest of it is a valid payload.
func plainBody(st *scenario, m []string, payload []byte) ([]byte, error) {
	switch {
	case strings.Contains(m[0], "not JSON"):
		return []byte("api-version=1.0&flow-id=" + st.flow.FlowID), nil
	case strings.Contains(m[0], "array"):
		return append(append([]byte("["), payload...), ']'), nil
	case strings.Contains(m[0], "duplicate"):
		dup := fmt.Sprintf(`{"flow-id":%q,`, st.flow.FlowID)
		return append([]byte(dup), bytes.TrimPrefix(bytes.TrimSpace(payload), []byte("{"))...), nil
	case strings.Contains(m[0], "data after"):
		return append(append([]byte(nil), payload...), []byte("\n{}")...), nil
	case strings.Contains(m[0], "UTF-8"):
		return invalidUTF8(payload)
	}
	return nil, stepError("no plain malformation %q", m[0])
}
