package reporting

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Cause is one distinct reason scenarios failed: the requirement broken
// and what was expected and seen, with the parts that vary from request to
// request (request ids, uuids, times, long numbers, base64) replaced by
// placeholders. Against a server whose wording differs, dozens of failures
// come from a handful of causes: a reader fixes causes.
//
// The requirement is the scenario's (the SPEC.md section its steps test),
// unless every expectation that failed names its own rule, as the message
// check does ("... (SPEC.md section 5's table)"): then that rule is the
// requirement, and one wording difference met by twenty kinds of scenario
// is one cause, with the scenarios' requirements listed in Seen.
type Cause struct {
	// Requirement is the scenario's requirement (SPEC.md section and rule),
	// or its reason when the step error has none; empty when the
	// expectations name their own rule.
	Requirement string
	// Seen are the distinct scenario requirements met, when Requirement is
	// empty: "SPEC.md 5.4", "SPEC.md 5.12".
	Seen []string
	// Expected and Actual are the mismatches, one a line, normalised.
	Expected, Actual string
	// Scenarios failed for this cause, in run order.
	Scenarios []*Scenario
	// Codes ("401") and Endpoints ("enc-multicast") are those the
	// scenarios' @status- and @endpoint- tags name, sorted.
	Codes, Endpoints []string
}

// Heading is the requirement, or "in scenarios of SPEC.md 5.4, 5.12" when
// the expectations name their own rule; max > 0 cuts the list there.
func (c *Cause) Heading(max int) string {
	if c.Requirement != "" || len(c.Seen) == 0 {
		return c.Requirement
	}
	seen := c.Seen
	more := ""
	if max > 0 && len(seen) > max {
		more = fmt.Sprintf(" and %d more", len(seen)-max)
		seen = seen[:max]
	}
	list := strings.Join(seen, ", ")
	if strings.HasPrefix(list, "SPEC.md ") {
		list = "SPEC.md " + strings.ReplaceAll(list[len("SPEC.md "):], ", SPEC.md ", ", ")
	}
	return "in scenarios of " + list + more
}

// Count is how many scenarios failed for this cause.
func (c *Cause) Count() int { return len(c.Scenarios) }

// Causes groups the scenarios with the given outcomes by cause, the most
// frequent first (ties in order of first appearance).
func Causes(scenarios []*Scenario) []*Cause {
	var out []*Cause
	index := map[string]*Cause{}
	for _, sc := range scenarios {
		req, exp, act, selfCited := causeOf(sc)
		key := req + "\x00" + exp + "\x00" + act
		if selfCited {
			key = "\x00" + exp + "\x00" + act
		}
		c := index[key]
		if c == nil {
			c = &Cause{Requirement: req, Expected: exp, Actual: act}
			if selfCited {
				c.Requirement = ""
			}
			index[key] = c
			out = append(out, c)
		}
		c.Scenarios = append(c.Scenarios, sc)
		if selfCited {
			c.Seen = appendNew(c.Seen, sectionOf(req))
		}
	}
	for _, c := range out {
		sort.SliceStable(c.Seen, func(i, j int) bool { return naturalLess(c.Seen[i], c.Seen[j]) })
		c.Codes = tagSet(c.Scenarios, "@status-")
		c.Endpoints = tagSet(c.Scenarios, "@endpoint-")
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count() > out[j].Count() })
	return out
}

// FailureCauses are the causes of the run's failures.
func (r *Run) FailureCauses() []*Cause { return Causes(r.Select(Failed, KnownFailurePassed)) }

// causeOf is a failed scenario's (requirement, expected, actual),
// normalised; selfCited is set when every expectation names its own rule.
func causeOf(sc *Scenario) (req, exp, act string, selfCited bool) {
	st := sc.FailedStep()
	if st == nil || st.Error == "" {
		// A known failure that passed, or a skip without a reason: the
		// reason is the cause.
		return normalizeCause(sc.Reason), "", "", false
	}
	v := SplitError(st.Error)
	req = v.Requirement
	var exps, acts []string
	selfCited = len(v.Mismatches) > 0
	for _, m := range v.Mismatches {
		exps = append(exps, normalizeCause(m.Expected))
		acts = append(acts, normalizeActual(m.Actual))
		selfCited = selfCited && citesRule.MatchString(m.Expected)
	}
	if req == "" && len(exps) == 0 {
		req = firstLine(st.Error)
	}
	return normalizeCause(req), strings.Join(exps, "\n"), strings.Join(acts, "\n"), selfCited
}

// citesRule finds an expectation that names its rule: "(SPEC.md 4.3)",
// "(SPEC.md section 5's table)".
var citesRule = regexp.MustCompile(`\(SPEC\.md [^)]*\)`)

// specSection finds the section a requirement starts with: "SPEC.md 5.4".
var specSection = regexp.MustCompile(`SPEC\.md \d+(?:\.\d+)*`)

