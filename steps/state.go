package steps

import (
	"context"
	"crypto/rsa"
	"fmt"
	"regexp"
	"strings"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
)

// scenario is everything one scenario remembers. InitializeScenario makes
// a fresh one per scenario; nothing in it is shared.
type scenario struct {
	s *Suite

	name string
	tags map[string]bool
	// spec is the rule the scenario checks, from its @spec-X.Y tag.
	spec string

	pending []godog.Attachment
	secrets []string // per-scenario secrets to mask: AES key strings
	unlock  []func()

	// The flow under test.
	role string
	kind string
	flow profile.Flow
	// pub is the key envelopes are sealed for: the flow's, or the one the
	// scenario's own generateKeyPair call returned.
	pub     *rsa.PublicKey
	prevPub *rsa.PublicKey
	// envTo, when set, addresses the envelope to another flow (outer
	// flow-id and key) than the one the payload names.
	envTo *profile.Flow
	// extraHeader is sent with the next create request.
	extraHeader map[string]string

	payload    *object // the inner payload being built
	rawPayload []byte  // a deliberately broken payload, sent as is

	// What the last create request carried.
	sentPayload []byte
	sentCalls   []string // client-identifiers in request order
	sentPlain   bool
	sealed      *envelope.Sealed
	sentBody    []byte
	sentPath    string

	last    *exchange
	batch   []*exchange // responses of a step that sends many requests
	batchOf []string    // what each batch request was

	accepted []acceptedCall // calls accepted in this scenario, for the Pull API

	req     *object // a pull, key pair or encryptdata request being built
	reqKind string
	aesKey  string // the key string of the last encryptdata request
	reqFlow profile.Flow

	ecbT *ecbTamper // what an ECB scenario did to the ciphertext
}

// acceptedCall is one call the server accepted.
type acceptedCall struct {
	clientID, uuid, requestID string
	flowRole                  string
}

var specTag = regexp.MustCompile(`^@spec-(\d+(?:\.\d+)?)$`)

func (st *scenario) before(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	st.name = sc.Name
	st.tags = map[string]bool{}
	for _, t := range sc.Tags {
		st.tags[t.Name] = true
		if m := specTag.FindStringSubmatch(t.Name); m != nil && st.spec == "" {
			st.spec = m[1]
		}
	}
	if err := cancelled(ctx); err != nil {
		return ctx, err
	}
	if st.tags["@clock"] {
		st.s.exclusive.Lock()
		st.unlock = append(st.unlock, st.s.exclusive.Unlock)
	} else {
		st.s.exclusive.RLock()
		st.unlock = append(st.unlock, st.s.exclusive.RUnlock)
	}
	return ctx, nil
}

func (st *scenario) after(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
	for i := len(st.unlock) - 1; i >= 0; i-- {
		st.unlock[i]()
	}
	st.unlock = nil
	return ctx, nil
}

// afterStep moves the attachments a step collected into the Cucumber JSON.
// It returns no error of its own: godog would join it to the step's.
func (st *scenario) afterStep(ctx context.Context, _ *godog.Step, _ godog.StepResultStatus, _ error) (context.Context, error) {
	if len(st.pending) > 0 {
		ctx = godog.Attach(ctx, st.pending...)
		st.pending = nil
	}
	return ctx, nil
}

// attach queues evidence for the current step, masked and kept small.
func (st *scenario) attach(name, body string) {
	st.pending = append(st.pending, godog.Attachment{
		FileName:  name,
		MediaType: "text/plain",
		Body:      []byte(truncate(st.mask(body), maxAttachment)),
	})
}

// skip ends the scenario as skipped, with the reason in the report.
func (st *scenario) skip(format string, args ...any) error {
	reason := st.mask(fmt.Sprintf(format, args...))
	st.pending = append(st.pending, godog.Attachment{FileName: "skip-reason", MediaType: "text/plain", Body: []byte(reason)})
	return fmt.Errorf("%w: %s", godog.ErrSkip, reason)
}

// mask applies the run's redaction and this scenario's secrets.
func (st *scenario) mask(s string) string { return st.s.redact.With(st.secrets...).String(s) }

// addSecret registers a per-scenario secret (an AES key string).
func (st *scenario) addSecret(s string) {
	if s != "" {
		st.secrets = append(st.secrets, s)
	}
}

// knobs are the target's section-7 settings.
func (st *scenario) knobs() profile.Knobs { return st.s.prof.Knobs }

// stepError is an error in a step's own use (a feature file bug), not a
// finding about the server.
func stepError(format string, args ...any) error {
	return fmt.Errorf("step misuse (fix the feature file): "+format, args...)
}

// needFlow returns the step's error if no flow was chosen yet.
func (st *scenario) needFlow() error {
	if st.role == "" {
		return stepError("no flow chosen: start the scenario with a flow, e.g. \"Given a healthy multicast flow\"")
	}
	return nil
}

// lines joins the non-empty lines.
func lines(ls ...string) string {
	var out []string
	for _, l := range ls {
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
