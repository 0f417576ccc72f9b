package steps

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// send is the one way a step sends a request: it makes the exchange,
// records it as what the scenario sent and got back (st.sent has no other
// writer) and attaches it as evidence.
func (st *scenario) send(ctx context.Context, o outgoing) *exchange {
	return st.sendBatch(ctx, []outgoing{o}, inTurn)[0]
}

// batchMode is how a batch of requests goes out.
type batchMode int

const (
	// inTurn sends one request after the other's answer: for
	// measurements that must not overlap.
	inTurn batchMode = iota
	// atOnce releases every request at the same moment: a race the
	// server must win (identical envelopes, one accepted).
	atOnce
	// overlapped keeps up to batchInFlight requests in flight, so that a
	// long batch of independent requests costs a few round trips to a
	// far-away target instead of one per request.
	overlapped
)

// batchInFlight bounds an overlapped batch: enough to hide a round trip,
// few enough to be polite to a real server (the run's pacing applies
// besides).
const batchInFlight = 8

// sendBatch sends requests as mode says and records them all; the last one
// is then the scenario's last exchange. A batch of more than one attaches
// no evidence of its own: its step attaches a summary.
func (st *scenario) sendBatch(ctx context.Context, reqs []outgoing, mode batchMode) []*exchange {
	xs := make([]*exchange, len(reqs))
	roundTrip := st.s.roundTrip
	if len(reqs) > 1 {
		roundTrip = st.s.batchRoundTrip // large answers shed once read
	}
	switch mode {
	case atOnce:
		// The batch reserves its calls together, so that the budget
		// cannot turn a race into a queue; each answer settles its part.
		n := 0
		for _, o := range reqs {
			n += callsIn(o)
		}
		group, err := st.s.reserve(ctx, n)
		if err != nil {
			for i := range reqs {
				xs[i] = newExchange(reqs[i])
				xs[i].err = err
			}
			break
		}
		for i := range reqs {
			reqs[i].reserved = group.Take(callsIn(reqs[i]))
		}
		defer group.Settle(0) // nothing left in it: every call was taken
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range reqs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				xs[i] = roundTrip(ctx, reqs[i])
			}()
		}
		close(start)
		wg.Wait()
	case overlapped:
		slots := make(chan struct{}, batchInFlight)
		var wg sync.WaitGroup
		for i := range reqs {
			wg.Add(1)
			slots <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				xs[i] = roundTrip(ctx, reqs[i])
			}()
		}
		wg.Wait()
	default:
		for i := range reqs {
			xs[i] = roundTrip(ctx, reqs[i])
		}
	}
	st.record(reqs, xs)
	return xs
}

// record makes xs what the scenario sent and got back: the last one is its
// last exchange; one alone is attached, a batch is kept for its step's
// summary.
func (st *scenario) record(reqs []outgoing, xs []*exchange) {
	st.sent = sentLog{last: xs[len(xs)-1]}
	if len(xs) == 1 {
		st.attachExchange(xs[0])
		return
	}
	st.sent.batch = xs
	for _, o := range reqs {
		st.sent.batchOf = append(st.sent.batchOf, o.label)
	}
}

func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// sealTarget is the flow id and key an envelope is addressed to.
func (st *scenario) sealTarget() (string, *rsa.PublicKey) {
	if st.target.envTo != nil {
		return st.target.envTo.FlowID, st.target.envTo.PublicKey
	}
	return st.target.flow.FlowID, st.target.pub
}

// seal seals payload for the scenario's flow with a fresh AES key string
// and the profile's RSA padding; the key string is masked from then on.
func (st *scenario) seal(payload []byte, opts *envelope.SealOptions) (*envelope.Sealed, error) {
	flowID, pub := st.sealTarget()
	if pub == nil {
		return nil, stepError("the profile gives no public key for %s", st.target.role)
	}
	if opts == nil {
		opts = &envelope.SealOptions{Padding: st.knobs().RSAPadding}
	}
	s, err := envelope.SealDetailed(payload, flowID, pub, opts)
	if err != nil {
		return nil, fmt.Errorf("the harness could not seal the payload: %w", err)
	}
	st.addSecret(s.Key)
	st.addSecret(encodeB64([]byte(s.Key)))
	return s, nil
}

// envelopeBody is the JSON body of an encrypted request.
func envelopeBody(env *envelope.Envelope) []byte {
	b, _ := json.Marshal(env)
	return b
}

// createRequest is the request that sends payload to a create endpoint of
// kind: sealed (with a fresh AES key) when encrypted, as the body when plain.
func (st *scenario) createRequest(payload []byte, encrypted bool, kind string) (outgoing, error) {
	o := outgoing{path: protocol.CreatePath(kind, encrypted), payload: payload, encrypted: encrypted}
	if !encrypted {
		o.body = payload
		return o, nil
	}
	s, err := st.seal(payload, nil)
	if err != nil {
		return o, err
	}
	o.body, o.sealed = envelopeBody(&s.Envelope), s
	return o, nil
}

func (st *scenario) registerSendSteps(sc stepRegistry) {
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint( of the other kind)?$`, st.sendPayload)
	sc.Step(`^the payload is (?:sealed and )?sent to the (encrypted|plain) endpoint with the header "([^":]+): ([^"]*)"$`, st.sendWithHeader)
	sc.Step(`^a new payload is sealed for the (new|previous) key and sent$`, st.sendForKey)
}

func (st *scenario) sendPayload(ctx context.Context, endpoint, ofOtherKind string) error {
	if err := st.needFlow(); err != nil {
		return err
	}
	kind := st.target.kind
	if ofOtherKind != "" {
		kind = otherKind(kind)
	}
	payload, err := st.payloadBytes()
	if err != nil {
		return err
	}
	return st.sendCreate(ctx, payload, endpoint == "encrypted", kind)
}

func (st *scenario) sendWithHeader(ctx context.Context, endpoint, name, value string) error {
	if st.draft.header == nil {
		st.draft.header = map[string]string{}
	}
	st.draft.header[name] = value
	return st.sendPayload(ctx, endpoint, "")
}

// sendCreate sends payload to a create endpoint, sealed if encrypted, with
// the headers the scenario added.
func (st *scenario) sendCreate(ctx context.Context, payload []byte, encrypted bool, kind string) error {
	if err := cancelled(ctx); err != nil {
		return err
	}
	o, err := st.createRequest(payload, encrypted, kind)
	if err != nil {
		return err
	}
	o.header = st.draft.header
	st.send(ctx, o)
	return nil
}

// sendForKey sends a fresh payload (new client-identifiers) sealed for the
// key the scenario's generateKeyPair returned, or the one before it.
func (st *scenario) sendForKey(ctx context.Context, which string) error {
	if st.target.prevPub == nil {
		return stepError("no key rotation yet in this scenario: rotate the flow's key pair first")
	}
	if err := st.refreshClientIDs(); err != nil {
		return err
	}
	saved := st.target.pub
	if which == "previous" {
		st.target.pub = st.target.prevPub
	}
	defer func() { st.target.pub = saved }()
	payload, err := st.payloadBytes()
	if err != nil {
		return err
	}
	return st.sendCreate(ctx, payload, true, st.target.kind)
}

// sentCalls are the client-identifiers of the last request sent, in order.
func (st *scenario) sentCalls() []string {
	if st.sent.last == nil {
		return nil
	}
	return st.sent.last.calls
}
