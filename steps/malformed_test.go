package steps

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/fixtures"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

// testScenario is a scenario on the TEST ONLY healthy multicast flow (its
// private key returned), the healthy dialer flow being "another flow", with
// a one-call payload.
func testScenario(t *testing.T) (*scenario, *rsa.PrivateKey) {
	t.Helper()
	flows := map[string]profile.Flow{}
	var own *rsa.PrivateKey
	for role, id := range map[string]string{"healthy-multicast": "HealthM1", "healthy-dialer": "HealthD1"} {
		data, err := fs.ReadFile(fixtures.FS, "keys/"+id+"_private.key")
		if err != nil {
			t.Fatal(err)
		}
		priv, err := envelope.ParsePrivateKeyPEM(data)
		if err != nil {
			t.Fatal(err)
		}
		if role == "healthy-multicast" {
			own = priv
		}
		flows[role] = profile.Flow{FlowID: id, SecurityID: strings.Repeat("ab", 32), PublicKey: &priv.PublicKey}
	}
	p := &profile.Profile{Flows: flows, Knobs: profile.Defaults(), Phones: profile.Phones{Whitelisted: []string{"7016225597"}}}
	templates, err := loadTemplates(fixtures.FS)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := newIDSource("")
	if err != nil {
		t.Fatal(err)
	}
	s := &Suite{prof: p, templates: templates, ids: ids, now: time.Now, redact: newRedactor(false, p)}
	st := &scenario{s: s}
	if err := st.givenFlow("a healthy multicast flow"); err != nil {
		t.Fatal(err)
	}
	if err := st.newPayload(1, "whitelisted"); err != nil {
		t.Fatal(err)
	}
	return st, own
}

// strictOpen is how a strict server opens a body (rules 5.1, 5.4): one
// JSON object whose three fields are strings by their exact names, the
// flow's flow-id, opening strictly to one strict JSON object.
func strictOpen(body []byte, flowID string, priv *rsa.PrivateKey) error {
	if err := strictjson.CheckObject(body); err != nil {
		return err
	}
	var fields map[string]any
	if err := json.Unmarshal(body, &fields); err != nil {
		return err
	}
	var env envelope.Envelope
	for name, dst := range map[string]*string{"requestEncryptedValue": &env.RequestEncryptedValue, "requestDigitalSignatureValue": &env.RequestDigitalSignatureValue, "flow-id": &env.FlowID} {
		v, ok := fields[name].(string)
		if !ok {
			return &fieldError{name}
		}
		*dst = v
	}
	if env.FlowID != flowID {
		return &fieldError{"flow-id"}
	}
	_, err := envelope.Open(&env, priv, envelope.PKCS1v15)
	return err
}

type fieldError struct{ name string }

func (e *fieldError) Error() string { return e.name + " missing, not a string or not the flow's" }

// samplePhrase is a phrase for each malformation: its own, or for a
// pattern one the feature files use.
func samplePhrase(t *testing.T, m malformation) string {
	if m.phrase != "" {
		return m.phrase
	}
	samples := []string{
		"bit 7 of byte 3 of requestEncryptedValue flipped",
		"bit 0 of the last byte of requestDigitalSignatureValue flipped",
		"requestEncryptedValue cut short by 5 bytes",
		"a PKCS#5 padding length of 17",
		`the field name "RequestEncryptedValue" instead of "requestEncryptedValue"`,
		`the field name "requestdigitalsignaturevalue" instead of "requestDigitalSignatureValue"`,
		`the field name "flowId" instead of "flow-id"`,
		"an RSA block with a zero at padding byte 8",
		"an RSA block whose padding string is 5 bytes long",
	}
	re := regexp.MustCompile("^" + m.expr() + "$")
	for _, s := range samples {
		if re.MatchString(s) {
			return s
		}
	}
	t.Fatalf("no sample phrase for the pattern %s", m.pattern)
	return ""
}

// TestEveryEnvelopeMalformationIsRefused builds every malformation the way
// its step does and checks that (1) its phrase selects it and no other, as
// godog would (no ambiguity), and (2) a strict server refuses the body
// while it opens the valid envelope of the same payload: no builder can
// silently send something valid (as an unknown phrase once sealed an
// empty plaintext).
func TestEveryEnvelopeMalformationIsRefused(t *testing.T) {
	st, priv := testScenario(t)
	payload, err := st.payloadBytes()
	if err != nil {
		t.Fatal(err)
	}
	valid, err := st.createRequest(payload, true, st.target.kind)
	if err != nil {
		t.Fatal(err)
	}
	if err := strictOpen(valid.body, "HealthM1", priv); err != nil {
		t.Fatalf("the valid envelope does not open: %v", err)
	}
	for _, m := range envelopeMalformations {
		phrase := samplePhrase(t, m)
		var matches int
		for _, re := range envelopeMalformationREs {
			if re.MatchString(phrase) {
				matches++
			}
		}
		if matches != 1 {
			t.Errorf("%q matches %d malformations, want 1", phrase, matches)
		}
		found, args, err := findEnvelopeMalformation(phrase)
		if err != nil {
			t.Errorf("%q: %v", phrase, err)
			continue
		}
		o, err := st.malformed(found, args, true, phrase)
		if err != nil {
			if errors.Is(err, godog.ErrSkip) {
				continue // the padding the target itself uses
			}
			t.Errorf("%q: %v", phrase, err)
			continue
		}
		if err := strictOpen(o.body, "HealthM1", priv); err == nil {
			t.Errorf("%q: a strict server opens the malformed body", phrase)
		}
	}
}

// TestUnknownMalformationIsAnError: a table row no malformation matches
// fails the step rather than sending something.
func TestUnknownMalformationIsAnError(t *testing.T) {
	for _, phrase := range []string{"", "a sealed payload that is not JSON", "bit 8 of byte 0 of requestEncryptedValue flipped", "an empty flow-id"} {
		if _, _, err := findEnvelopeMalformation(phrase); err == nil || !strings.Contains(err.Error(), "no malformation") {
			t.Errorf("%q: %v", phrase, err)
		}
	}
}

// TestPlainMalformationsAreNotOneStrictObject checks every plain builder
// makes a body that is not one strict JSON object (rule 5.1).
func TestPlainMalformationsAreNotOneStrictObject(t *testing.T) {
	st, _ := testScenario(t)
	for _, m := range plainMalformations {
		o, err := st.malformed(m, nil, false, m.phrase)
		if err != nil {
			t.Errorf("%q: %v", m.phrase, err)
			continue
		}
		if err := strictjson.CheckObject(o.body); err == nil {
			t.Errorf("%q: the body is one strict JSON object: %s", m.phrase, o.body)
		}
	}
}
