package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// ECB has no integrity (spec section 3): whole 16-byte ciphertext blocks
// can be dropped, repeated or swapped. Each block is 16 base64 characters,
// i.e. exactly 12 bytes of the payload, so a block inside a JSON string
// can be moved and the payload stays valid JSON that says something else.
// A server following the spec cannot notice; the harness records what it
// did as a security finding (a warning in the reports), not a verdict.

// ecbTamper is what the scenario did to the ciphertext.
type ecbTamper struct {
	what           string
	sealedClientID string
	tamperedID     string
}

func (st *scenario) registerECBSteps(sc stepRegistry) {
	sc.Step(`^the payload is sealed, whole ciphertext blocks inside its client-identifier are (dropped|duplicated|swapped), and it is sent$`, st.sendTampered)
	sc.Step(`^the server's answer is recorded as a security finding$`, st.recordFinding)
}

func (st *scenario) sendTampered(ctx context.Context, op string) error {
	if err := st.needFlow(); err != nil {
		return err
	}
	if err := cancelled(ctx); err != nil {
		return err
	}
	// A client-identifier long enough to hold several whole 12-byte chunks,
	// each recognisable, so the echo shows what moved.
	id := st.s.ids.clientID("ecb") + "-AAAAAAAAAAAA-BBBBBBBBBBBB-CCCCCCCCCCCC-DDDDDDDDDDDD"
	if err := st.setInPayload("calls.0.client-identifier", id); err != nil {
		return err
	}
	payload, err := st.payloadBytes()
	if err != nil {
		return err
	}
	q, _ := json.Marshal(id)
	start := bytes.Index(payload, q)
	if start < 0 {
		return stepError("the client-identifier is not written plainly in the payload")
	}
	start++ // inside the quotes
	end := start + len(id)
	const chunk = 12 // payload bytes per cipher block
	first := (start + chunk - 1) / chunk
	var inside []int
	for b := first; (b+1)*chunk <= end; b++ {
		inside = append(inside, b)
	}
	if len(inside) < 2 {
		return fmt.Errorf("the client-identifier spans fewer than two whole cipher blocks")
	}
	s, err := st.seal(payload, nil)
	if err != nil {
		return err
	}
	ct, _ := envelope.DecodeStrict(s.RequestEncryptedValue)
	blocks := splitBlocks(ct)
	chunks := splitN(payload, chunk)
	// The last whole blocks: the identifier's unique prefix stays readable.
	i, j := inside[len(inside)-2], inside[len(inside)-1]
	var what string
	switch op {
	case "dropped":
		blocks = append(blocks[:i:i], blocks[i+1:]...)
		chunks = append(chunks[:i:i], chunks[i+1:]...)
		what = fmt.Sprintf("ciphertext block %d was dropped", i+1)
	case "duplicated":
		blocks = append(blocks[:i+1:i+1], blocks[i:]...)
		chunks = append(chunks[:i+1:i+1], chunks[i:]...)
		what = fmt.Sprintf("ciphertext block %d was repeated", i+1)
	case "swapped":
		blocks[i], blocks[j] = blocks[j], blocks[i]
		chunks[i], chunks[j] = chunks[j], chunks[i]
		what = fmt.Sprintf("ciphertext blocks %d and %d were swapped", i+1, j+1)
	default:
		return stepError("no block operation %q (dropped, duplicated or swapped)", op)
	}
	tampered := bytes.Join(chunks, nil)
	ids := clientIDs(tampered)
	if len(ids) == 0 || ids[0] == id {
		return fmt.Errorf("the tampered payload is not the valid, different JSON the harness expected")
	}
	st.ecb = ecbTamper{what: what, sealedClientID: id, tamperedID: ids[0]}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(bytes.Join(blocks, nil))
	// The payload sent is the one the tampered ciphertext decrypts to.
	st.send(ctx, outgoing{path: protocol.CreatePath(st.target.kind, true), body: envelopeBody(&env), payload: tampered, encrypted: true, sealed: s})
	st.attach(evidence.AttachSealedPayload, dumpBody(payload, true))
	return nil
}

func splitBlocks(b []byte) [][]byte { return splitN(b, envelope.BlockSize) }

func splitN(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		k := min(n, len(b))
		out = append(out, b[:k:k])
		b = b[k:]
	}
	return out
}

// recordFinding attaches what the server did with the tampered envelope.
// Acceptable answers: 400 INVALID_FORMAT (it refused the envelope) or 200
// SUCCESS echoing the tampered client-identifier (it processed the payload
// the ciphertext now decrypts to). Anything else fails the scenario.
func (st *scenario) recordFinding() error {
	t := st.ecb
	if t.what == "" {
		return stepError("no ciphertext was tampered with in this scenario")
	}
	x := st.sent.last
	var v verdict
	if !st.responseOK(x, &v) {
		return st.fail(x, v)
	}
	code := gjson.GetBytes(x.body, "api-response-code")
	echo := gjson.GetBytes(x.body, "call-details.0.client-identifier")
	var finding string
	switch {
	case code.Num == float64(protocol.Success) && echo.Str == t.tamperedID:
		finding = fmt.Sprintf("SECURITY FINDING (spec 3: AES-ECB has no integrity): the server accepted an envelope whose %s; "+
			"the payload it processed differs from the one sealed.\nclient-identifier sealed:    %s\nclient-identifier processed: %s\n"+
			"Anyone who can see and replay a client's envelope can cut and paste its blocks into a request the server accepts.",
			t.what, t.sealedClientID, echo.Str)
	case code.Num == float64(protocol.InvalidFormat):
		finding = fmt.Sprintf("The server refused an envelope whose %s with 400 INVALID_FORMAT, although it decrypts to a valid payload "+
			"(client-identifier %s): it detects block manipulation by some means outside the spec (spec 3 gives ECB no integrity).",
			t.what, t.tamperedID)
	default:
		v.add(fmt.Sprintf("either 400 INVALID_FORMAT (refused) or 200 SUCCESS echoing the client-identifier the tampered ciphertext decrypts to, %q", t.tamperedID),
			fmt.Sprintf("api-response-code %s, call-details.0.client-identifier %s", codeText(code), rawOf(echo)), "api-response-code")
		return st.fail(x, v)
	}
	st.expectHTTPStatus(x, int(code.Num), 0, &v)
	if err := st.fail(x, v); err != nil {
		return err
	}
	st.attach(evidence.AttachSecurityFinding, finding)
	return nil
}
