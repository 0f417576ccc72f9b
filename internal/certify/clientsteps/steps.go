// Package clientsteps is the Go behind features/client: the scenarios that
// certify a vendor's Kairos client. The harness plays the server (a
// certify.Session per scenario); the steps say what the client must send,
// run it, and judge what arrived with the certify package's checks, whose
// errors name the rule, what it requires and what the client did.
//
// Each scenario's state is made in the scenario initializer; what spans the
// run (the key strings seen, the verdicts) lives in a certify.Run.
package clientsteps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/certify"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// scenario is one scenario's state.
type scenario struct {
	run  *certify.Run
	sess *certify.Session
	// skipReason says why the scenario was skipped (an RSA padding the
	// vendor did not declare); notRerun marks a scenario of the locale
	// pass whose payload is ASCII only: not a scenario of that pass.
	skipReason string
	notRerun   bool
}

// step is one step definition: a godog expression and its handler.
type step struct {
	expr    string
	handler any
}

// register gives sc the client vocabulary, bound to this scenario.
func (s *scenario) register(sc *godog.ScenarioContext) {
	for _, st := range s.vocabulary() {
		sc.Step(st.expr, st.handler)
	}
}

// vocabulary is every step of features/client, bound to this scenario.
func (s *scenario) vocabulary() []step {
	return []step{
		{`^the client must send a payload with (\d+) calls? for the "([a-z-]+)" flow$`, s.payloadWithCalls},
		{`^the client must send a payload with unicode flow variables for the "([a-z-]+)" flow$`, s.unicodePayload},
		{`^the client must send the published vector's payload for the "([a-z-]+)" flow$`, s.vectorPayload},
		{`^the client must send a TEST-mode payload for the "([a-z-]+)" flow$`, s.testModePayload},
		{`^the client must send a payload formatted "([a-z-]+)" for the "([a-z-]+)" flow$`, s.formattedPayload},
		{`^the server answers with code (\d+)$`, s.serverAnswers},
		{`^the server answers with HTTP (\d+) and code (\d+)$`, s.serverAnswersHTTP},
		{`^the server expects the RSA padding "([a-z0-9-]+)"$`, s.expectPadding},
		{`^the client is given a fractional KAIROS_TIMEOUT_SECONDS$`, func() error { s.sess.UseFractionalTimeout(); return nil }},

		{`^the client sends it$`, func(ctx context.Context) error { return s.send(ctx, 1) }},
		{`^the client sends it (\d+) times$`, s.send},

		{`^exactly one request arrived per run of the client$`, func() error { return s.each(nil) }},
		{`^it was a POST to the flow's endpoint with Content-Type application/json$`, func() error {
			return s.each(func(in *certify.Inspection) error { return in.CheckHTTP(s.sess.Endpoint) })
		}},
		{`^it was a POST to "([^"]*)"$`, func(path string) error {
			return s.each(func(in *certify.Inspection) error { return in.CheckHTTP(path) })
		}},
		{`^its body has exactly the fields requestEncryptedValue, requestDigitalSignatureValue and flow-id$`, func() error {
			return s.each(func(in *certify.Inspection) error {
				if in.BodyProblem != nil {
					return in.BodyProblem
				}
				return nil
			})
		}},
		{`^its flow-id is the flow's id$`, func() error {
			return s.each(func(in *certify.Inspection) error { return in.CheckFields(s.sess.Flow.FlowID) })
		}},
		{`^both envelope values are canonical standard base64$`, func() error {
			return s.each((*certify.Inspection).CheckBase64)
		}},
		{`^the RSA value is exactly the modulus length and opens with (?:the profile's|that) padding$`, func() error {
			return s.each((*certify.Inspection).CheckRSA)
		}},
		{`^the envelope opens with the flow's private key$`, func() error {
			return s.each((*certify.Inspection).CheckOpens)
		}},
		{`^the opened payload is byte for byte the payload given$`, func() error {
			return s.each(func(in *certify.Inspection) error { return in.CheckPayload(s.sess.Payload) })
		}},
		{`^the key string is at least 16 bytes and its base64 fits the RSA limit$`, func() error {
			return s.each((*certify.Inspection).CheckKeyString)
		}},
		{`^the client sent a valid envelope for the payload(?: each time)?$`, s.validEnvelope},
		{`^no two requests of this scenario carried the same key string$`, s.distinctKeys},
		{`^no two requests carried the same requestEncryptedValue$`, s.distinctCiphertexts},
		{`^the client printed the body the server sent$`, s.printedBody},
		{`^the body it printed says (\d+) ([A-Z_]+)$`, s.printedCode},
	}
}

