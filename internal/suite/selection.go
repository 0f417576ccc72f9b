package suite

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
)

// ScenarioInfo is one pickle (a Scenario, or one Examples row) as it is
// seen before the run: enough to list it, select it by tags and name and
// check the known-failing list against it.
type ScenarioInfo struct {
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

// FullName is how known-failing patterns name a scenario: "Feature/Scenario".
func (s ScenarioInfo) FullName() string { return s.Feature + "/" + s.Name }

// LoadScenarios parses every .feature file under dir in fsys, in godog's
// order (lexical, as fs.WalkDir walks).
func LoadScenarios(fsys fs.FS, dir string) ([]ScenarioInfo, error) {
	var out []ScenarioInfo
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
			info := ScenarioInfo{URI: p, Feature: doc.Feature.Name, Name: pk.Name, ScenarioLine: lines[pk.AstNodeIds[0]]}
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

// SelectScenarios keeps the scenarios matching the tag expression tags
// (MatchTags) and name. godog can select a Scenario Outline only whole (by
// its line), so name does too: an outline runs all its rows (that tags
// keep) when any row's name matches.
func SelectScenarios(all []ScenarioInfo, tags string, name *regexp.Regexp) []ScenarioInfo {
	named := map[string]bool{} // "uri:scenario line" of the outlines --name picks
	if name != nil {
		for _, s := range all {
			if name.MatchString(s.Name) {
				named[s.URI+":"+strconv.Itoa(s.ScenarioLine)] = true
			}
		}
	}
	var out []ScenarioInfo
	for _, s := range all {
		if MatchTags(tags, s.Tags) && (name == nil || named[s.URI+":"+strconv.Itoa(s.ScenarioLine)]) {
			out = append(out, s)
		}
	}
	return out
}

// ErrEmptySelection is returned when tags and name leave nothing: a run of
// nothing would pass vacuously.
var ErrEmptySelection = errors.New("no scenario matches the selection")

// FeaturePathsOf turns a selection by name into godog's "path:line" paths,
// one per Scenario (an outline's rows share its line; the tags still filter
// them). godog itself cannot select by name.
func FeaturePathsOf(selected []ScenarioInfo) []string {
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

// FeatureFiles lists the files the scenarios come from, in order.
func FeatureFiles(all []ScenarioInfo) []string {
	var files []string
	for i, s := range all {
		if i == 0 || s.URI != all[i-1].URI {
			files = append(files, s.URI)
		}
	}
	return files
}
