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
func (in *Inspection) CheckBase64() error { return in.checkUpTo(envelope.StageSignatureValueBase64) }

// CheckRSA checks the RSA value: modulus length, padding, base64(k) inside.
func (in *Inspection) CheckRSA() error { return in.checkUpTo(envelope.StageKeyEncoding) }

// CheckOpens checks that the envelope opens strictly with the flow's key.
func (in *Inspection) CheckOpens() error { return in.checkUpTo(0) }

// CheckPayload compares the opened payload with the one the client was
// given: JSON-equal, or byte for byte when exact.
func (in *Inspection) CheckPayload(given []byte, exact bool) error {
	if err := in.CheckOpens(); err != nil {
		return err
	}
	got := in.Opened.Payload
	if exact {
		if bytes.Equal(got, given) {
			return nil
		}
		return &Finding{Rule: "spec 3 step 1", Want: "the client must seal the bytes of KAIROS_PAYLOAD_FILE exactly as they are",
			Got: "it sealed different bytes: " + firstDifference(given, got), Mistake: "payload-bytes"}
	}
	if equal, err := jsonEqual(given, got); err == nil && equal {
		return nil
	}
	return &Finding{Rule: "spec 2", Want: "the sealed payload must be the JSON of KAIROS_PAYLOAD_FILE (JSON-equal)",
		Got: "it is different JSON: " + firstDifference(given, got), Mistake: "payload-json-differs"}
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
	return KeyReused("this request reuses the key string of " + in.KeyReusedFrom)
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
	return &Finding{Rule: "client contract", Want: "the client must print the response body the server sent: " + quoteStart(sent),
		Got: "it printed " + quoteStart(printed), Mistake: "output-differs"}
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

// firstDifference says where two byte strings part, quoting a little of each.
func firstDifference(want, got []byte) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	return fmt.Sprintf("%d bytes, want %d; they differ from byte %d: want %s, got %s",
		len(got), len(want), i, quoteStart(want[i:]), quoteStart(got[i:]))
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