func (s *scenario) ask(role string, build func(flow profile.Flow, p *profile.Profile) []byte) error {
	p := s.run.Config().Profile
	flow, err := p.Flow(role)
	if err != nil {
		return err
	}
	if len(p.Phones.Whitelisted) == 0 {
		return errors.New("the profile lists no phones.whitelisted number: the payloads a client is given call one")
	}
	payload := build(flow, p)
	if s.sess.Locale != "" && isASCII(payload) {
		s.notRerun = true
		return fmt.Errorf("%w: an ASCII payload is the same bytes under every locale", godog.ErrSkip)
	}
	return s.sess.Ask(role, payload)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c > 0x7f {
			return false
		}
	}
	return true
}

// spec is a payload for flow with the profile's first whitelisted phone
// (ask checks there is one) and a unique prefix for client-identifiers, so
// the server never sees a repeat across scenarios.
func (s *scenario) spec(flow profile.Flow, p *profile.Profile, calls int) certify.PayloadSpec {
	return certify.PayloadSpec{
		APIVersion: "1.0", SecurityID: flow.SecurityID, FlowID: flow.FlowID, Calls: calls, Phone: p.Phones.Whitelisted[0],
		IDPrefix: s.sess.ID(), Start: certify.TomorrowMorning(s.run.Config().Now()),
	}
}

func (s *scenario) payloadWithCalls(calls int, role string) error {
	return s.ask(role, func(flow profile.Flow, p *profile.Profile) []byte { return s.spec(flow, p, calls).Build() })
}

func (s *scenario) unicodePayload(role string) error {
	return s.ask(role, func(flow profile.Flow, p *profile.Profile) []byte {
		spec := s.spec(flow, p, 1)
		spec.Vars = certify.UnicodeVars()
		return spec.Build()
	})
}

func (s *scenario) vectorPayload(role string) error {
	return s.ask(role, func(profile.Flow, *profile.Profile) []byte { return []byte(certify.PublishedVectorPayload) })
}

func (s *scenario) formattedPayload(format, role string) error {
	var err error
	askErr := s.ask(role, func(flow profile.Flow, p *profile.Profile) []byte {
		spec := s.spec(flow, p, 1)
		spec.Vars = certify.UnicodeVars()
		var payload []byte
		payload, err = spec.Format(certify.PayloadFormat(format))
		return payload
	})
	if err != nil {
		return fmt.Errorf("the feature is wrong: %w", err)
	}
	return askErr
}

func (s *scenario) testModePayload(role string) error {
	return s.ask(role, func(flow profile.Flow, p *profile.Profile) []byte {
		spec := s.spec(flow, p, 1)
		spec.APIVersion = "TEST"
		return spec.Build()
	})
}

func (s *scenario) serverAnswers(n int) error {
	code := protocol.Code(n)
	if !code.Valid() {
		return fmt.Errorf("%d is not one of the 22 Kairos codes", n)
	}
	s.sess.Force(code)
	return nil
}

// serverAnswersHTTP forces an HTTP-level refusal: the statuses the spec
// gives for a wrong path, method, size or content type (section 4).
func (s *scenario) serverAnswersHTTP(status, n int) error {
	code := protocol.Code(n)
	if !code.Valid() || status < 400 || status > 599 {
		return fmt.Errorf("the feature is wrong: HTTP %d with code %d", status, n)
	}
	s.sess.ForceHTTP(status, code)
	return nil
}

// expectPadding asks for an RSA padding; one the vendor did not declare
// skips the scenario.
func (s *scenario) expectPadding(name string) error {
	p, err := envelope.ParsePadding(name)
	if err != nil {
		return fmt.Errorf("the feature is wrong: %w", err)
	}
	if err := s.sess.UsePadding(p); errors.Is(err, certify.ErrPaddingNotDeclared) {
		s.skipReason = fmt.Sprintf("the vendor did not declare %s (runner certify-client --rsa-paddings pkcs1v15,%s): optional, so not certified", name, name)
		return fmt.Errorf("%w: %s", godog.ErrSkip, s.skipReason)
	} else if err != nil {
		return err
	}
	return nil
}

