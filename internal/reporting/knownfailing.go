package reporting

import (
	"fmt"
	"regexp"
	"strings"
)

// KnownFailing is a list of scenarios expected to fail against a target, as
// connectrpc/conformance keeps one: a listed failure is reported as "failed
// as expected" and does not fail the run, a listed scenario that passes
// fails it (the list is stale), and a pattern that matches no scenario at
// all is an error (a typo would otherwise hide a real failure forever).
//
// The file holds one pattern a line; "#" starts a comment, at the start of a
// line or after a blank. A pattern is matched against "Feature/Scenario"
// (see Scenario.FullName): "*" matches any run of characters, "/" included,
// "?" any one character, and everything else itself.
type KnownFailing struct {
	Path     string
	patterns []knownPattern
}

type knownPattern struct {
	text string
	line int
	re   *regexp.Regexp
}

// ParseKnownFailing reads a known-failing list; path names it in errors.
func ParseKnownFailing(path string, data []byte) (*KnownFailing, error) {
	k := &KnownFailing{Path: path}
	for i, line := range strings.Split(string(data), "\n") {
		text := stripComment(line)
		if text == "" {
			continue
		}
		re, err := globRegexp(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: pattern %q: %w", path, i+1, text, err)
		}
		k.patterns = append(k.patterns, knownPattern{text: text, line: i + 1, re: re})
	}
	return k, nil
}

func stripComment(line string) string {
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, "#") {
		return ""
	}
	if i := strings.Index(line, " #"); i >= 0 {
		line = line[:i]
	}
	if i := strings.Index(line, "\t#"); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}

func globRegexp(glob string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range glob {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// Len is the number of patterns.
func (k *KnownFailing) Len() int {
	if k == nil {
		return 0
	}
	return len(k.patterns)
}

// Match returns the first pattern that names sc, or "".
func (k *KnownFailing) Match(sc *Scenario) string {
	return k.matchName(sc.FullName())
}

func (k *KnownFailing) matchName(fullName string) string {
	if k == nil {
		return ""
	}
	for _, p := range k.patterns {
		if p.re.MatchString(fullName) {
			return p.text
		}
	}
	return ""
}

// CheckAllMatch returns an error naming every pattern that matches none of
// fullNames ("Feature/Scenario" of every scenario the features define, not
// only the selected ones: a list shared by several runs stays valid under
// --tags).
func (k *KnownFailing) CheckAllMatch(fullNames []string) error {
	if k == nil {
		return nil
	}
	var unused []string
	for _, p := range k.patterns {
		used := false
		for _, n := range fullNames {
			if p.re.MatchString(n) {
				used = true
				break
			}
		}
		if !used {
			unused = append(unused, fmt.Sprintf("%s:%d: pattern %q matches no scenario", k.Path, p.line, p.text))
		}
	}
	if len(unused) > 0 {
		return fmt.Errorf("known-failing list: %s", strings.Join(unused, "; "))
	}
	return nil
}
