package refserver

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// codeCase triggers one status code on a create endpoint.
type codeCase struct {
	code      protocol.Code
	condition string // the flow's role condition
	plainToo  bool   // the code applies on the plain endpoints as well
	// body builds the request for flow f; nil sends payload(f, mutate...).
	mutate func(p map[string]any)
	body   func(t testing.TB, f *Flow, encrypted bool) []byte
	repeat bool // send the body once before the answer that counts
	check  func(t testing.TB, r *result)
}

// codeCases reaches every code a create endpoint answers; 213 comes from
// the Pull API (spec section 5) and is TestCodes' last step.
func codeCases() []codeCase {
	otherSecurityID := strings.Repeat("ab", 32)
	return []codeCase{
		{code: protocol.Success, condition: "healthy", plainToo: true, check: checkAccepted(1, 1)},
		{code: protocol.PartialSuccess, condition: "healthy", plainToo: true,
			mutate: func(p map[string]any) { p["calls"] = []any{call(), call("12345"), call("917016225597")} },
			check: func(t testing.TB, r *result) {
				checkAccepted(3, 2)(t, r)
				if cd := r.body.CallDetails[1]; cd.Code != protocol.InvalidContactNumber || cd.Message != "Invalid Contact Number" {
					t.Errorf("refused call: %+v", cd)
				}
			}},
		{code: protocol.ChecksumRepeated, condition: "healthy", plainToo: true, repeat: true},
		{code: protocol.InvalidSecurityID, condition: "healthy", plainToo: true,
			mutate: func(p map[string]any) { p["security-id"] = otherSecurityID }},
		{code: protocol.InvalidAPIVersion, condition: "healthy", plainToo: true,
			mutate: func(p map[string]any) { p["api-version"] = "2.0" }},
		{code: protocol.InvalidGatewayID, condition: "invalid-gateway", plainToo: true},
		{code: protocol.InvalidContactNumber, condition: "healthy", plainToo: true,
			mutate: func(p map[string]any) { p["calls"] = []any{call("7016225597", "5123456789")} },
			check:  checkAccepted(1, 0)},
		{code: protocol.FailureFromGateway, condition: "failing-gateway", plainToo: true},
		{code: protocol.DIDNotMapped, condition: "no-did", plainToo: true},
		{code: protocol.NoMaskAvailable, condition: "no-mask", plainToo: true},
		{code: protocol.InvalidMandatoryParameters, condition: "healthy", plainToo: true,
			mutate: func(p map[string]any) { delete(p["calls"].([]any)[0].(map[string]any), "client-identifier") }},
		{code: protocol.ValidityExpired, condition: "validity-expired", plainToo: true},
		{code: protocol.InsufficientBalance, condition: "zero-balance", plainToo: true},
		{code: protocol.InvalidFlowID, condition: "healthy", plainToo: true,
			body: func(t testing.TB, f *Flow, encrypted bool) []byte {
				p := payload(f, func(p map[string]any) { p["flow-id"] = "ZZZZZZZZ" })
				if encrypted {
					return seal(t, f, "ZZZZZZZZ", p)
				}
				return p
			}},
		{code: protocol.EmptyCallList, condition: "healthy", plainToo: true,
			mutate: func(p map[string]any) { p["calls"] = []any{} }},
		{code: protocol.MaxDataListSizeExceeded, condition: "healthy", plainToo: true,
			mutate: func(p map[string]any) {
				calls := make([]any, protocol.MaxCallsPerRequest+1)
				for i := range calls {
					calls[i] = call()
				}
				p["calls"] = calls
			}},
		{code: protocol.InvalidFlowVersion, condition: "no-testing-version", plainToo: true,
			mutate: func(p map[string]any) { p["api-version"] = "TEST" }},
		{code: protocol.InvalidFormat, condition: "healthy", plainToo: true,
			body: func(t testing.TB, f *Flow, encrypted bool) []byte {
				if encrypted { // well-formed JSON, but the envelope does not open
					return []byte(`{"requestEncryptedValue":"AAAA","requestDigitalSignatureValue":"AAAA","flow-id":"` + f.ID + `"}`)
				}
				return []byte(`["not", "an", "object"]`)
			}},
		{code: protocol.IPNotWhitelisted, condition: "ip-not-whitelisted", plainToo: true},
		{code: protocol.PhoneNotWhitelisted, condition: "healthy", plainToo: true,
			mutate: func(p map[string]any) { p["api-version"] = "TEST"; p["calls"] = []any{call("8123456789")} },
			check:  checkAccepted(1, 0)},
		{code: protocol.Failure, condition: "failing", plainToo: true},
	}
}

