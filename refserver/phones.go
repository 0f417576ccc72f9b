package refserver

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
