package refserver

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// plainCode sends a payload for the healthy multicast flow to the plain
// endpoint, edited by mutate, and returns what came back.
func plainCode(h *harness, mutate ...func(p map[string]any)) string {
	return codeOf(h.post(protocol.PathMulticastCreate, payload(h.flow("healthy", protocol.KindMulticast), mutate...)))
}

// firstCall edits the first call of a payload.
func firstCall(edit func(c map[string]any)) func(p map[string]any) {
	return func(p map[string]any) { edit(p["calls"].([]any)[0].(map[string]any)) }
}

func startTime(v string) func(p map[string]any) {
	return firstCall(func(c map[string]any) { c["start-time"] = v })
}

func number(v string) func(p map[string]any) {
	return firstCall(func(c map[string]any) { c["contact-numbers"] = []string{v} })
}

func field(name string, v any) func(p map[string]any) {
	return func(p map[string]any) { p[name] = v }
}

func calls(n int) func(p map[string]any) {
	return func(p map[string]any) {
		list := make([]any, n)
		for i := range list {
			list[i] = call()
		}
		p["calls"] = list
	}
}

// swapCase turns upper-case letters to lower case and the reverse.
func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return r
	}, s)
}

func unknownUUIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = uuid.NewString()
	}
	return out
}

// boundaryProbes observe the class each boundary fault breaks; the
// correct server and the faulty one must answer differently.
func boundaryProbes() map[string]probe {
	p := func(mutate ...func(p map[string]any)) probe {
		return func(t *testing.T, h *harness, _ func(time.Time)) string { return plainCode(h, mutate...) }
	}
	healthy := func(h *harness) *Flow { return h.flow("healthy", protocol.KindMulticast) }
	return map[string]probe{
		faultCallsLimitEarly: p(calls(protocol.MaxCallsPerRequest)),
		faultCallsLimitLate:  p(calls(protocol.MaxCallsPerRequest + 1)),
		faultPullLimitEarly: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(pull(t, h, healthy(h), unknownUUIDs(protocol.MaxUUIDsPerPull)))
		},
		faultPullLimitLate: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(pull(t, h, healthy(h), unknownUUIDs(protocol.MaxUUIDsPerPull+1)))
		},
		faultBodyLimitEarly: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathMulticastCreate, padTo(payload(healthy(h)), protocol.MaxBodyBytes)))
		},
		faultNullCrashes:    p(field("api-version", nil)),
		faultEmptyAsMissing: p(field("api-version", "")),
		faultCoerceScalars:  p(firstCall(func(c map[string]any) { c["client-identifier"] = 42 })),
		faultTrimStrings:    p(field("api-version", "1.0 ")),
		faultFieldNamesAnyCase: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return plainCode(h, func(p map[string]any) { p["Flow-Id"] = p["flow-id"]; delete(p, "flow-id") })
		},
		faultAPIVersionAnyCase: p(field("api-version", "Test")),
		faultAPIVersionNumeric: p(field("api-version", "1.00")),
		faultSecurityIDAnyCase: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return plainCode(h, field("security-id", swapCase(healthy(h).SecurityID)))
		},
		faultSecurityIDPrefix: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return plainCode(h, field("security-id", healthy(h).SecurityID[:63]))
		},
		faultFlowIDAnyCase: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return plainCode(h, field("flow-id", swapCase(healthy(h).ID)))
		},
		faultTruncateIdentifiers: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return plainCode(h, field("flow-id", healthy(h).ID+"X"))
		},
		faultImpossibleDate:     p(startTime("2027-02-29T10:00:00+05:30")),
		faultNoLeapDay:          p(startTime("2028-02-29T10:00:00+05:30")),
		faultEndOfDay24:         p(startTime("2026-06-02T24:00:00+05:30")),
		faultTimeLettersAnyCase: p(startTime("2026-06-02t10:00:00z")),
		faultAssumeOffset:       p(startTime("2026-06-02T10:00:00")),
		faultMillisOnly:         p(startTime("2026-06-02T10:00:00.5Z")),
		// testNow is 12:00 UTC: 05:59:59 UTC today is still yesterday at -06:00.
		faultStartDateUTC:      p(startTime("2026-05-31T23:59:59-06:00")),
		faultOffsetOutOfRange:  p(startTime("2026-06-02T10:00:00+05:60")),
		faultWhitelistRaw:      p(field("api-version", "TEST"), number("+917016225597")),
		faultStrip91Always:     p(number("9123456789")),
		faultFirstDigit7:       p(number("6123456789")),
		faultFirstDigit5:       p(number("5123456789")),
		faultUnanchoredNumber:  p(number("70162255970")),
		faultNineDigits:        p(number("701622559")),
		faultStripFormatting:   p(number("70162 25597")),
		faultKeysNullAsMissing: p(firstCall(func(c map[string]any) { c["keys"] = nil })),
		faultKeysRequired:      p(firstCall(func(c map[string]any) { c["keys"] = []any{} })),
		faultSingleValueAsList: p(firstCall(func(c map[string]any) { c["keys"] = map[string]any{"name": "$flow.key.Name", "value": "Asha"} })),
	}
}

// TestBoundaryFaultsBreakOnlyTheirClass: under each boundary fault a plain
// valid payload is still accepted, so the fault is a single defect and
// not a broken server.
func TestBoundaryFaultsBreakOnlyTheirClass(t *testing.T) {
	for _, nf := range boundaryFaults {
		t.Run(nf.name, func(t *testing.T) {
			h := newHarness(t, Options{Fault: Fault{name: nf.name}})
			f := h.flow("healthy", protocol.KindDialer)
			h.create(f, true, payload(f)).expect(t, 200, 200)
			if nf.name != faultStartDateUTC && nf.name != faultWhitelistRaw {
				r := h.create(f, false, payload(f, field("api-version", "TEST")))
				if r.body.Code != 200 {
					t.Errorf("TEST with a whitelisted number: %s", codeOf(r))
				}
			}
		})
	}
}
