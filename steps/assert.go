package steps

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/safetext"
)

// uuidPattern is a well-formed RFC 4122 UUID (any version 1-8, the RFC
// variant), lower or upper case.
const uuidPattern = `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`

// mismatch is one failed expectation.
type mismatch struct {
	expected, actual, path string
	// rule is the SPEC.md section the check tests when that is not the
	// scenario's own rule (checks.go): the Content-Type and HTTP status
	// every answer is held to (4.3). "" is the scenario's rule.
	rule string
}

// verdict collects mismatches, so a failure lists all of them at once.
type verdict []mismatch

func (v *verdict) add(expected, actual, path string) {
	*v = append(*v, mismatch{expected: expected, actual: actual, path: path})
}

// addFor records a mismatch of a check of SPEC.md section rule.
func (v *verdict) addFor(rule, expected, actual, path string) {
	*v = append(*v, mismatch{expected: expected, actual: actual, path: path, rule: rule})
}

// match runs a gomega matcher on the value at path of body and records a
// mismatch if it fails.
func (v *verdict) match(body []byte, path string, m types.GomegaMatcher, expected string) bool {
	res := gjson.GetBytes(body, path)
	var actual any
	if res.Exists() {
		actual = res.Value()
	}
	ok, err := m.Match(actual)
	if err == nil && ok {
		return true
	}
	act := rawOf(res)
	if err != nil && res.Exists() {
		act += " (" + firstLine(err.Error()) + ")"
	}
	v.add(expected, act, path)
	return false
}

// rawOf shows a gjson result as it appeared in the body.
func rawOf(r gjson.Result) string {
	if !r.Exists() {
		return "(absent)"
	}
	return truncate(r.Raw, 300)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// fail turns the scenario's mismatches into its step error: the rule, then
// Expected / Actual / Path (and the Rule of a check that is not the
// scenario's own) per mismatch, then the exchange; the checks of this
// project's readings that failed earlier in the scenario follow. A @doc
// scenario whose only mismatches are such checks fails at its last step
// instead (checks.go), so its own rule is judged to the end.
func (st *scenario) fail(x *exchange, v verdict) error {
	if len(v) == 0 {
		return nil
	}
	if st.incidentalOnly(v) {
		st.checks.deferred = append(st.checks.deferred, failedChecks{step: st.checks.step, x: x, v: v})
		return nil
	}
	var b strings.Builder
	b.WriteString(st.requirement())
	st.writeChecks(&b, x, v)
	for _, d := range st.checks.deferred {
		fmt.Fprintf(&b, "\n\nEarlier in this scenario, at %q:", d.step)
		st.writeChecks(&b, d.x, d.v)
	}
	st.attachRules(v)
	// Cleaned: Actual quotes what the target sent (package safetext).
	return errors.New(safetext.Clean(st.mask(b.String())))
}

// writeChecks writes Expected / Actual / Path / Rule per mismatch, then the
// exchange.
func (st *scenario) writeChecks(b *strings.Builder, x *exchange, v verdict) {
	for i, m := range v {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "\nExpected: %s\nActual:   %s", m.expected, m.actual)
		if m.path != "" {
			fmt.Fprintf(b, "\nPath:     %s", m.path)
		}
		if m.rule != "" {
			fmt.Fprintf(b, "\nRule:     %s", ruleText(m.rule))
		}
	}
	if x != nil {
		fmt.Fprintf(b, "\nExchange: %s", x.summary())
	}
}

// failf is fail for a single mismatch.
func (st *scenario) failf(x *exchange, expected, actual, path string) error {
	return st.fail(x, verdict{{expected: expected, actual: actual, path: path}})
}

// codeText is "201 (CHECKSUM_REPEATED)" for a body code.
func codeText(raw gjson.Result) string {
	if !raw.Exists() {
		return "(absent)"
	}
	if raw.Type != gjson.Number {
		return raw.Raw + " (not a number)"
	}
	c := protocol.Code(raw.Int())
	if float64(c) != raw.Num {
		return raw.Raw
	}
	return fmt.Sprintf("%d (%s)", int(c), c.Name())
}

