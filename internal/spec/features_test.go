package spec_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/kairos-conformance/kairos-conformance/internal/spec"
)

// pickle is one scenario (or Examples row) of the feature files.
type pickle struct {
	id   string // "features/x.feature:12 name"
	tags []string
}

// featurePickles parses every feature file under features/ (client/
// included) from disk.
func featurePickles(t *testing.T) []pickle {
	t.Helper()
	var out []pickle
	newID := (&messages.Incrementing{}).NewId
	fsys := os.DirFS(root)
	err := fs.WalkDir(fsys, "features", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".feature") {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), newID)
		if err != nil {
			return err
		}
		for _, pk := range gherkin.Pickles(*doc, p, newID) {
			pc := pickle{id: p + " " + pk.Name}
			for _, tag := range pk.Tags {
				pc.tags = append(pc.tags, tag.Name)
			}
			out = append(out, pc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no scenario under features/")
	}
	return out
}

var specTag = regexp.MustCompile(`^@spec-(\d+(?:\.\d+)?)$`)

// TestEverySpecTagIsASection: each scenario cites at least one section, and
// every @spec-N / @spec-N.M tag is a numbered heading of SPEC.md.
func TestEverySpecTagIsASection(t *testing.T) {
	for _, pk := range featurePickles(t) {
		n := 0
		for _, tag := range pk.tags {
			if !strings.HasPrefix(tag, "@spec") {
				continue
			}
			n++
			m := specTag.FindStringSubmatch(tag)
			if m == nil {
				t.Errorf("%s: tag %s is not @spec-N or @spec-N.M", pk.id, tag)
				continue
			}
			if _, ok := spec.Lookup(m[1]); !ok {
				t.Errorf("%s: %s cites section %s, which SPEC.md does not have", pk.id, tag, m[1])
			}
		}
		if n == 0 {
			t.Errorf("%s: no @spec tag", pk.id)
		}
	}
}

// TestEveryScenarioIsDocOrRef: each scenario carries exactly one of @doc
// and @ref, and the one its @spec sections allow (spec.ScenarioMarks): a
// scenario citing a [ref] rule is @ref, one citing only [doc] rules @doc.
func TestEveryScenarioIsDocOrRef(t *testing.T) {
	counts := map[string]int{}
	for _, pk := range featurePickles(t) {
		var marks []string
		var cited []spec.Section
		for _, tag := range pk.tags {
			switch {
			case tag == spec.Doc.Tag() || tag == spec.Ref.Tag():
				marks = append(marks, tag)
			case specTag.MatchString(tag):
				if s, ok := spec.Lookup(specTag.FindStringSubmatch(tag)[1]); ok {
					cited = append(cited, s)
				}
			}
		}
		if len(marks) != 1 {
			t.Errorf("%s: tags %v: want exactly one of @doc and @ref", pk.id, marks)
			continue
		}
		counts[marks[0]]++
		allowed := spec.ScenarioMarks(cited)
		ok := slices.ContainsFunc(allowed, func(m spec.Mark) bool { return m.Tag() == marks[0] })
		if !ok {
			var why []string
			for _, s := range cited {
				why = append(why, s.Number+" ["+string(s.Mark)+"]")
			}
			t.Errorf("%s is %s, but it cites %s: want %s", pk.id, marks[0], strings.Join(why, ", "), allowed[0].Tag())
		}
	}
	t.Logf("scenarios: %d @doc, %d @ref", counts["@doc"], counts["@ref"])
}

// TestNoMalformedSpecTagInFeatures: nothing under features/ (README
// included) writes an @spec- tag without its section number.
func TestNoMalformedSpecTagInFeatures(t *testing.T) {
	stray := regexp.MustCompile(`@spec-(?:[^0-9]|$)`)
	err := filepath.WalkDir(filepath.Join(root, "features"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			if stray.MatchString(line) {
				t.Errorf("%s:%d: an @spec- tag without a section number: %s", p, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// ruleComment is a feature file's comment naming the rule the scenario
// below it tests: "# Rule 5.12: ..." or "# Section 6.2: ...".
var ruleComment = regexp.MustCompile(`^\s*# (?:Rules?|Section) (\d+(?:\.\d+)?)\b`)

// TestRuleCommentsCiteTheTaggedSections: the rule a scenario's comment
// names is one its @spec tags cite (or their section), so that the
// comment a reader sees and the tag the tests check never drift apart.
func TestRuleCommentsCiteTheTaggedSections(t *testing.T) {
	err := filepath.WalkDir(filepath.Join(root, "features"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".feature") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		lines := strings.Split(string(data), "\n")
		for i, line := range lines {
			m := ruleComment.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			j := i + 1
			for j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), "@") {
				j++
			}
			if j == len(lines) {
				t.Errorf("%s:%d: a rule comment with no scenario after it", p, i+1)
				continue
			}
			cited := false
			for _, tag := range strings.Fields(lines[j]) {
				n, ok := strings.CutPrefix(tag, "@spec-")
				cited = cited || ok && (n == m[1] || strings.HasPrefix(n, m[1]+"."))
			}
			if !cited {
				t.Errorf("%s:%d: the comment names %s, the scenario's tags (line %d) do not: %s", p, i+1, m[1], j+1, strings.TrimSpace(lines[j]))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
