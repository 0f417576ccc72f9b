package certify

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

// Error makes a finding usable as a step's error.
func (f *Finding) Error() string { return f.String() }

// MinKeyStringBytes is the shortest key string k certification accepts.
// The spec's pages show 8 characters (abcd1234), which an attacker holding
// one ciphertext can search offline; 16 random bytes cannot be.
const MinKeyStringBytes = 16

// Envelope field names (spec section 3).
var envelopeFields = []string{"requestEncryptedValue", "requestDigitalSignatureValue", "flow-id"}

// Inspection is the judgment of one recorded request.
type Inspection struct {
	Exchange *Exchange
	// Envelope is set when the body is a JSON object with the three fields
	// as strings, even if it has others too (BodyProblem says so).
	Envelope    *envelope.Envelope
	BodyProblem *Finding
	Opened      *envelope.Opened // set when it opens strictly
	Diagnosis   *Diagnosis       // set when it does not
	// Locale is the locale the client ran under when the run forced one
	// (CLocale), for the payload check's wording; "" otherwise.
	Locale string
	// KeyReusedFrom names the earlier request that carried the same key
	// string; empty when the key is fresh (or the envelope did not open).
	KeyReusedFrom string

	modulusBytes int
	padding      envelope.Padding
}

// Inspect parses and opens one recorded request for the flow whose private
// key is priv.
func Inspect(ex *Exchange, priv *rsa.PrivateKey, padding envelope.Padding) *Inspection {
	in := &Inspection{Exchange: ex, modulusBytes: priv.Size(), padding: padding}
	in.Envelope, in.BodyProblem = parseEnvelope(ex.Body)
	if in.Envelope != nil {
		in.Opened, in.Diagnosis = Diagnose(in.Envelope, priv, padding)
	}
	return in
}