// parseCode checks that a feature's "NNN NAME" pair is one of the 22 codes.
func parseCode(num int, name string) (protocol.Code, error) {
	c := protocol.Code(num)
	if !c.Valid() {
		return 0, stepError("%d is not one of the 22 codes", num)
	}
	if c.Name() != name {
		return 0, stepError("code %d is %s, not %s", num, c.Name(), name)
	}
	return c, nil
}

// responseOK checks the basics every Kairos answer must have: a response,
// a JSON object body, Content-Type application/json. It returns false when
// nothing else can be checked.
func (st *scenario) responseOK(x *exchange, v *verdict) bool {
	if x == nil {
		v.add("a response", "no request was sent (the scenario has no When step before this one)", "")
		return false
	}
	if x.status == 0 {
		v.add("an HTTP response", "no response: "+transportError(x), "")
		return false
	}
	if x.err != nil {
		v.add("a complete answer within the harness's limits", fmt.Sprintf("HTTP %d, but %s", x.status, transportError(x)), "")
		return false
	}
	// Valid JSON once trimmed: valid as read (x.isJSON, which allows
	// JSON's four whitespace bytes around it), or valid inside other
	// white space, which only a body so edged needs deciding again.
	trimmed := bytes.TrimSpace(x.body)
	valid := x.isJSON() || len(trimmed) != len(x.body) && gjson.ValidBytes(trimmed)
	if !valid || !bytes.HasPrefix(trimmed, []byte("{")) {
		v.add("a JSON object body (SPEC.md 4.1)", truncate(fmt.Sprintf("%q", x.body), 300), "")
		return false
	}
	if mt, _, err := mime.ParseMediaType(x.header.Get("Content-Type")); err != nil || mt != "application/json" {
		v.addFor(ruleResponses, "Content-Type: application/json (SPEC.md 4.3)", fmt.Sprintf("%q", x.header.Get("Content-Type")), "header Content-Type")
	}
	return true
}

// expectCode checks body code and message and the HTTP status under the
// profile's policy. transport is the HTTP status the reference server uses
// for a transport error (0: a processed request, HTTP 200).
func (st *scenario) expectCode(x *exchange, want protocol.Code, transport int, v *verdict) {
	if !st.responseOK(x, v) {
		return
	}
	wantNum := int(want)
	var label string
	if want == protocol.IPNotWhitelisted && st.knobs().IPNotWhitelistedAs != int(want) {
		wantNum = st.knobs().IPNotWhitelistedAs
		label = fmt.Sprintf("%d (the profile's ip-not-whitelisted-code; the table says %s)", wantNum, want)
	} else {
		label = fmt.Sprintf("%d (%s)", wantNum, want.Name())
	}
	code := gjson.GetBytes(x.body, "api-response-code")
	if !(code.Type == gjson.Number && code.Num == float64(wantNum)) {
		v.add("api-response-code "+label, codeText(code), "api-response-code")
	}
	if c := protocol.Code(wantNum); c.Valid() {
		st.expectMessage(x.body, "api-response-message", c, v)
	}
	st.expectHTTPStatus(x, wantNum, transport, v)
}

// expectMessage checks the api-response-message at path against the status
// table, SPEC.md section 5, as the profile's message-check knob says: exact
// (the default), case-insensitive, or off (the code is checked elsewhere).
func (st *scenario) expectMessage(body []byte, path string, want protocol.Code, v *verdict) {
	check := st.knobs().MessageCheck
	if check == protocol.MessageOff {
		return
	}
	got := gjson.GetBytes(body, path)
	if got.Type == gjson.String && check.Accepts(want.Message(), got.Str) {
		return
	}
	how := "character for character"
	if check == protocol.MessageCaseInsensitive {
		how = "in any case (message-check: case-insensitive)"
	}
	v.add(fmt.Sprintf("api-response-message %q for %d, %s (SPEC.md section 5's table)", want.Message(), int(want), how), rawOf(got), path)
}