// sectionOf is the first SPEC.md section a requirement names, else its
// first line.
func sectionOf(req string) string {
	if m := specSection.FindString(req); m != "" {
		return m
	}
	return firstLine(req)
}

func appendNew(list []string, s string) []string {
	for _, have := range list {
		if have == s {
			return list
		}
	}
	return append(list, s)
}

// The run-varying parts of a failure's text, most specific first; a match
// is replaced only where varies says so (nil: always).
var causeVarying = []struct {
	re     *regexp.Regexp
	varies func(string) bool
	with   string
	// harnessOnly marks a pattern only the harness's own words are
	// normalised by: never applied to what the target sent.
	harnessOnly bool
}{
	{regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), nil, "<uuid>", false},
	{regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?`), nil, "<time>", false},
	{regexp.MustCompile(`\b\d+(?:\.\d+)?(?:ns|µs|us|ms|s|m|h)\b`), nil, "<duration>", true},
	// base64: long, with a digit and both cases (an endpoint path has none).
	{regexp.MustCompile(`[A-Za-z0-9+/]{24,}={0,2}`), func(m string) bool {
		return strings.ContainsAny(m, "0123456789") && strings.ToLower(m) != m && strings.ToUpper(m) != m
	}, "<data>", false},
	// hex: six or more characters mixing digits and letters, so that words
	// such as "decade" and numbers such as 401 survive.
	{regexp.MustCompile(`\b[0-9a-fA-F]{6,}\b`), func(m string) bool {
		return strings.ContainsAny(m, "0123456789") && strings.ContainsAny(strings.ToLower(m), "abcdef")
	}, "<hex>", false},
	// Four digits or more: a count, a port, a phone number, an id. Status
	// codes and HTTP statuses have three, and are the point.
	{regexp.MustCompile(`\d{4,}`), nil, "<n>", false},
}

// normalizeCause replaces what varies between runs and requests with
// placeholders and trims space, so that two failures of one cause compare
// equal.
func normalizeCause(s string) string { return normalize(strings.TrimSpace(s), true) }

// normalizeActual is normalizeCause for an Actual line, which quotes what
// the target sent: outside double quotes the words are the harness's and
// are normalised in full; a quoted string without spaces is a value (a
// request-id, a uuid, an identifier echoed back), whose varying parts are
// set aside, but not as durations; a quoted string with spaces is the
// target's text (a message), kept exactly, so that "\u001b[0m" is never
// read as a duration nor a count in someone's message merged away.
func normalizeActual(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for s != "" {
		open := strings.IndexByte(s, '"')
		if open < 0 {
			b.WriteString(normalize(s, true))
			break
		}
		b.WriteString(normalize(s[:open], true))
		end := quotedEnd(s, open)
		quoted := s[open:end]
		if strings.ContainsAny(quoted, " \t\n") && !quotedTime.MatchString(quoted) {
			b.WriteString(quoted)
		} else {
			b.WriteString(normalize(quoted, false))
		}
		s = s[end:]
	}
	return b.String()
}

// quotedTime is a quoted string that is a time and nothing else: a value.
var quotedTime = regexp.MustCompile(`^"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"$`)

// quotedEnd is the index just past the double-quoted string that starts at
// s[open], backslash escapes skipped; the end of s when it is not closed.
func quotedEnd(s string, open int) int {
	for i := open + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(s)
}

// normalize applies causeVarying to s; harness is set for the harness's
// own words, which the harness-only patterns apply to as well.
func normalize(s string, harness bool) string {
	for _, v := range causeVarying {
		if v.harnessOnly && !harness {
			continue
		}
		s = v.re.ReplaceAllStringFunc(s, func(m string) string {
			if v.varies != nil && !v.varies(m) {
				return m
			}
			return v.with
		})
	}
	return s
}

func tagSet(scenarios []*Scenario, prefix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, sc := range scenarios {
		for _, t := range sc.TagsWithPrefix(prefix) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}

// naturalLess orders "SPEC.md 5.4" before "SPEC.md 5.12".
func naturalLess(a, b string) bool {
	ra, rb := digitRuns.FindAllStringIndex(a, -1), digitRuns.FindAllStringIndex(b, -1)
	if len(ra) == 0 || len(rb) == 0 || a[:ra[0][0]] != b[:rb[0][0]] {
		return a < b
	}
	for i := 0; i < len(ra) && i < len(rb); i++ {
		na, _ := strconv.Atoi(a[ra[i][0]:ra[i][1]])
		nb, _ := strconv.Atoi(b[rb[i][0]:rb[i][1]])
		if na != nb {
			return na < nb
		}
	}
	return len(ra) < len(rb)
}

var digitRuns = regexp.MustCompile(`\d+`)
