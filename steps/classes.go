package steps

import (
	"encoding/json"
	"strings"
)

// The class-table steps (features/README.md): forms of one value that a
// lenient server would wrongly take as equal to the right one (an
// identifier in another case, with a space, one character longer) and the
// contact-number classes. Invalid numbers are made from the profile's own
// whitelisted (test) numbers, so that a server that wrongly accepts one
// rings at most the tester's phone.

const (
	swappedCase   = "in swapped case"
	trailingSpace = "with a trailing space"
	leadingSpace  = "with a leading space"
	oneMore       = "with one more character"
	oneLess       = "without its last character"
)

const variants = `(in swapped case|with a trailing space|with a leading space|with one more character|without its last character)`

func (st *scenario) registerClassSteps(sc stepRegistry) {
	sc.Step(`^the payload's (security-id|flow-id) is the flow's `+variants+`$`, st.identifierVariant)
	sc.Step(`^the envelope's flow-id is the flow's `+variants+`$`, st.envelopeFlowIDVariant)
	sc.Step(`^the envelope's flow-id is an empty string$`, func() error { return st.envelopeFlowID("") })
	sc.Step(`^the call's contact number is a whitelisted number starting (6|91)$`, st.whitelistedStarting)
	sc.Step(`^the call's contact number (loses its last digit|gains a trailing 0|has its first digit replaced by 5|has a space after its fifth digit)$`, st.mangleNumber)
	sc.Step(`^the call's contact number is written as a JSON number$`, st.numberAsJSONNumber)
	sc.Step(`^the payload has exactly as many calls as the limit$`, st.callsAtLimit)
	sc.Step(`^the pull request asks for exactly as many phonon-uuids as the limit$`, st.uuidsAtLimit)
	st.registerStartTimeClassSteps(sc)
}

// variant applies one of the variant phrases to v.
func (st *scenario) variant(what, v, how string) (string, error) {
	switch how {
	case swappedCase:
		w := swapCase(v)
		if w == v {
			return "", st.skip("the flow's %s has no letters, so it has no other case", what)
		}
		return w, nil
	case trailingSpace:
		return v + " ", nil
	case leadingSpace:
		return " " + v, nil
	case oneMore:
		return v + "0", nil
	case oneLess:
		if v == "" {
			return "", stepError("the flow's %s is empty", what)
		}
		return v[:len(v)-1], nil
	}
	return "", stepError("no variant %q", how)
}

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

func (st *scenario) identifierVariant(field, how string) error {
	if err := st.needFlow(); err != nil {
		return err
	}
	v := st.target.flow.FlowID
	if field == "security-id" {
		v = st.target.flow.SecurityID
	}
	w, err := st.variant(field, v, how)
	if err != nil {
		return err
	}
	if field == "security-id" {
		st.addSecret(w) // as secret as the original
	}
	return st.setInPayload(field, w)
}

func (st *scenario) envelopeFlowIDVariant(how string) error {
	if err := st.needFlow(); err != nil {
		return err
	}
	w, err := st.variant("flow-id", st.target.flow.FlowID, how)
	if err != nil {
		return err
	}
	return st.envelopeFlowID(w)
}

// envelopeFlowID addresses the envelope to id, sealed for the flow's key.
func (st *scenario) envelopeFlowID(id string) error {
	if err := st.needFlow(); err != nil {
		return err
	}
	f := st.target.flow
	f.PublicKey = st.target.pub
	f.FlowID = id
	st.target.envTo = &f
	return nil
}

// nationalForm strips a 91 or +91 prefix from a 12- or 13-character number
// (spec section 2 [ref]).
func nationalForm(n string) string {
	switch {
	case len(n) == 13 && strings.HasPrefix(n, "+91"):
		return n[3:]
	case len(n) == 12 && strings.HasPrefix(n, "91"):
		return n[2:]
	}
	return n
}

// firstNumber is the first contact number of the first call, national form.
func (st *scenario) firstNumber() ([]any, string, error) {
	list, err := st.calls()
	if err != nil {
		return nil, "", err
	}
	c, ok := list[0].(*object)
	if !ok {
		return nil, "", stepError("the first call is not an object")
	}
	nums, _ := c.get("contact-numbers")
	l, _ := nums.([]any)
	if len(l) == 0 {
		return nil, "", stepError("the call has no contact number")
	}
	n, _ := l[0].(string)
	if len(nationalForm(n)) != 10 {
		return nil, "", stepError("the call's contact number %q is not a 10-digit number: start from a whitelisted one", n)
	}
	return l, nationalForm(n), nil
}

func (st *scenario) whitelistedStarting(prefix string) error {
	l, _, err := st.firstNumber()
	if err != nil {
		return err
	}
	for _, n := range st.s.prof.Phones.Whitelisted {
		if nat := nationalForm(n); len(nat) == 10 && strings.HasPrefix(nat, prefix) {
			l[0] = nat
			return nil
		}
	}
	return st.skip("the profile lists no whitelisted number whose 10 digits start %s (phones.whitelisted)", prefix)
}

func (st *scenario) mangleNumber(how string) error {
	l, n, err := st.firstNumber()
	if err != nil {
		return err
	}
	switch how {
	case "loses its last digit":
		l[0] = n[:9]
	case "gains a trailing 0":
		l[0] = n + "0"
	case "has its first digit replaced by 5":
		l[0] = "5" + n[1:]
	case "has a space after its fifth digit":
		l[0] = n[:5] + " " + n[5:]
	}
	return nil
}

func (st *scenario) numberAsJSONNumber() error {
	l, n, err := st.firstNumber()
	if err != nil {
		return err
	}
	l[0] = json.Number(n)
	return nil
}

// callsAtLimit gives the payload exactly the calls limit (500, knob
// max-calls-per-request), copies of the first call with their own
// client-identifiers: the valid side of rule 11's boundary.
func (st *scenario) callsAtLimit() error {
	list, err := st.calls()
	if err != nil {
		return err
	}
	limit := st.knobs().MaxCallsPerRequest
	out := make([]any, 0, limit)
	for range limit {
		c := clone(list[0]).(*object)
		c.set("client-identifier", st.s.ids.clientID("kc"))
		out = append(out, c)
	}
	st.draft.payload.set("calls", out)
	return nil
}

// uuidsAtLimit pads the pull request with unknown uuids to exactly the
// limit (100, knob max-uuids-per-pull).
func (st *scenario) uuidsAtLimit() error {
	if err := st.needRequest(reqPull); err != nil {
		return err
	}
	v, _ := st.side.body.get("phonon-uuids")
	list, _ := v.([]any)
	more := st.knobs().MaxUUIDsPerPull - len(list)
	if more < 0 {
		return stepError("the pull request already asks for %d phonon-uuids, more than the limit %d", len(list), st.knobs().MaxUUIDsPerPull)
	}
	return st.addUnknownUUIDs(more)
}

// nullField is the malformation "null as "FIELD"": the envelope field is
// there, as JSON null (rule 5.1: not a string, so 400, not 500).
func nullField(field string) builder {
	return func(st *scenario, payload []byte, _ []string) ([]byte, error) {
		o, err := st.envelopeObject(payload)
		if err != nil {
			return nil, err
		}
		o.set(field, nil)
		return json.Marshal(o)
	}
}