// expectHTTPStatus applies the profile's HTTP-status policy (spec 4, 7).
func (st *scenario) expectHTTPStatus(x *exchange, bodyCode, transport int, v *verdict) {
	var allowed []int
	var why string
	switch st.knobs().HTTPStatusPolicy {
	case profile.StatusAny:
		return
	case profile.StatusAlways200:
		allowed, why = []int{200}, "always-200 policy"
	case profile.StatusMirror:
		allowed, why = []int{bodyCode}, "mirror-body-code policy: the body code"
		if transport != 0 {
			allowed = append(allowed, transport)
		}
	default:
		if transport != 0 {
			allowed, why = []int{transport}, "SPEC.md 4.3: a transport error"
		} else {
			allowed, why = []int{200}, "SPEC.md 4.3: every processed request gets HTTP 200"
		}
	}
	if ok, _ := gomega.BeElementOf(allowed).Match(x.status); ok {
		return
	}
	want := make([]string, len(allowed))
	for i, a := range allowed {
		want[i] = strconv.Itoa(a)
	}
	v.addFor(ruleResponses, fmt.Sprintf("HTTP status %s (%s)", strings.Join(want, " or "), why), strconv.Itoa(x.status), "HTTP status")
}

// expectEcho checks that call-details echo every client-identifier of the
// request in order, each accepted with a well-formed, distinct phonon-uuid;
// accepted calls are remembered for the Pull API.
func (st *scenario) expectEcho(x *exchange, sent []string, v *verdict) {
	details := gjson.GetBytes(x.body, "call-details")
	if !details.IsArray() {
		v.add("call-details: a list with one entry per call", rawOf(details), "call-details")
		return
	}
	entries := details.Array()
	if len(entries) != len(sent) {
		v.add(fmt.Sprintf("%d call-details entries (one per call, in request order)", len(sent)), strconv.Itoa(len(entries)), "call-details.#")
	}
	seen := map[string]bool{}
	requestID := gjson.GetBytes(x.body, "request-id").Str
	for i := 0; i < len(entries) && i < len(sent); i++ {
		p := fmt.Sprintf("call-details.%d", i)
		okID := v.match(x.body, p+".client-identifier", gomega.Equal(sent[i]), fmt.Sprintf("the client-identifier of call %d, %q", i+1, sent[i]))
		uuid := entries[i].Get("phonon-uuid")
		okUUID := v.match(x.body, p+".phonon-uuid", gomega.And(gomega.BeAssignableToTypeOf(""), gomega.MatchRegexp(uuidPattern)), "a well-formed phonon-uuid (RFC 4122)")
		if okUUID && seen[uuid.Str] {
			v.add("a phonon-uuid no other call has", uuid.Str+" (repeated)", p+".phonon-uuid")
		}
		seen[uuid.Str] = true
		if okID && okUUID {
			st.pull.accepted = append(st.pull.accepted, acceptedCall{clientID: sent[i], uuid: uuid.Str, requestID: requestID})
		}
	}
}

// expectRefusedCall checks call-details entry i (0-based) is refused with code.
func (st *scenario) expectRefusedCall(x *exchange, i int, sent []string, want protocol.Code, v *verdict) {
	p := fmt.Sprintf("call-details.%d", i)
	if !gjson.GetBytes(x.body, p).Exists() {
		v.add(fmt.Sprintf("a call-details entry for call %d", i+1), rawOf(gjson.GetBytes(x.body, "call-details")), "call-details")
		return
	}
	if i < len(sent) {
		v.match(x.body, p+".client-identifier", gomega.Equal(sent[i]), fmt.Sprintf("the client-identifier of call %d, %q", i+1, sent[i]))
	}
	code := gjson.GetBytes(x.body, p+".api-response-code")
	if !(code.Type == gjson.Number && code.Num == float64(want)) {
		v.add(fmt.Sprintf("call %d refused with api-response-code %d (%s)", i+1, int(want), want.Name()), codeText(code), p+".api-response-code")
	}
	st.expectMessage(x.body, p+".api-response-message", want, v)
	v.match(x.body, p+".phonon-uuid", gomega.BeNil(), "no phonon-uuid for a refused call")
}