func parseEnvelope(body []byte) (*envelope.Envelope, *Finding) {
	const rule = "spec 3"
	want := "the body must be a JSON object with exactly the string fields requestEncryptedValue, requestDigitalSignatureValue and flow-id"
	if err := strictjson.CheckObject(body); err != nil {
		return nil, &Finding{Rule: rule, Want: want, Got: "it is not one: " + err.Error() + "; it begins " + quoteStart(body), Mistake: "body-not-json"}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, &Finding{Rule: rule, Want: want, Got: err.Error(), Mistake: "body-not-json"}
	}
	values := map[string]string{}
	var problems []string
	for _, name := range envelopeFields {
		raw, ok := fields[name]
		if !ok {
			problems = append(problems, "it lacks "+name)
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			problems = append(problems, name+" is not a string")
			continue
		}
		values[name] = s
	}
	var env *envelope.Envelope
	if len(problems) == 0 {
		env = &envelope.Envelope{
			RequestEncryptedValue:        values["requestEncryptedValue"],
			RequestDigitalSignatureValue: values["requestDigitalSignatureValue"],
			FlowID:                       values["flow-id"],
		}
	}
	var unknown []string
	for name := range fields {
		if !slices.Contains(envelopeFields, name) {
			unknown = append(unknown, fmt.Sprintf("%q", name))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		problems = append(problems, "it also has "+strings.Join(unknown, ", "))
	}
	if len(problems) > 0 {
		return env, &Finding{Rule: rule, Want: want, Got: strings.Join(problems, "; "), Mistake: "body-fields"}
	}
	return env, nil
}

// CheckHTTP checks the method, path and Content-Type (spec section 1).
func (in *Inspection) CheckHTTP(endpoint string) error {
	ex := in.Exchange
	var got []string
	if ex.Method != http.MethodPost {
		got = append(got, "the method is "+ex.Method)
	}
	if ex.Path != endpoint {
		got = append(got, fmt.Sprintf("the path is %q", ex.Path))
	}
	if ex.RawQuery != "" {
		got = append(got, fmt.Sprintf("the URL has a query %q", ex.RawQuery))
	}
	if p := contentTypeProblem(ex.Header.Get("Content-Type")); p != "" {
		got = append(got, p)
	}
	if len(got) == 0 {
		return nil
	}
	return &Finding{Rule: "spec 1", Want: fmt.Sprintf("the request must be a POST to %s with Content-Type application/json", endpoint),
		Got: strings.Join(got, "; "), Mistake: "http"}
}

func contentTypeProblem(ct string) string {
	if ct == "" {
		return "it has no Content-Type"
	}
	media, params, err := mime.ParseMediaType(ct)
	if err != nil || media != "application/json" {
		return fmt.Sprintf("its Content-Type is %q", ct)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return fmt.Sprintf("its Content-Type names charset %q (the server refuses any but utf-8)", cs)
	}
	return ""
}

// CheckFields checks the envelope's fields and its outer flow-id.
func (in *Inspection) CheckFields(flowID string) error {
	if in.BodyProblem != nil {
		return in.BodyProblem
	}
	if in.Envelope.FlowID != flowID {
		return &Finding{Rule: "spec 3", Want: fmt.Sprintf("the envelope's flow-id must be %q (KAIROS_FLOW_ID)", flowID),
			Got: fmt.Sprintf("it is %q", in.Envelope.FlowID), Mistake: "flow-id"}
	}
	return nil
}

// checkUpTo fails if the body is no envelope, or if opening failed at or
// before stage (0: any stage).
func (in *Inspection) checkUpTo(stage envelope.Stage) error {
	if in.Envelope == nil {
		return in.BodyProblem
	}
	if d := in.Diagnosis; d != nil && (stage == 0 || d.Stage <= stage) {
		return d
	}
	return nil
}

// CheckBase64 checks that both envelope values are canonical standard base64.
// Hex is valid base64 text, so the strict opening fails later for it: an
// encoding finding fails the check whatever the stage.
func (in *Inspection) CheckBase64() error {
	if err := in.checkUpTo(envelope.StageSignatureValueBase64); err != nil {
		return err
	}
	if d := in.Diagnosis; d != nil {
		for _, f := range d.Findings {
			if strings.HasPrefix(f.Mistake, "encoding-") {
				return d
			}
		}
	}
	return nil
}

// CheckRSA checks the RSA value: modulus length, padding, base64(k) inside.
func (in *Inspection) CheckRSA() error { return in.checkUpTo(envelope.StageKeyEncoding) }

// CheckOpens checks that the envelope opens strictly with the flow's key.
func (in *Inspection) CheckOpens() error { return in.checkUpTo(0) }

// CheckPayload checks that the envelope opens to the bytes of the payload
// file, exactly: spec section 3 step 1 encodes "the payload's JSON bytes".
// When they differ it says what the client did to them.
func (in *Inspection) CheckPayload(file []byte) error {
	if d := in.Diagnosis; d != nil && d.Payload != nil && charsetChange(file, d.Payload) != "" {
		// The client re-encoded the file into something that is not UTF-8:
		// that, not the JSON stage, is the mistake to name.
		return payloadBytesFinding(file, d.Payload, in.Locale)
	}
	if err := in.CheckOpens(); err != nil {
		return err
	}
	if f := payloadBytesFinding(file, in.Opened.Payload, in.Locale); f != nil {
		return f
	}
	return nil
}

// CheckPayloadIfOpened is CheckPayload for a request whose envelope
// opened, and nil for one that did not: every scenario judges the payload
// bytes it can see, while whether the envelope opens is judged by the
// scenarios that ask.
func (in *Inspection) CheckPayloadIfOpened(file []byte) error {
	if in.Opened == nil {
		return nil
	}
	return in.CheckPayload(file)
}

// CheckKeyString checks the key string k: at least MinKeyStringBytes
// bytes, and base64(k) within one RSA block of the profile's padding.
func (in *Inspection) CheckKeyString() error {
	if err := in.CheckOpens(); err != nil {
		return err
	}
	keyB64 := in.Opened.KeyB64
	k, _ := envelope.DecodeStrict(keyB64)
	if limit := in.padding.MaxMessageLen(in.modulusBytes); len(keyB64) > limit {
		return &Finding{Rule: "spec 3 step 6", Want: fmt.Sprintf("base64(k) must fit one RSA block: at most %d bytes with %s", limit, in.padding),
			Got: fmt.Sprintf("it is %d bytes", len(keyB64)), Mistake: "key-too-long"}
	}
	if len(k) < MinKeyStringBytes {
		return &Finding{Rule: "spec 3 step 2", Want: fmt.Sprintf("the key string k must be at least %d random bytes (the pages' 8-character keys can be searched offline)", MinKeyStringBytes),
			Got: fmt.Sprintf("it is %d bytes", len(k)), Mistake: "key-too-short"}
	}
	return nil
}

// CheckKeyFresh checks that no earlier request of the run carried the
// same key string.
func (in *Inspection) CheckKeyFresh() error {
	if err := in.CheckOpens(); err != nil {
		return err
	}
	if in.KeyReusedFrom == "" {
		return nil
	}
	f := KeyReused("this request reuses the key string of an earlier request")
	f.Detail = "first carried by " + in.KeyReusedFrom
	return f
}

// KeyReused is the finding for a key string used twice, got saying where.
func KeyReused(got string) *Finding {
	return &Finding{Rule: "spec 3 step 2", Want: "every request must be sealed with a fresh random key string (with AES-ECB the same key and payload give the same ciphertext)",
		Got: got, Mistake: "key-reused"}
}

// CheckOutput checks that the client printed the body the server sent:
// JSON-equal, surrounding whitespace ignored.
func (in *Inspection) CheckOutput(stdout []byte) error {
	sent := in.Exchange.ResponseBody
	printed := bytes.TrimSpace(stdout)
	if equal, err := jsonEqual(sent, printed); err == nil && equal {
		return nil
	}
	return &Finding{Rule: "client contract", Want: "the client must print the response body the server sent, as it came or as the same JSON re-serialised",
		Got: "it printed something else", Detail: "the server sent " + quoteStart(sent) + "; the client printed " + quoteStart(printed), Mistake: "output-differs"}
}

// jsonEqual compares two JSON texts by value (numbers by their text).
func jsonEqual(a, b []byte) (bool, error) {
	var va, vb any
	for _, x := range []struct {
		data []byte
		v    *any
	}{{a, &va}, {b, &vb}} {
		dec := json.NewDecoder(bytes.NewReader(x.data))
		dec.UseNumber()
		if err := dec.Decode(x.v); err != nil {
			return false, err
		}
		if dec.More() {
			return false, fmt.Errorf("trailing data")
		}
	}
	return reflect.DeepEqual(va, vb), nil
}

// firstDifference says where the sealed payload parts from the file,
// quoting a little of each.
func firstDifference(file, sealed []byte) string {
	i := 0
	for i < len(file) && i < len(sealed) && file[i] == sealed[i] {
		i++
	}
	return fmt.Sprintf("the sealed payload is %d bytes, the file %d; they part at byte %d: the file has %s, the sealed payload %s",
		len(sealed), len(file), i, quoteStart(file[i:]), quoteStart(sealed[i:]))
}

// quoteStart quotes the beginning of b for a message.
func quoteStart(b []byte) string {
	const n = 120
	if len(b) == 0 {
		return "nothing"
	}
	s := b
	if len(s) > n {
		s = s[:n]
		for len(s) > 0 && !utf8.Valid(s) {
			s = s[:len(s)-1]
		}
		return fmt.Sprintf("%q... (%d bytes)", s, len(b))
	}
	return fmt.Sprintf("%q", s)
}
