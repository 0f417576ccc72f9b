package protocol

import (
	"fmt"
	"strings"
)

// MessageCheck is how a response's api-response-message is compared with
// the status table (SPEC.md section 5), the profile knob message-check
// (SPEC.md section 7): for servers whose wording drifts from Phonon's.
type MessageCheck string

const (
	// MessageExact: character for character, case included.
	MessageExact MessageCheck = "exact"
	// MessageCaseInsensitive: the same characters, whatever their case.
	MessageCaseInsensitive MessageCheck = "case-insensitive"
	// MessageOff: the message is not checked (the code still is).
	MessageOff MessageCheck = "off"
)

// MessageChecks lists the knob's values.
func MessageChecks() []MessageCheck {
	return []MessageCheck{MessageExact, MessageCaseInsensitive, MessageOff}
}

// Accepts reports whether got passes for the table's message want.
func (m MessageCheck) Accepts(want, got string) bool {
	switch m {
	case MessageOff:
		return true
	case MessageCaseInsensitive:
		return strings.EqualFold(want, got)
	default:
		return want == got
	}
}

// Strictness says how failures of this project's readings count, the
// profile knob strictness (SPEC.md section 7).
type Strictness string

const (
	// StrictnessReference: every failed scenario fails the run.
	StrictnessReference Strictness = "reference"
	// StrictnessDocumented: a failed @ref scenario (one that checks this
	// project's reading, marked [ref] in SPEC.md) is a deviation, reported
	// as a warning; only a failed @doc scenario fails the run.
	StrictnessDocumented Strictness = "documented"
)

// Strictnesses lists the knob's values.
func Strictnesses() []Strictness {
	return []Strictness{StrictnessReference, StrictnessDocumented}
}

// ParseMessageCheck accepts exactly the knob's values.
func ParseMessageCheck(s string) (MessageCheck, error) { return parseKnob(s, MessageChecks()) }

// ParseStrictness accepts exactly the knob's values.
func ParseStrictness(s string) (Strictness, error) { return parseKnob(s, Strictnesses()) }

func parseKnob[T ~string](s string, values []T) (T, error) {
	names := make([]string, len(values))
	for i, v := range values {
		if string(v) == s {
			return v, nil
		}
		names[i] = string(v)
	}
	return "", fmt.Errorf("%q is not one of %s", s, strings.Join(names, ", "))
}
