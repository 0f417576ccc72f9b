package spec_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/spec"
)

// root is the repository root, from this package's directory.
const root = "../.."

func readSpec(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, spec.File))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func sections(t *testing.T) []spec.Section {
	t.Helper()
	all, err := spec.Sections()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func section(t *testing.T, number string) spec.Section {
	t.Helper()
	s, ok := spec.Lookup(number)
	if !ok {
		t.Fatalf("SPEC.md has no section %s", number)
	}
	return s
}

// TestCompiledCopyIsSPECmd: the binary carries SPEC.md as it is.
func TestCompiledCopyIsSPECmd(t *testing.T) {
	if spec.Text() != readSpec(t) {
		t.Fatal("SPEC.md changed since internal/spec/text_gen.go was generated: run go generate ./internal/spec")
	}
}

// TestDigestIsSPECmds: the digest certification reports carry is SHA-256
// of SPEC.md.
func TestDigestIsSPECmds(t *testing.T) {
	sum := sha256.Sum256([]byte(readSpec(t)))
	if want := "sha256:" + hex.EncodeToString(sum[:]); spec.Digest() != want {
		t.Errorf("Digest() = %s, SHA-256 of SPEC.md is %s", spec.Digest(), want)
	}
}

// TestNumbering: sections 1 to 8, and section 5's trigger rules 5.1 to
// 5.22, each once and in order.
func TestNumbering(t *testing.T) {
	var top, triggers []string
	for _, s := range sections(t) {
		if !strings.Contains(s.Number, ".") {
			top = append(top, s.Number)
		}
		if rest, ok := strings.CutPrefix(s.Number, "5."); ok {
			triggers = append(triggers, rest)
		}
	}
	if want := []string{"1", "2", "3", "4", "5", "6", "7", "8"}; !slices.Equal(top, want) {
		t.Errorf("top-level sections %v, want %v", top, want)
	}
	var want []string
	for i := 1; i <= 22; i++ {
		want = append(want, strconv.Itoa(i))
	}
	if !slices.Equal(triggers, want) {
		t.Errorf("section 5's rules are %v, want 1 to 22 in order", triggers)
	}
}

// TestMarksMatchTheirRules: a [doc] section states no [ref] rule, a [ref]
// section no [doc] one, and a [doc+ref] section has both: the mark a
// heading carries, which scenarios inherit, is what its rules say.
func TestMarksMatchTheirRules(t *testing.T) {
	for _, s := range sections(t) {
		doc, ref := strings.Contains(s.Body, "[doc"), strings.Contains(s.Body, "[ref")
		switch s.Mark {
		case spec.Doc:
			if ref || !doc {
				t.Errorf("%s is marked [doc]: its rules carry [doc] %v, [ref] %v", s.Number, doc, ref)
			}
		case spec.Ref:
			if doc || !ref {
				t.Errorf("%s is marked [ref]: its rules carry [doc] %v, [ref] %v", s.Number, doc, ref)
			}
		case spec.Mixed:
			if !doc || !ref {
				t.Errorf("%s is marked [doc+ref]: its rules carry [doc] %v, [ref] %v; mark it with the one it has", s.Number, doc, ref)
			}
		}
	}
}

func TestParseRefusesUnmarkedAndRepeatedHeadings(t *testing.T) {
	for name, text := range map[string]string{
		"no mark":     "## 1. Endpoints\n- a rule [doc]\n",
		"bad mark":    "## 1. Endpoints [docs]\n",
		"repeated":    "## 1. A [doc]\n### 1.1 B [doc]\n### 1.1 C [ref]\n",
		"no sections": "# Title\n## Notes\n",
	} {
		if _, err := spec.Parse(text); err == nil {
			t.Errorf("%s: Parse accepted %q", name, text)
		}
	}
	got, err := spec.Parse("# T\n## 1. A [doc+ref]\nx [doc]\n### 1.1 B [ref]\ny [ref]\n## Notes\nz\n## 2. C [doc]\nw [doc]\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []spec.Section{
		{Number: "1", Title: "A", Mark: spec.Mixed, Body: "x [doc]\n### 1.1 B [ref]\ny [ref]"},
		{Number: "1.1", Title: "B", Mark: spec.Ref, Body: "y [ref]"},
		{Number: "2", Title: "C", Mark: spec.Doc, Body: "w [doc]\n"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Parse:\n got %q\nwant %q", got, want)
	}
}

func TestScenarioMarks(t *testing.T) {
	doc, ref, mixed := spec.Section{Mark: spec.Doc}, spec.Section{Mark: spec.Ref}, spec.Section{Mark: spec.Mixed}
	for _, c := range []struct {
		cited []spec.Section
		want  []spec.Mark
	}{
		{[]spec.Section{doc}, []spec.Mark{spec.Doc}},
		{[]spec.Section{ref}, []spec.Mark{spec.Ref}},
		{[]spec.Section{mixed}, []spec.Mark{spec.Doc, spec.Ref}},
		{[]spec.Section{doc, mixed}, []spec.Mark{spec.Doc, spec.Ref}},
		{[]spec.Section{doc, ref}, []spec.Mark{spec.Ref}},
		{[]spec.Section{mixed, ref}, []spec.Mark{spec.Ref}},
		{nil, []spec.Mark{spec.Doc, spec.Ref}},
	} {
		if got := spec.ScenarioMarks(c.cited); !slices.Equal(got, c.want) {
			t.Errorf("ScenarioMarks(%v) = %v, want %v", c.cited, got, c.want)
		}
	}
}
