package steps

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/timing"
)

// Timing uniformity (rule 5.4): an envelope that fails at the RSA padding,
// one that fails after RSA (its AES padding) and one that fails after AES
// (its payload JSON) must be answered in times that do not tell the stages
// apart, or the clock is the Bleichenbacher oracle the identical body
// avoided. The classes are sent in rounds: one envelope of each, one
// after another in an order drawn for the round, so that a drift of the
// load (the machine's, the network's, the server's) meets all three alike.
// Every pair of classes is compared by internal/timing's finding rule (a
// Mann-Whitney test plus an effect-size floor, so a noisy machine is never
// a finding). They run without the other scenarios (state.go): against a
// separate server both together, with rounds in flight; against an
// in-process one each alone, one round at a time.

// timingRoundsInFlight is the most rounds in flight at once against a
// separate server (sendRounds' window adapts below it): enough that
// against a far-away target the rounds cost a few round trips each in all,
// not three each. Against an in-process server, one.
const timingRoundsInFlight = 8

// timingWarmupRounds are sent first and not counted: the first requests
// pay for connections, caches and the server's first use of the key.
const timingWarmupRounds = 3

// timingClass is one way for an envelope to fail.
type timingClass struct {
	name  string
	build func(st *scenario, payload []byte) ([]byte, error)
}

var timingClasses = []timingClass{
	{"fails at the RSA padding", func(st *scenario, p []byte) ([]byte, error) {
		return st.rsaProbeEnvelope(p, blockProbe(envelope.WithoutSeparator()))
	}},
	{"fails at the AES padding", sealedWithBadAESPadding},
	{"fails at the payload JSON", sealedWithBadJSON},
}

// timingRun is what the sending step measured.
type timingRun struct {
	// classes hold one answer time per counted round, in round order.
	classes []timing.Class
	// odd is the first answer that was not a 400, per class: the
	// measurement compares refusals, so any other answer voids it.
	odd map[string]*exchange
}

func (st *scenario) registerTimingSteps(sc stepRegistry) {
	sc.Step(`^envelopes failing at the RSA padding, the AES padding and the payload JSON are sent in rounds$`, st.sendTimingClasses)
	sc.Step(`^the answer times of the three do not differ measurably$`, st.timingUniform)
}

// sendTimingClasses sends the warm-up rounds, then knobs.timing-samples
// rounds, each one envelope of every class in an order drawn for the
// round, through sendRounds (the run's send path: the run's pacing
// applies, and the time measured is the exchange's own, not a wait for a
// pacing slot). A request without an answer ends the step: the
// measurement would be meaningless, and every further request could wait
// out its deadline.
func (st *scenario) sendTimingClasses(ctx context.Context) error {
	if err := st.needFlow(); err != nil {
		return err
	}
	if !st.meta.tags["@timing"] {
		return stepError("a scenario that measures answer times must be tagged @timing, so that it runs alone against an in-process server")
	}
	n := st.knobs().TimingSamples
	payload, err := st.payloadBytes()
	if err != nil {
		return err
	}
	run := &timingRun{odd: map[string]*exchange{}}
	for _, c := range timingClasses {
		run.classes = append(run.classes, timing.Class{Name: c.name})
	}
	rounds, orders, err := st.timingRounds(payload, timingWarmupRounds+n)
	if err != nil {
		return err
	}
	var summary strings.Builder
	inFlight := timingRoundsInFlight
	if st.s.cfg.AdvanceClock != nil {
		// An in-process server: no network to hide, and rounds in flight
		// together would only queue on the CPUs it shares with the harness.
		inFlight = 1
	}
	// A round may queue no more than the finding rule's smallest difference
	// per envelope before the window stops growing.
	slack := time.Duration(len(timingClasses)) * timing.DefaultMinShift
	for r, xs := range st.sendRounds(ctx, rounds, inFlight, slack) {
		if err := cancelled(ctx); err != nil {
			return err
		}
		if xs == nil { // after an unanswered round, which failed the step above
			return errors.New("a round of the timing measurement was not sent")
		}
		if x := firstUnanswered(xs); x != nil {
			st.attachExchange(x)
			return st.failf(x, "an answer to every envelope, to time it", "no response: "+x.err.Error(), "")
		}
		for j, x := range xs {
			i := orders[r][j]
			if r < timingWarmupRounds {
				if r == 0 {
					fmt.Fprintf(&summary, "%s\n    -> %s (%s)\n", timingClasses[i].name, x.brief(), x.took.Round(time.Microsecond))
				}
				continue
			}
			run.classes[i].Samples = append(run.classes[i].Samples, x.took)
			code := gjson.GetBytes(x.body, "api-response-code")
			if run.odd[timingClasses[i].name] == nil && !(code.Type == gjson.Number && code.Int() == int64(protocol.InvalidFormat)) {
				run.odd[timingClasses[i].name] = x
			}
		}
	}
	st.timing = run
	st.attach(evidence.AttachExchanges, summary.String())
	return nil
}