// send runs the client n times, stopping at the first run that breaks the
// contract (hung, crashed, printed garbage).
func (s *scenario) send(ctx context.Context, n int) error {
	for i := 0; i < n; i++ {
		a, err := s.sess.Send(ctx)
		if err != nil {
			return err
		}
		if err := a.ClientProblem(); err != nil {
			return s.prefix(a, err)
		}
	}
	return nil
}

func (s *scenario) prefix(a *certify.Attempt, err error) error {
	if len(s.sess.Attempts) > 1 {
		return fmt.Errorf("run %d of the client: %w", a.N, err)
	}
	return err
}

// each checks that every run of the client sent exactly one request, then
// applies check (if any) to each.
func (s *scenario) each(check func(*certify.Inspection) error) error {
	if len(s.sess.Attempts) == 0 {
		return errors.New("the client was not run: a When step must send")
	}
	for _, a := range s.sess.Attempts {
		if n := len(a.Inspections); n != 1 {
			return s.prefix(a, &certify.Finding{Rule: "client contract", Want: "each run of the client must send exactly one request",
				Got: fmt.Sprintf("the server received %d", n), Mistake: "request-count"})
		}
		if check != nil {
			if err := check(a.Inspections[0]); err != nil {
				return s.prefix(a, err)
			}
		}
	}
	return nil
}

func (s *scenario) validEnvelope() error {
	return s.each(func(in *certify.Inspection) error {
		for _, check := range []func() error{
			func() error { return in.CheckHTTP(s.sess.Endpoint) },
			func() error { return in.CheckFields(s.sess.Flow.FlowID) },
			in.CheckOpens,
			func() error { return in.CheckPayload(s.sess.Payload) },
			in.CheckKeyString,
			in.CheckKeyFresh,
		} {
			if err := check(); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *scenario) distinctKeys() error {
	seen := map[string]int{}
	return s.each(func(in *certify.Inspection) error {
		if err := in.CheckOpens(); err != nil {
			return err
		}
		n := len(seen) + 1
		if first, ok := seen[in.Opened.KeyB64]; ok {
			return certify.KeyReused(fmt.Sprintf("request %d carried the same key string as request %d", n, first))
		}
		seen[in.Opened.KeyB64] = n
		return nil
	})
}

func (s *scenario) distinctCiphertexts() error {
	seen := map[string]int{}
	return s.each(func(in *certify.Inspection) error {
		if in.Envelope == nil {
			return in.BodyProblem
		}
		n := len(seen) + 1
		if first, ok := seen[in.Envelope.RequestEncryptedValue]; ok {
			return certify.KeyReused(fmt.Sprintf("requests %d and %d carried the same requestEncryptedValue: the same key string sealed the same payload", first, n))
		}
		seen[in.Envelope.RequestEncryptedValue] = n
		return nil
	})
}

func (s *scenario) printedBody() error {
	if err := s.each(nil); err != nil {
		return err
	}
	for _, a := range s.sess.Attempts {
		if err := a.Inspections[0].CheckOutput(a.Exec.Stdout); err != nil {
			return s.prefix(a, err)
		}
	}
	return nil
}

func (s *scenario) printedCode(n int, name string) error {
	code := protocol.Code(n)
	if code.Name() != name {
		return fmt.Errorf("the feature is wrong: %d is %s, not %s", n, code.Name(), name)
	}
	for _, a := range s.sess.Attempts {
		var body struct {
			Code    json.Number `json:"api-response-code"`
			Message string      `json:"api-response-message"`
		}
		if err := json.Unmarshal(a.Exec.Stdout, &body); err != nil || body.Code.String() != strconv.Itoa(n) || body.Message != code.Message() {
			return s.prefix(a, &certify.Finding{Rule: "spec 4", Want: fmt.Sprintf("the client must report the server's answer: api-response-code %d, api-response-message %q", n, code.Message()),
				Got: fmt.Sprintf("it reported api-response-code %q, api-response-message %q", body.Code, body.Message), Mistake: "output-differs"})
		}
	}
	return nil
}
