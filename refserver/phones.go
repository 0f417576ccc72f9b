package refserver

import "strings"

// nationalNumber strips an optional 91 or +91 prefix from a contact number
// and reports whether what remains is a valid number: 10 digits starting
// 6-9 (spec section 2 [ref]). The national form is what whitelists compare,
// so "917016225597" and "7016225597" are the same phone. A 10-digit number
// that merely starts with 91 is kept whole.
func nationalNumber(s string) (string, bool) {
	switch {
	case len(s) == 13 && s[:3] == "+91":
		s = s[3:]
	case len(s) == 12 && s[:2] == "91":
		s = s[2:]
	}
	if len(s) != 10 || s[0] < '6' || s[0] > '9' {
		return s, false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return s, false
		}
	}
	return s, true
}

// contactNumber is nationalNumber as the server applies it to a call's
// number (rule 21), with the phone faults: national is what the test-phone
// whitelist is compared with.
func (s *Server) contactNumber(n string) (national string, valid bool) {
	if s.fault.is(faultStripFormatting) {
		n = strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '(' || r == ')' {
				return -1
			}
			return r
		}, n)
	}
	switch {
	case s.fault.is(faultStrip91Always) && strings.HasPrefix(n, "+91"):
		n = n[3:]
	case s.fault.is(faultStrip91Always) && strings.HasPrefix(n, "91"):
		n = n[2:]
	case s.fault.is(faultUnanchoredNumber) && len(n) > 10:
		// ^(\+?91)?[6-9]\d{9} without $: the prefix is taken only if
		// what follows it still matches.
		for _, p := range []string{"+91", "91"} {
			if rest, ok := strings.CutPrefix(n, p); ok && len(rest) >= 10 && validNational(rest[:10], '6', 10) {
				return rest[:10], true
			}
		}
		return n[:10], validNational(n[:10], '6', 10)
	}
	national, valid = nationalNumber(n)
	first, length := byte('6'), 10
	switch {
	case s.fault.is(faultFirstDigit7):
		first = '7'
	case s.fault.is(faultFirstDigit5):
		first = '5'
	case s.fault.is(faultNineDigits) && len(national) == 9:
		length = 9
	}
	if first != '6' || length != 10 {
		valid = validNational(national, first, length)
	}
	if s.fault.is(faultWhitelistRaw) {
		national = n
	}
	return national, valid
}

// validNational reports whether s is length digits, the first at least
// first.
func validNational(s string, first byte, length int) bool {
	if len(s) != length || s[0] < first || s[0] > '9' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
