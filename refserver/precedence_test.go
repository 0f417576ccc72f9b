package refserver

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// rawCase sends one hand-made request and expects one code.
type rawCase struct {
	name string
	path string
	body func(h *harness) []byte
	want protocol.Code
}

func runRawCases(t *testing.T, h *harness, cases []rawCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.post(c.path, c.body(h)).expect(t, c.want, http.StatusOK)
		})
	}
}

const garbageEnvelope = `{"requestEncryptedValue":"AAAA","requestDigitalSignatureValue":"AAAA","flow-id":"%s"}`

func garbageFor(id string) []byte { return []byte(strings.ReplaceAll(garbageEnvelope, "%s", id)) }

// TestPrecedence sends requests to which two or more rules of spec section 5
// apply: the first in the spec's order answers.
func TestPrecedence(t *testing.T) {
	h := newHarness(t, Options{})
	healthy := h.flow("healthy", protocol.KindMulticast)
	healthyD := h.flow("healthy", protocol.KindDialer)
	noIP := h.flow("ip-not-whitelisted", protocol.KindMulticast)
	noTest := h.flow("no-testing-version", protocol.KindMulticast)
	expired := h.flow("validity-expired", protocol.KindMulticast)
	rotate := h.flow("rotatable", protocol.KindMulticast)
	enc := protocol.PathEncMulticastCreate
	plain := protocol.PathMulticastCreate
	wrongSecurity := func(p map[string]any) { p["security-id"] = strings.Repeat("0", 64) }
	sealed := func(f *Flow, outer string, m ...func(map[string]any)) func(h *harness) []byte {
		return func(h *harness) []byte { return seal(t, f, outer, payload(f, m...)) }
	}
	bare := func(f *Flow, m ...func(map[string]any)) func(h *harness) []byte {
		return func(h *harness) []byte { return payload(f, m...) }
	}
	runRawCases(t, h, []rawCase{
		// Encrypted: rules 2 and 3 come before the envelope is opened.
		{"2 unknown outer flow over 4 bad envelope", enc, func(*harness) []byte { return garbageFor("ZZZZZZZZ") }, protocol.InvalidFlowID},
		{"2 dialer flow on multicast over 4", enc, func(*harness) []byte { return garbageFor(healthyD.ID) }, protocol.InvalidFlowID},
		{"2 multicast flow on dialer", protocol.PathEncDialerCreate, sealed(healthy, healthy.ID), protocol.InvalidFlowID},
		{"3 IP over 4 bad envelope", enc, func(*harness) []byte { return garbageFor(noIP.ID) }, protocol.IPNotWhitelisted},
		{"3 IP over 6 api-version", enc, sealed(noIP, noIP.ID, func(p map[string]any) { p["api-version"] = "9" }), protocol.IPNotWhitelisted},
		{"7 inner flow differs from outer", enc, sealed(rotate, rotate.ID, func(p map[string]any) { p["flow-id"] = healthy.ID }), protocol.InvalidFlowID},
		{"4 duplicate key inside the envelope", enc, func(*harness) []byte {
			return seal(t, healthy, healthy.ID, []byte(`{"flow-id":"x",`+string(payload(healthy))[1:]))
		}, protocol.InvalidFormat},
		// Rules 5 onwards, both modes.
		{"5 missing calls over 6", enc, sealed(healthy, healthy.ID, func(p map[string]any) { p["api-version"] = "9"; delete(p, "calls") }), protocol.InvalidMandatoryParameters},
		{"6 api-version over 7 unknown flow", plain, bare(healthy, func(p map[string]any) { p["api-version"] = "1"; p["flow-id"] = "ZZZZZZZZ" }), protocol.InvalidAPIVersion},
		{"7 unknown flow over 8", plain, bare(healthy, wrongSecurity, func(p map[string]any) { p["flow-id"] = "ZZZZZZZZ" }), protocol.InvalidFlowID},
		{"7 dialer flow on plain multicast", plain, bare(healthyD), protocol.InvalidFlowID},
		{"8 security-id over 9", enc, sealed(noTest, noTest.ID, wrongSecurity, func(p map[string]any) { p["api-version"] = "TEST" }), protocol.InvalidSecurityID},
		{"9 no testing version over 10", plain, bare(noTest, func(p map[string]any) { p["api-version"] = "TEST"; p["calls"] = []any{} }), protocol.InvalidFlowVersion},
		{"10 empty calls over 13", plain, bare(expired, func(p map[string]any) { p["calls"] = []any{} }), protocol.EmptyCallList},
		{"11 too many calls over 12", plain, bare(healthy, func(p map[string]any) { p["calls"] = make([]any, protocol.MaxCallsPerRequest+1) }), protocol.MaxDataListSizeExceeded},
		{"12 past start date over 13", enc, sealed(expired, expired.ID, func(p map[string]any) {
			p["calls"].([]any)[0].(map[string]any)["start-time"] = "2026-05-31T10:00:00Z"
		}), protocol.InvalidMandatoryParameters},
		// Plain: the IP check comes right after rule 7.
		{"plain 3 IP over 8", plain, bare(noIP, wrongSecurity), protocol.IPNotWhitelisted},
		{"plain 6 over 3 IP", plain, bare(noIP, func(p map[string]any) { p["api-version"] = "1" }), protocol.InvalidAPIVersion},
		{"plain 7 over 3 IP", plain, bare(noIP, func(p map[string]any) { p["flow-id"] = "ZZZZZZZZ" }), protocol.InvalidFlowID},
		{"plain 5 over 3 IP", plain, bare(noIP, func(p map[string]any) { delete(p, "security-id") }), protocol.InvalidMandatoryParameters},
		// Rule 21: under TEST the whitelist comes first.
		{"21 TEST invalid number is 402", enc, sealed(healthy, healthy.ID, func(p map[string]any) { p["api-version"] = "TEST"; p["calls"] = []any{call("12345")} }), protocol.PhoneNotWhitelisted},
		{"21 TEST whitelisted number with +91", plain, bare(healthy, func(p map[string]any) {
			p["api-version"] = "TEST"
			p["calls"] = []any{call("+917016225597", "919876543210")}
		}), protocol.Success},
		{"22 none accepted: the first call's code", plain, bare(healthy, func(p map[string]any) { p["calls"] = []any{call("12345"), call("5123456789")} }), protocol.InvalidContactNumber},
	})
}

