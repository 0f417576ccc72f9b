package steps

import (
	"context"
	"crypto/rsa"
	"fmt"
	"regexp"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
)

// scenario is everything one scenario remembers, grouped by concern.
// InitializeScenario makes a fresh one per scenario; nothing in it is
// shared. Only send writes sent.
type scenario struct {
	s *Suite

	meta     scenarioMeta
	evidence evidenceLog
	unlock   []func()

	target flowTarget   // the flow under test and the key envelopes are sealed for
	draft  payloadDraft // the create payload being built
	sent   sentLog      // what was sent and what came back: written only by send
	side   sideRequest  // a pull, key pair or encryptdata request being built
	pull   pullState    // calls accepted in this scenario, for the Pull API
	ecb    ecbTamper    // what an ECB scenario did to the ciphertext
	timing *timingRun   // answer times measured by a @timing scenario
	// refused holds what the call budget refused to send in this step.
	refused refusals
	// checks holds the failed checks of [ref] rules a @doc scenario's last
	// step reports (checks.go).
	checks checkLog
}

// scenarioMeta is what the feature file says about the scenario.
type scenarioMeta struct {
	name string
	tags map[string]bool
	// spec is the rule the scenario checks, from its @spec-X.Y tag.
	spec string
}

// evidenceLog is what the current step attaches, and the secrets masked
// out of it.
type evidenceLog struct {
	pending []godog.Attachment
	secrets []string // per-scenario secrets to mask: AES key strings
}

// flowTarget is the flow under test.
type flowTarget struct {
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
	// lock is held on a rotatable flow (see flowlock.go); nil otherwise.
	lock *flowLock
}

// payloadDraft is the create request being built.
type payloadDraft struct {
	payload    *object // the inner payload being built
	rawPayload []byte  // a deliberately broken payload, sent as is
	// header is sent with every later create request of the scenario.
	header map[string]string
}

// sentLog is what the scenario sent and got back. send is its only
// writer, so every step compares against the request actually sent last.
type sentLog struct {
	last    *exchange   // the last request and its answer (of a batch: its last)
	batch   []*exchange // every exchange of a step that sends many requests
	batchOf []string    // what each batch request was
}

// sideRequest is a pull, key pair or encryptdata request being built.
type sideRequest struct {
	body *object
	kind string
	flow profile.Flow
	// aesKey and payload are what an encryptdata request asks to seal.
	aesKey  string
	payload []byte
}

// pullState is what the Pull API scenarios pull.
type pullState struct {
	accepted []acceptedCall
}

// acceptedCall is one call the server accepted.
type acceptedCall struct {
	clientID, uuid, requestID string
}

var specTag = regexp.MustCompile(`^@spec-(\d+(?:\.\d+)?)$`)

func (st *scenario) before(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	st.meta.name = sc.Name
	if len(sc.Steps) > 0 {
		st.checks.last = sc.Steps[len(sc.Steps)-1].Id
	}
	st.meta.tags = map[string]bool{}
	for _, t := range sc.Tags {
		st.meta.tags[t.Name] = true
		if m := specTag.FindStringSubmatch(t.Name); m != nil && st.meta.spec == "" {
			st.meta.spec = m[1]
		}
	}
	if err := cancelled(ctx); err != nil {
		// Not started: a skip, not a failure (nothing was judged, and godog
		// lists no failed step for it). The reports, knowing the run was
		// interrupted or stopped, call it "not run".
		return ctx, fmt.Errorf("%w: %v", godog.ErrSkip, err)
	}
	ctx = st.withRefusals(ctx)
	// Alone: a scenario that moves the clock (only where it can move: an
	// in-process server, the one that offers AdvanceClock; elsewhere it is
	// skipped, and must not stall the others while it is), and one that
	// measures answer times, so that the other scenarios' load does not
	// hide a difference. Against a separate server the @timing scenarios
	// are alone together (their rounds in flight keep that short: timing.go);
	// against an in-process one each alone, one round at a time, since
	// there they share the CPUs with the server they measure.
	inProcess := st.s.cfg.AdvanceClock != nil
	switch {
	case inProcess && (st.meta.tags["@clock"] || st.meta.tags["@timing"]):
		st.s.exclusive.Lock()
		st.unlock = append(st.unlock, st.s.exclusive.Unlock)
	case st.meta.tags["@timing"]:
		st.s.measuring.join()
		st.unlock = append(st.unlock, st.s.measuring.leave)
	default:
		st.s.exclusive.RLock()
		st.unlock = append(st.unlock, st.s.exclusive.RUnlock)
	}
	return ctx, nil
}

func (st *scenario) after(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
	for i := len(st.unlock) - 1; i >= 0; i-- {
		st.unlock[i]()
	}
	st.release()
	return ctx, nil
}

// afterStep moves the attachments a step collected into the Cucumber JSON.
// It returns no error of its own but for two (godog would join it to the
// step's): a step one of whose requests the call budget refused is skipped
// with the reason, and the last step of a @doc scenario whose checks of
// [ref] rules failed earlier fails with them (checks.go).
func (st *scenario) afterStep(ctx context.Context, _ *godog.Step, status godog.StepResultStatus, _ error) (context.Context, error) {
	err := st.refusedStep()
	if err == nil && status == godog.StepPassed {
		err = st.deferredFailure()
	}
	if len(st.evidence.pending) > 0 {
		ctx = godog.Attach(ctx, st.evidence.pending...)
		st.evidence.pending = nil
	}
	return ctx, err
}

// attach queues evidence for the current step, masked and kept small.
func (st *scenario) attach(name, body string) {
	st.evidence.pending = append(st.evidence.pending, godog.Attachment{
		FileName:  name,
		MediaType: "text/plain",
		Body:      []byte(st.evidenceText(body)),
	})
}

// skip ends the scenario as skipped, with the reason in the report.
func (st *scenario) skip(format string, args ...any) error {
	reason := st.mask(fmt.Sprintf(format, args...))
	st.evidence.pending = append(st.evidence.pending, godog.Attachment{FileName: evidence.AttachSkipReason, MediaType: "text/plain", Body: []byte(reason)})
	return fmt.Errorf("%w: %s", godog.ErrSkip, reason)
}

// mask applies the run's redaction and this scenario's secrets.
func (st *scenario) mask(s string) string { return st.s.redact.With(st.evidence.secrets...).String(s) }

// addSecret registers a per-scenario secret (an AES key string).
func (st *scenario) addSecret(s string) {
	if s != "" {
		st.evidence.secrets = append(st.evidence.secrets, s)
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
	if st.target.role == "" {
		return stepError("no flow chosen: start the scenario with a flow, e.g. \"Given a healthy multicast flow\"")
	}
	return nil
}
