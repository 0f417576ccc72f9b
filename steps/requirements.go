package steps

import "github.com/kairos-conformance/kairos-conformance/internal/spec"

// requirement is the first line of a failure, h2spec style: the rule the
// scenario checks, as the SPEC.md heading its first @spec tag cites states
// it, with its mark, e.g. "SPEC.md 5.8 [doc]: A security-id that is not the
// flow's: 202 INVALID_SECURITY_ID". internal/spec's tests hold every tag to
// an existing heading.
func (st *scenario) requirement() string {
	if st.meta.spec == "" {
		return "SPEC.md: (the scenario has no @spec tag)"
	}
	if s, ok := spec.Lookup(st.meta.spec); ok {
		return s.String()
	}
	return spec.File + " " + st.meta.spec + ": (no such section)"
}
