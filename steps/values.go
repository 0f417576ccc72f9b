package steps

import (
	"context"
	"strings"
)

// A value phrase says what an edit step writes into a field: a JSON
// literal, or a value the harness makes for the scenario (an unknown flow
// id, a wrong security id, another role's flow id or security id). Each is
// its own anchored step for each thing that can be edited (the payload, a
// call, a side request), so godog sees every phrase.
type valuePhrase struct {
	expr  string // unanchored regexp of the phrase
	value func(st *scenario, field string, args []string) (any, error)
}

// literalRE is a JSON literal as a step writes it (see parseLiteral).
const literalRE = `("[^"]*"|-?[0-9][0-9.eE+-]*|true|false|null|an empty list|an empty object|an empty string|\[.*\]|\{.*\})`

var valuePhrases = []valuePhrase{
	{expr: literalRE, value: literalValue},
	{expr: `unknown`, value: unknownValue},
	{expr: `wrong`, value: wrongValue},
	{expr: `that of ` + roleRE, value: roleValue},
}

func literalValue(_ *scenario, _ string, args []string) (any, error) {
	v, err := parseLiteral(args[0])
	if err != nil {
		return nil, stepError("%v", err)
	}
	return v, nil
}

// unknownValue is a flow id no flow of the profile has, new in the run.
func unknownValue(st *scenario, field string, _ []string) (any, error) {
	if !fieldIs(field, "flow-id") {
		return nil, stepError("\"unknown\" is a value for a flow-id, not %q", field)
	}
	return st.unknownFlowID(), nil
}

// wrongValue is a security id of the right shape that is not the flow's.
func wrongValue(st *scenario, field string, _ []string) (any, error) {
	if !fieldIs(field, "security-id") {
		return nil, stepError("\"wrong\" is a value for a security-id, not %q", field)
	}
	return wrongSecurityID(st.target.flow.SecurityID), nil
}

// roleValue is the flow id or security id of the flow playing args[0].
func roleValue(st *scenario, field string, args []string) (any, error) {
	role, err := roleOf(args[0])
	if err != nil {
		return nil, err
	}
	f, err := st.flowFor(role)
	if err != nil {
		return nil, err
	}
	switch {
	case fieldIs(field, "flow-id"):
		return f.FlowID, nil
	case fieldIs(field, "security-id"):
		return f.SecurityID, nil
	}
	return nil, stepError("\"that of\" works for flow-id and security-id, not %q", field)
}

// fieldIs reports whether a field path ends in name, in any case ("Flow-Id"
// is a flow-id a case-sensitive server must not recognise).
func fieldIs(field, name string) bool {
	return strings.HasSuffix(strings.ToLower(field), name)
}

// registerValueSteps registers, for every value phrase, the steps that
// write it into the payload, a call, or a side request.
func (st *scenario) registerValueSteps(sc stepRegistry) {
	for _, vp := range valuePhrases {
		st.registerValueStep(sc, `^the payload's "([^"]+)" is `+vp.expr+`$`, 1, vp, func(field string, v any, _ []string) error {
			return st.setInPayload(field, v)
		})
		st.registerValueStep(sc, `^the (call|first call|last call)'s "([^"]+)" is `+vp.expr+`$`, 2, vp, func(field string, v any, head []string) error {
			p, err := st.callPath(head[0])
			if err != nil {
				return err
			}
			return st.setInPayload(p+"."+field, v)
		})
		st.registerValueStep(sc, `^the `+reqKinds+`'s "([^"]+)" is `+vp.expr+`$`, 2, vp, func(field string, v any, head []string) error {
			return st.setInRequest(head[0], field, v)
		})
	}
}

// registerValueStep registers one edit step: its first head captures say
// what is edited, the last of them naming the field; the rest are the
// value phrase's.
func (st *scenario) registerValueStep(sc stepRegistry, expr string, head int, vp valuePhrase, set func(field string, v any, head []string) error) {
	re := sc.compile(expr)
	sc.Step(re, stepFunc(re.NumSubexp(), func(_ context.Context, args []string) error {
		field := args[head-1]
		v, err := vp.value(st, field, args[head:])
		if err != nil {
			return err
		}
		return set(field, v, args[:head])
	}))
}