// timingRounds builds count rounds of envelopes, one of every class per
// round in a random order: orders[r][j] is the class of rounds[r][j].
func (st *scenario) timingRounds(payload []byte, count int) (rounds [][]outgoing, orders [][]int, err error) {
	path := protocol.CreatePath(st.target.kind, true)
	for range count {
		order := rand.Perm(len(timingClasses))
		round := make([]outgoing, len(order))
		for j, i := range order {
			body, err := timingClasses[i].build(st, payload)
			if err != nil {
				return nil, nil, err
			}
			round[j] = outgoing{path: path, body: body, payload: payload, encrypted: true, label: timingClasses[i].name}
		}
		rounds, orders = append(rounds, round), append(orders, order)
	}
	return rounds, orders, nil
}

// firstUnanswered is the first exchange of a round that got no answer.
func firstUnanswered(xs []*exchange) *exchange {
	for _, x := range xs {
		if x.status == 0 {
			return x
		}
	}
	return nil
}

// timingUniform applies the finding rule to every pair of classes and
// attaches the medians and the verdict.
func (st *scenario) timingUniform() error {
	run := st.timing
	if run == nil {
		return stepError("no answer times were measured: send the envelopes first")
	}
	var v verdict
	for _, c := range timingClasses {
		if x := run.odd[c.name]; x != nil {
			v.add(fmt.Sprintf("every envelope that %s refused with api-response-code 400, so that the times compare refusals", c.name), x.brief(), "api-response-code")
		}
	}
	cs := timing.Compare(run.classes, timing.DefaultRule)
	table := timing.Table(run.classes, cs, timing.DefaultRule)
	st.attach(evidence.AttachTiming, table)
	if found := timing.Findings(cs); len(found) > 0 {
		var b strings.Builder
		for i, c := range found {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "the envelope that %s is answered in a median %s, the one that %s in %s (p %.2g)",
				c.B, c.MedianB.Round(10*time.Microsecond), c.A, c.MedianA.Round(10*time.Microsecond), c.P)
		}
		v.add(fmt.Sprintf("answer times that do not tell the failed stage apart (medians within max(%s, %.0f%%) or p >= %g, %d answers per class)",
			timing.DefaultRule.MinShift, timing.DefaultRule.MinRelative*100, timing.DefaultRule.Alpha, len(run.classes[0].Samples)),
			b.String(), "answer time")
	}
	return st.fail(nil, v)
}

// sealedWithBadAESPadding seals payload, then re-encrypts its base64 with
// the last byte of the PKCS#5 padding set to zero: the RSA half opens, the
// AES padding check fails. The ciphertext keeps its length.
func sealedWithBadAESPadding(st *scenario, payload []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	plain := []byte(s.PayloadB64)
	pad := envelope.BlockSize - len(plain)%envelope.BlockSize
	for i := 0; i < pad; i++ {
		plain = append(plain, byte(pad))
	}
	plain[len(plain)-1] = 0
	if err := envelope.EncryptBlocks(envelope.DeriveAESKey(s.Key), plain); err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(plain)
	return envelopeBody(&env), nil
}

// sealedWithBadJSON seals, under a valid key, the base64 of the payload
// with its opening brace replaced by a bracket: it decrypts and decodes,
// and fails as JSON. The ciphertext keeps its length.
func sealedWithBadJSON(st *scenario, payload []byte) ([]byte, error) {
	s, err := st.seal(payload, nil)
	if err != nil {
		return nil, err
	}
	bad := append([]byte(nil), payload...)
	if len(bad) == 0 || bad[0] != '{' {
		return nil, stepError("the payload must start with '{'")
	}
	bad[0] = '['
	ct, err := envelope.EncryptECB(envelope.DeriveAESKey(s.Key), []byte(encodeB64(bad)))
	if err != nil {
		return nil, err
	}
	env := s.Envelope
	env.RequestEncryptedValue = encodeB64(ct)
	return envelopeBody(&env), nil
}