// checkAccepted checks call-details: n calls in order, accepted of them
// with a phonon-uuid, the others with their own code.
func checkAccepted(n, accepted int) func(t testing.TB, r *result) {
	return func(t testing.TB, r *result) {
		t.Helper()
		if len(r.body.CallDetails) != n {
			t.Fatalf("%d call-details, want %d\n%s", len(r.body.CallDetails), n, r.raw)
		}
		got := 0
		for _, cd := range r.body.CallDetails {
			if !strings.HasPrefix(cd.ClientIdentifier, "cust-") {
				t.Errorf("client-identifier %q not echoed", cd.ClientIdentifier)
			}
			if cd.PhononUUID != "" {
				got++
				if len(cd.PhononUUID) != 36 || cd.PhononUUID[14] != '4' || cd.Code != 0 {
					t.Errorf("accepted call: %+v", cd)
				}
			} else if !cd.Code.Valid() || cd.Message != cd.Code.Message() {
				t.Errorf("refused call: %+v", cd)
			}
		}
		if got != accepted {
			t.Errorf("%d calls accepted, want %d\n%s", got, accepted, r.raw)
		}
	}
}

// TestCodes reaches each of the 22 codes from its trigger on the encrypted
// multicast and dialer endpoints, and on the plain ones where it applies.
func TestCodes(t *testing.T) {
	h := newHarness(t, Options{})
	reached := map[protocol.Code]int{}
	var uuids = map[string][]string{} // by flow, for the Pull API
	for _, kind := range kinds {
		for _, encrypted := range []bool{true, false} {
			for _, c := range codeCases() {
				if !encrypted && !c.plainToo {
					continue
				}
				t.Run(kind+"/"+modeName(encrypted)+"/"+c.code.String(), func(t *testing.T) {
					r := runCodeCase(t, h, c, kind, encrypted)
					if t.Failed() {
						return
					}
					if encrypted {
						reached[c.code]++
					}
					for _, cd := range r.body.CallDetails {
						if cd.PhononUUID != "" {
							f := h.flow(c.condition, kind)
							uuids[f.ID] = append(uuids[f.ID], cd.PhononUUID)
						}
					}
				})
			}
		}
		t.Run(kind+"/pull/"+protocol.NoDataAvailable.String(), func(t *testing.T) {
			f := h.flow("healthy", kind)
			if len(uuids[f.ID]) == 0 {
				t.Fatal("no call was accepted")
			}
			pull(t, h, f, []string{"00000000-0000-4000-8000-000000000000"}).expect(t, protocol.NoDataAvailable, http.StatusOK)
			r := pull(t, h, f, append([]string{"00000000-0000-4000-8000-000000000000"}, uuids[f.ID]...))
			r.expect(t, protocol.Success, http.StatusOK)
			if len(r.body.Data) != len(uuids[f.ID]) {
				t.Errorf("pull: %d records for %d uuids", len(r.body.Data), len(uuids[f.ID]))
			}
			reached[protocol.NoDataAvailable]++
		})
	}
	for _, c := range protocol.All() {
		if reached[c] != 2 {
			t.Errorf("%s reached on %d of the 2 kinds", c, reached[c])
		}
	}
}

func runCodeCase(t *testing.T, h *harness, c codeCase, kind string, encrypted bool) *result {
	path, body := codeCaseRequest(t, h, c, kind, encrypted)
	r := h.post(path, body)
	r.expect(t, c.code, http.StatusOK)
	if c.check != nil {
		c.check(t, r)
	} else if len(r.body.CallDetails) != 0 {
		t.Errorf("%s with call-details: %s", c.code, r.raw)
	}
	return r
}

// codeCaseRequest builds the request that triggers c (sending the first of
// a repeat) and returns it.
func codeCaseRequest(t testing.TB, h *harness, c codeCase, kind string, encrypted bool) (string, []byte) {
	f := h.flow(c.condition, kind)
	var body []byte
	switch {
	case c.body != nil:
		body = c.body(t, f, encrypted)
	case encrypted:
		body = seal(t, f, f.ID, payload(f, mutators(c.mutate)...))
	default:
		body = payload(f, mutators(c.mutate)...)
	}
	path := createPath(kind, encrypted)
	if c.repeat {
		h.post(path, body)
	}
	return path, body
}

func mutators(m func(map[string]any)) []func(map[string]any) {
	if m == nil {
		return nil
	}
	return []func(map[string]any){m}
}

func pull(t testing.TB, h *harness, f *Flow, uuids []string) *result {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"api-version": "2.0", "security-id": f.SecurityID, "flow-id": f.ID,
		"phonon-uuids": uuids, "fetch-attempt": "ALL",
	})
	return h.post(protocol.PathPull, body)
}