// TestChecksumPrecedence: a repeat of an accepted payload is 201 whatever
// its calls (rule 20 before 21), the checksum covers the payload bytes
// whatever AES key sealed them and whichever endpoint carried them, and
// refused payloads are not recorded.
func TestChecksumPrecedence(t *testing.T) {
	h := newHarness(t, Options{})
	f := h.flow("healthy", protocol.KindDialer)
	partial := payload(f, func(p map[string]any) { p["calls"] = []any{call(), call("12345")} })
	h.create(f, true, partial).expect(t, protocol.PartialSuccess, http.StatusOK)
	h.create(f, true, partial).expect(t, protocol.ChecksumRepeated, http.StatusOK) // a new AES key
	h.create(f, false, partial).expect(t, protocol.ChecksumRepeated, http.StatusOK)

	refused := payload(f, func(p map[string]any) { p["calls"] = []any{call("12345")} })
	h.create(f, false, refused).expect(t, protocol.InvalidContactNumber, http.StatusOK)
	h.create(f, true, refused).expect(t, protocol.InvalidContactNumber, http.StatusOK)

	// The scope is the flow: the same bytes for another flow are new.
	other := h.flow("rotatable", protocol.KindDialer)
	same := payload(f)
	h.create(f, false, same).expect(t, protocol.Success, http.StatusOK)
	h.post(protocol.PathDialerCreate, []byte(strings.ReplaceAll(strings.ReplaceAll(string(same), f.ID, other.ID), f.SecurityID, other.SecurityID))).
		expect(t, protocol.Success, http.StatusOK)
}

// TestFlowConditionOrder gives one flow every condition of rules 13-19 and
// lifts them one at a time, in the spec's order.
func TestFlowConditionOrder(t *testing.T) {
	base := testWorld(t)
	healthy, _ := base.FlowByRole("healthy-multicast")
	acct := *healthy.Account
	acct.ValidUntil, acct.Balance = testNow.Add(-time.Hour), 0
	f := *healthy
	f.Account, f.DIDs, f.Masks, f.Gateway, f.Failing = &acct, nil, nil, GatewayInvalid, true
	w := &World{Accounts: []*Account{&acct}, Flows: []*Flow{&f}}
	steps := []struct {
		want protocol.Code
		lift func()
	}{
		{protocol.ValidityExpired, func() { acct.ValidUntil = testNow.Add(time.Hour) }},
		{protocol.InsufficientBalance, func() { acct.Balance = 1 }},
		{protocol.DIDNotMapped, func() { f.DIDs = []string{"+918000000000"} }},
		{protocol.NoMaskAvailable, func() { f.Masks = []string{"M"} }},
		{protocol.InvalidGatewayID, func() { f.Gateway = GatewayFailing }},
		{protocol.FailureFromGateway, func() { f.Gateway = GatewayValid }},
		{protocol.Failure, func() { f.Failing = false }},
		{protocol.Success, func() {}},
	}
	for _, step := range steps {
		srv, err := New(w, Options{Now: func() time.Time { return testNow }})
		if err != nil {
			t.Fatal(err)
		}
		rec := serveDirect(srv, protocol.PathMulticastCreate, payload(&f))
		if got := decodeCode(t, rec.Body.Bytes()); got != step.want {
			t.Fatalf("got %s, want %s", got, step.want)
		}
		step.lift()
	}
}

