package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
)

// scenarioInfo is one pickle (a Scenario, or one Examples row) as the
// runner sees it before the run: enough to list it, select it by name and
// check the known-failing list against it.
type scenarioInfo struct {
	URI     string // as godog will name the file
	Feature string
	Name    string
	// ScenarioLine is the Scenario (Outline) keyword's line: the line godog's
	// "path:line" filter selects by.
	ScenarioLine int
	// Line is the pickle's own line (an Examples row for an outline), the
	// line the reports show.
	Line int
	Tags []string
}

func (s scenarioInfo) fullName() string { return s.Feature + "/" + s.Name }

// loadScenarios parses every .feature file under dir in fsys, in godog's
// order (lexical, as fs.WalkDir walks).
func loadScenarios(fsys fs.FS, dir string) ([]scenarioInfo, error) {
	var out []scenarioInfo
	newID := (&messages.Incrementing{}).NewId
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".feature") {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), newID)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if doc.Feature == nil {
			return nil
		}
		lines := scenarioLines(doc.Feature.Children)
		for _, pk := range gherkin.Pickles(*doc, p, newID) {
			info := scenarioInfo{URI: p, Feature: doc.Feature.Name, Name: pk.Name, ScenarioLine: lines[pk.AstNodeIds[0]]}
			info.Line = info.ScenarioLine
			if pk.Location != nil {
				info.Line = int(pk.Location.Line)
			}
			for _, t := range pk.Tags {
				info.Tags = append(info.Tags, t.Name)
			}
			out = append(out, info)
		}
		return nil
	})
	return out, err
}

// scenarioLines maps each scenario's AST id to its keyword's line,
// descending into Rules.
func scenarioLines(children []*messages.FeatureChild) map[string]int {
	lines := map[string]int{}
	for _, c := range children {
		if c.Scenario != nil {
			lines[c.Scenario.Id] = int(c.Scenario.Location.Line)
		}
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					lines[rc.Scenario.Id] = int(rc.Scenario.Location.Line)
				}
			}
		}
	}
	return lines
}

// Tag expressions are godog v0.16's (internal/tags), which is not
// cucumber's tag-expressions language: "," is or, "&&" is and, "~" is not,
// and there are no parentheses. The runner evaluates them itself only to
// --list and to select by --name; the run passes the same string to godog.

// checkTagExpression rejects what godog would panic on or silently
// misread: an empty term, a term that is only "~" or "@".
func checkTagExpression(expr string) error {
	if expr == "" {
		return nil
	}
	for _, or := range strings.Split(expr, ",") {
		for _, term := range strings.Split(or, "&&") {
			tag := strings.ReplaceAll(strings.TrimSpace(term), "@", "")
			tag = strings.TrimPrefix(tag, "~")
			if tag == "" {
				return fmt.Errorf("%q: empty term (write @a,@b for a or b; @a && @b for both; ~@a for not a)", expr)
			}
			if strings.ContainsAny(tag, " ()!") {
				return fmt.Errorf("%q: %q is not a tag (godog's expressions have no parentheses, no \"not\": use ~@tag)", expr, strings.TrimSpace(term))
			}
		}
	}
	return nil
}

// matchTags evaluates a checked expression the way godog does.
func matchTags(expr string, tags []string) bool {
	if expr == "" {
		return true
	}
	has := func(tag string) bool {
		for _, t := range tags {
			if strings.ReplaceAll(t, "@", "") == tag {
				return true
			}
		}
		return false
	}
	for _, or := range strings.Split(expr, ",") {
		all := true
		for _, term := range strings.Split(or, "&&") {
			tag := strings.ReplaceAll(strings.TrimSpace(term), "@", "")
			if neg, ok := strings.CutPrefix(tag, "~"); ok {
				all = all && !has(neg)
			} else {
				all = all && has(tag)
			}
		}
		if all {
			return true
		}
	}
	return false
}

// selectScenarios keeps the scenarios matching tags and name. godog can
// select a Scenario Outline only whole (by its line), so --name does too: an
// outline runs all its rows (that tags keep) when any row's name matches.
func selectScenarios(all []scenarioInfo, tags string, name *regexp.Regexp) []scenarioInfo {
	named := map[string]bool{} // "uri:scenario line" of the outlines --name picks
	if name != nil {
		for _, s := range all {
			if name.MatchString(s.Name) {
				named[s.URI+":"+strconv.Itoa(s.ScenarioLine)] = true
			}
		}
	}
	var out []scenarioInfo
	for _, s := range all {
		if matchTags(tags, s.Tags) && (name == nil || named[s.URI+":"+strconv.Itoa(s.ScenarioLine)]) {
			out = append(out, s)
		}
	}
	return out
}

// errEmptySelection is returned when --tags and --name leave nothing: a run
// of nothing would pass vacuously.
var errEmptySelection = errors.New("no scenario matches the selection")

// featurePaths turns a --name selection into godog's "path:line" paths, one
// per Scenario (an outline's rows share its line; --tags still filters
// them). godog itself cannot select by name.
func featurePaths(selected []scenarioInfo) []string {
	seen := map[string]bool{}
	var paths []string
	for _, s := range selected {
		p := s.URI + ":" + strconv.Itoa(s.ScenarioLine)
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	return paths
}

// writeList prints the selection for --list: location, name, tags.
func writeList(w io.Writer, selected []scenarioInfo) {
	width := 0
	for _, s := range selected {
		if n := len(s.URI) + 1 + len(strconv.Itoa(s.Line)); n > width {
			width = n
		}
	}
	for _, s := range selected {
		fmt.Fprintf(w, "%-*s  %s  %s\n", width, s.URI+":"+strconv.Itoa(s.Line), s.Name, strings.Join(s.Tags, " "))
	}
	fmt.Fprintf(w, "%d scenarios\n", len(selected))
}
