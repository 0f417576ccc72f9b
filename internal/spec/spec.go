// Package spec is the project's own specification, SPEC.md at the
// repository root, compiled in (text_gen.go, written by `go generate`): its
// digest, which certification reports carry, and its numbered sections,
// which the features' @spec-N / @spec-N.M tags cite and a failing step quotes.
//
// Each numbered heading of SPEC.md ends with a mark: [doc] (Phonon's pages
// say it), [ref] (this project's reading) or [doc+ref] (its rules are mixed
// and each carries its own mark). A scenario carries @doc or @ref, the mark
// of the rule it checks; ScenarioMarks says which of the two its @spec tags
// allow.
package spec

//go:generate go run gen.go

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// File is the specification's file, from the repository root.
const File = "SPEC.md"

// Mark says who stands behind a rule.
type Mark string

const (
	// Doc: Phonon's pages state it (or their published samples show it).
	Doc Mark = "doc"
	// Ref: this project's reading where the pages are silent or disagree.
	Ref Mark = "ref"
	// Mixed: the section's rules carry both marks, each its own.
	Mixed Mark = "doc+ref"
)

// Tag is the scenario tag for a rule's mark: "@doc" or "@ref".
func (m Mark) Tag() string { return "@" + string(m) }

// Section is one numbered heading of SPEC.md.
type Section struct {
	Number string // "5.12", or "3" for a top-level section
	Title  string // the heading without its number and mark
	Mark   Mark
	// Body is the text under the heading, up to the next heading of the
	// same or a higher level (a section's subsections included).
	Body string
}

// String is how failures cite a rule: "SPEC.md 5.12 [ref]: A call ...".
func (s Section) String() string {
	return fmt.Sprintf("%s %s [%s]: %s", File, s.Number, s.Mark, s.Title)
}

// heading matches a numbered heading: "## 5. Title [doc+ref]" or
// "### 5.12 Title [ref]". numbered finds a heading that starts with a
// number, so that one which lost its mark is an error, not a gap.
var (
	heading  = regexp.MustCompile(`^(#{2,3}) (\d+(?:\.\d+)?)\.? (.+) \[(doc|ref|doc\+ref)\]$`)
	numbered = regexp.MustCompile(`^#{2,3} \d`)
)

// Parse reads the numbered sections of a SPEC.md text, in order. Every
// heading that starts with a number must end with a mark, and numbers are
// unique.
func Parse(text string) ([]Section, error) {
	type open struct {
		index, level int
		start        int // the line after the heading
	}
	lines := strings.Split(text, "\n")
	var out []Section
	var stack []open
	closeTo := func(level, at int) {
		for len(stack) > 0 && stack[len(stack)-1].level >= level {
			o := stack[len(stack)-1]
			out[o.index].Body = strings.Join(lines[o.start:at], "\n")
			stack = stack[:len(stack)-1]
		}
	}
	seen := map[string]int{}
	for i, line := range lines {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		level := len(line) - len(strings.TrimLeft(line, "#"))
		closeTo(level, i)
		if !numbered.MatchString(line) {
			continue
		}
		m := heading.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s line %d: %q: a numbered heading ends with [doc], [ref] or [doc+ref]", File, i+1, line)
		}
		if at, dup := seen[m[2]]; dup {
			return nil, fmt.Errorf("%s line %d: section %s is numbered again (first on line %d)", File, i+1, m[2], at)
		}
		seen[m[2]] = i + 1
		stack = append(stack, open{index: len(out), level: level, start: i + 1})
		out = append(out, Section{Number: m[2], Title: m[3], Mark: Mark(m[4])})
	}
	closeTo(1, len(lines))
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no numbered section", File)
	}
	return out, nil
}

// ScenarioMarks returns the marks a scenario citing these sections may
// carry: @ref if any of them is [ref] (a scenario that depends on one of
// this project's readings is judged as one), @doc if all are [doc], either
// when the rest are mixed (the scenario names its rule's own mark).
func ScenarioMarks(cited []Section) []Mark {
	allDoc := len(cited) > 0
	for _, s := range cited {
		if s.Mark == Ref {
			return []Mark{Ref}
		}
		allDoc = allDoc && s.Mark == Doc
	}
	if allDoc {
		return []Mark{Doc}
	}
	return []Mark{Doc, Ref}
}

// The compiled-in SPEC.md, parsed once, when first asked for rather than
// at every start of a binary that links this package (a client under
// certification, the runner): 0.4 ms a process. A parse error is kept, not
// panicked on: the package's tests fail on it, and Lookup finds nothing.
var (
	parsed = sync.OnceValues(func() ([]Section, error) { return Parse(text) })
	digest = sync.OnceValue(func() [sha256.Size]byte { return sha256.Sum256([]byte(text)) })
)

// Text is SPEC.md as this binary was built with it.
func Text() string { return text }

// Digest is "sha256:<hex>" of SPEC.md: what a certification report says it
// was judged against.
func Digest() string {
	sum := digest()
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Sections lists SPEC.md's numbered sections in order (a fresh slice).
func Sections() ([]Section, error) {
	sections, err := parsed()
	return append([]Section(nil), sections...), err
}

// Lookup finds a section by number, e.g. "5.12".
func Lookup(number string) (Section, bool) {
	sections, _ := parsed()
	for _, s := range sections {
		if s.Number == number {
			return s, true
		}
	}
	return Section{}, false
}