// TestPayloadStrictness: wrong JSON types, null, case variants and broken
// start-times are refused, never coerced; unknown fields are ignored.
func TestPayloadStrictness(t *testing.T) {
	h := newHarness(t, Options{})
	f := h.flow("healthy", protocol.KindMulticast)
	withCall := func(field string, v any) func(h *harness) []byte {
		return func(*harness) []byte {
			return payload(f, func(p map[string]any) {
				c := p["calls"].([]any)[0].(map[string]any)
				if v == nil {
					c[field] = nil
				} else {
					c[field] = v
				}
			})
		}
	}
	with := func(field string, v any) func(h *harness) []byte {
		return func(*harness) []byte { return payload(f, func(p map[string]any) { p[field] = v }) }
	}
	without := func(field string) func(h *harness) []byte {
		return func(*harness) []byte { return payload(f, func(p map[string]any) { delete(p, field) }) }
	}
	raw := func(s string) func(h *harness) []byte { return func(*harness) []byte { return []byte(s) } }
	p := protocol.PathMulticastCreate
	valid := string(payload(f))
	runRawCases(t, h, []rawCase{
		{"duplicate top-level key", p, raw(`{"api-version":"TEST",` + valid[1:]), protocol.InvalidFormat},
		{"duplicate key in a call", p, func(*harness) []byte {
			return []byte(strings.Replace(valid, `"start-time"`, `"start-time":"x","start-time"`, 1))
		}, protocol.InvalidFormat},
		{"trailing data", p, raw(valid + ` {}`), protocol.InvalidFormat},
		{"invalid UTF-8", p, raw(strings.Replace(valid, "Asha", "A\xffsha", 1)), protocol.InvalidFormat},
		{"not an object", p, raw(`"text"`), protocol.InvalidFormat},
		{"api-version null", p, with("api-version", nil), protocol.InvalidMandatoryParameters},
		{"api-version a number", p, with("api-version", 1.0), protocol.InvalidMandatoryParameters},
		{"API-VERSION in capitals", p, func(*harness) []byte {
			return []byte(strings.Replace(valid, `"api-version"`, `"API-VERSION"`, 1))
		}, protocol.InvalidMandatoryParameters},
		{"security-id missing", p, without("security-id"), protocol.InvalidMandatoryParameters},
		{"calls null", p, with("calls", nil), protocol.InvalidMandatoryParameters},
		{"calls an object", p, with("calls", map[string]any{}), protocol.InvalidMandatoryParameters},
		{"call not an object", p, with("calls", []any{"x"}), protocol.InvalidMandatoryParameters},
		{"client-identifier empty", p, withCall("client-identifier", ""), protocol.InvalidMandatoryParameters},
		{"client-identifier a number", p, withCall("client-identifier", 42), protocol.InvalidMandatoryParameters},
		{"contact-numbers empty", p, withCall("contact-numbers", []string{}), protocol.InvalidMandatoryParameters},
		{"contact-numbers a string", p, withCall("contact-numbers", "7016225597"), protocol.InvalidMandatoryParameters},
		{"contact number a JSON number", p, withCall("contact-numbers", []any{7016225597}), protocol.InvalidMandatoryParameters},
		{"keys null", p, withCall("keys", nil), protocol.InvalidMandatoryParameters},
		{"keys a map", p, withCall("keys", map[string]any{"name": "a", "value": "b"}), protocol.InvalidMandatoryParameters},
		{"key value a number", p, withCall("keys", []any{map[string]any{"name": "$flow.key.N", "value": 1}}), protocol.InvalidMandatoryParameters},
		{"keys an empty list", p, withCall("keys", []any{}), protocol.Success},
		{"unknown fields ignored", p, func(*harness) []byte {
			return payload(f, func(p map[string]any) {
				p["x-extra"] = []any{1, nil}
				p["calls"].([]any)[0].(map[string]any)["x"] = nil
			})
		}, protocol.Success},
		{"start-time without offset", p, withCall("start-time", "2026-06-02T10:00:00"), protocol.InvalidMandatoryParameters},
		{"start-time with a space", p, withCall("start-time", "2026-06-02 10:00:00Z"), protocol.InvalidMandatoryParameters},
		{"start-time of the docs' sample", p, withCall("start-time", "2026-06-02T08:02:53.111Z+05:30"), protocol.InvalidMandatoryParameters},
		{"start-time 30 February", p, withCall("start-time", "2026-02-30T10:00:00Z"), protocol.InvalidMandatoryParameters},
		{"start-time offset +25:00", p, withCall("start-time", "2026-06-02T10:00:00+25:00"), protocol.InvalidMandatoryParameters},
		{"start-time with fraction", p, withCall("start-time", "2026-06-02T10:00:00.123456+05:30"), protocol.Success},
		{"start-time earlier today", p, withCall("start-time", "2026-06-01T00:00:01Z"), protocol.Success},
		{"start-time yesterday in UTC", p, withCall("start-time", "2026-05-31T23:59:59Z"), protocol.InvalidMandatoryParameters},
		// now is 2026-06-01T12:00Z: still 31 May at -14:00, already 2 June at +14:00.
		{"start-time today in its own offset", p, withCall("start-time", "2026-05-31T23:00:00-14:00"), protocol.Success},
		{"start-time yesterday in its own offset", p, withCall("start-time", "2026-06-01T23:00:00+14:00"), protocol.InvalidMandatoryParameters},
	})
}
