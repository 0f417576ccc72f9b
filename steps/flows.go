package steps

import (
	"regexp"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// rolePhrases are how scenarios name the roles of spec section 8; KIND is
// multicast or dialer.
var rolePhrases = []struct{ condition, phrase string }{
	{"healthy", "a healthy KIND flow"},
	{"no-testing-version", "a KIND flow without a testing version"},
	{"no-did", "a KIND flow without DID"},
	{"no-mask", "a KIND flow with an empty mask pool"},
	{"invalid-gateway", "a KIND flow with an invalid SMS gateway"},
	{"failing-gateway", "a KIND flow whose SMS gateway refuses requests"},
	{"failing", "a failing KIND flow"},
	{"validity-expired", "a KIND flow whose account validity has expired"},
	{"zero-balance", "a KIND flow whose account has zero balance"},
	{"ip-not-whitelisted", "a KIND flow whose account does not whitelist this machine"},
	{"rotatable", "a KIND flow reserved for key rotation"},
}

const kindPattern = `(?:multicast|dialer)`

// roleRE is one alternation of every role phrase, for use inside a step
// pattern as a single capture group.
var roleRE = func() string {
	var alts []string
	for _, rp := range rolePhrases {
		alts = append(alts, regexp.QuoteMeta(strings.Replace(rp.phrase, "KIND", "@", 1)))
	}
	return "(" + strings.ReplaceAll(strings.Join(alts, "|"), "@", kindPattern) + ")"
}()

var rolePhraseREs = func() []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, rp := range rolePhrases {
		q := regexp.QuoteMeta(strings.Replace(rp.phrase, "KIND", "@", 1))
		out = append(out, regexp.MustCompile("^"+strings.Replace(q, "@", "(multicast|dialer)", 1)+"$"))
	}
	return out
}()

// roleOf turns a role phrase into a role name such as "no-did-dialer".
func roleOf(phrase string) (string, error) {
	for i, re := range rolePhraseREs {
		if m := re.FindStringSubmatch(phrase); m != nil {
			return profile.Role(rolePhrases[i].condition, m[1]), nil
		}
	}
	return "", stepError("%q names no role", phrase)
}

func otherKind(kind string) string {
	if kind == protocol.KindDialer {
		return protocol.KindMulticast
	}
	return protocol.KindDialer
}

func (st *scenario) registerFlowSteps(sc stepRegistry) {
	sc.Step(`^`+roleRE+`$`, st.givenFlow)
	sc.Step(`^the envelope is addressed to `+roleRE+`$`, st.envelopeAddressedTo)
	sc.Step(`^the envelope's flow-id is unknown$`, st.envelopeFlowIDUnknown)
}

// flowFor returns the profile's flow for a role, or a skip naming why not.
func (st *scenario) flowFor(role string) (profile.Flow, error) {
	f, err := st.s.prof.Flow(role)
	if err != nil {
		return f, st.skip("%v: the scenario needs a flow that plays %s (spec section 8)", err, role)
	}
	return f, nil
}

func (st *scenario) givenFlow(phrase string) error {
	role, err := roleOf(phrase)
	if err != nil {
		return err
	}
	f, err := st.flowFor(role)
	if err != nil {
		return err
	}
	if strings.HasPrefix(role, "rotatable-") {
		st.shareFlow(f.FlowID) // for writing once the scenario rotates its key
	}
	st.target.role, st.target.kind, st.target.flow, st.target.pub = role, profile.KindOf(role), f, f.PublicKey
	return nil
}

func (st *scenario) envelopeAddressedTo(phrase string) error {
	if err := st.needFlow(); err != nil {
		return err
	}
	role, err := roleOf(phrase)
	if err != nil {
		return err
	}
	if strings.HasPrefix(role, "rotatable-") {
		return stepError("address envelopes to a flow whose key is stable, not %s", role)
	}
	f, err := st.flowFor(role)
	if err != nil {
		return err
	}
	if f.FlowID == st.target.flow.FlowID {
		return st.skip("the profile maps %s and %s to the same flow %s", role, st.target.role, f.FlowID)
	}
	st.target.envTo = &f
	return nil
}

func (st *scenario) envelopeFlowIDUnknown() error {
	if err := st.needFlow(); err != nil {
		return err
	}
	f := st.target.flow
	f.FlowID = st.unknownFlowID()
	st.target.envTo = &f // sealed for the flow's key, but addressed to nobody
	return nil
}

// unknownFlowID is a flow id of the right shape that no flow of the
// profile has, new in the run (idSource.flowID).
func (st *scenario) unknownFlowID() string {
	for {
		id := st.s.ids.flowID()
		known := false
		for _, f := range st.s.prof.Flows {
			known = known || f.FlowID == id
		}
		if !known {
			return id
		}
	}
}

// wrongSecurityID returns a security id of the right shape that is not sid.
func wrongSecurityID(sid string) string {
	if sid == "" {
		return strings.Repeat("0", 64)
	}
	last := sid[len(sid)-1]
	repl := byte('0')
	if last == '0' {
		repl = '1'
	}
	return sid[:len(sid)-1] + string(repl)
}

// otherFlowOfKind returns another mapped flow of the given kind (not
// rotatable, whose key may change), for scenarios that need "some other
// known flow".
func (st *scenario) otherFlowOfKind(kind string, not string) (profile.Flow, string, error) {
	for _, role := range st.s.prof.Roles() {
		if profile.KindOf(role) != kind || strings.HasPrefix(role, "rotatable-") {
			continue
		}
		f, _ := st.s.prof.Flow(role)
		if f.FlowID != not {
			return f, role, nil
		}
	}
	return profile.Flow{}, "", st.skip("the profile maps no second %s flow", kind)
}
