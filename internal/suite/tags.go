package suite

import (
	"fmt"
	"strings"
)

// ClientTag marks the scenarios that judge a vendor's client (the harness
// plays the server, `runner certify-client`); they are a separate suite,
// which Run always excludes.
const ClientTag = "@client"

// Tag expressions are godog v0.16's (its internal/tags), which is not
// cucumber's tag-expressions language: "," is or, "&&" is and, "~" is not,
// and there are no parentheses. This file is the harness's one reading of
// them: CheckTags refuses what godog would panic on or silently misread,
// MatchTags evaluates an expression as godog does (to --list and to select
// by name before the run), Tags adds the exclusion of ClientTag.

// tagTerm is one condition of an expression: a tag, maybe negated.
type tagTerm struct {
	name    string // without its @
	negated bool
}

// parseTags splits a non-empty expression into alternatives of terms.
func parseTags(expr string) ([][]tagTerm, error) {
	var alts [][]tagTerm
	for _, alt := range strings.Split(expr, ",") {
		var terms []tagTerm
		for _, c := range strings.Split(alt, "&&") {
			c = strings.TrimSpace(c)
			rest, negated := strings.CutPrefix(c, "~")
			name := strings.TrimPrefix(rest, "@")
			switch {
			case name == "":
				return nil, fmt.Errorf("tag expression %q: empty term (write @a,@b for a or b; @a && @b for both; ~@a for not a)", expr)
			case strings.ContainsAny(name, " \t@~()!"):
				return nil, fmt.Errorf("tag expression %q: %q is not a tag (write @tag or ~@tag, joined by && or ,; there are no parentheses and no \"not\")", expr, c)
			}
			terms = append(terms, tagTerm{name: name, negated: negated})
		}
		alts = append(alts, terms)
	}
	return alts, nil
}

// CheckTags reports what is wrong with a tag expression; the empty
// expression selects everything.
func CheckTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	_, err := parseTags(expr)
	return err
}

// MatchTags evaluates a checked expression against a scenario's tags (with
// or without their @) the way godog does; an expression CheckTags refuses
// matches nothing.
func MatchTags(expr string, tags []string) bool {
	if strings.TrimSpace(expr) == "" {
		return true
	}
	alts, err := parseTags(expr)
	if err != nil {
		return false
	}
	has := func(name string) bool {
		for _, t := range tags {
			if strings.ReplaceAll(t, "@", "") == name {
				return true
			}
		}
		return false
	}
	for _, terms := range alts {
		all := true
		for _, term := range terms {
			all = all && has(term.name) != term.negated
		}
		if all {
			return true
		}
	}
	return false
}

// Tags returns expr with the ClientTag scenarios excluded, in godog's
// syntax: what Run hands godog, and what the runner selects with.
func Tags(expr string) (string, error) {
	return Without(expr, ClientTag)
}

// Without returns expr with the scenarios tagged tag (with its @) left
// out: And(expr, "~"+tag).
func Without(expr, tag string) (string, error) {
	return And(expr, "~"+tag)
}

// And returns expr and term (a tag, maybe negated) in godog's syntax,
// which has no parentheses: term joins each alternative ("@a,@b" and ~@c
// is "@a && ~@c,@b && ~@c"). An empty expr gives term alone.
func And(expr, term string) (string, error) {
	if err := CheckTags(term); err != nil || strings.TrimSpace(term) == "" || strings.ContainsAny(term, ",&") {
		return "", fmt.Errorf("suite: %q is not one tag or negated tag", term)
	}
	if strings.TrimSpace(expr) == "" {
		return term, nil
	}
	alts, err := parseTags(expr)
	if err != nil {
		return "", fmt.Errorf("suite: %w", err)
	}
	out := make([]string, len(alts))
	for i, terms := range alts {
		conds := make([]string, 0, len(terms)+1)
		for _, t := range terms {
			c := "@" + t.name
			if t.negated {
				c = "~" + c
			}
			conds = append(conds, c)
		}
		out[i] = strings.Join(append(conds, term), " && ")
	}
	return strings.Join(out, ","), nil
}
