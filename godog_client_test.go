package kairosconformance

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

// wantClientScenarios is the size of the client suite (features/client).
const wantClientScenarios = 50

// TestGodogCLISkipsClientScenarios runs what `godog run --strict` runs from
// the repository root, restricted to the @client scenarios and the few
// server scenarios of one status code: with both vocabularies registered,
// each client scenario is skipped with the reason, none is undefined or
// ambiguous, and the run passes. The wiring's own count, printed before
// godog's summary, counts the skips as skips and names their reason.
// (The server scenarios run whole in package suite.)
func TestGodogCLISkipsClientScenarios(t *testing.T) {
	t.Setenv(envProfile, "") // the in-process server, whatever the shell says
	t.Setenv(envTarget, "")
	var out, voice bytes.Buffer
	tally.Lock()
	tally.out = &voice
	tally.Unlock()
	defer func() {
		tally.Lock()
		tally.out = os.Stderr
		tally.Unlock()
	}()
	status := godog.TestSuite{
		TestSuiteInitializer: InitializeTestSuite,
		ScenarioInitializer:  InitializeScenario,
		Options: &godog.Options{
			Format: "cucumber", Output: &out, NoColors: true, Strict: true,
			Paths: []string{"features"}, Tags: suite.ClientTag + ",@status-207", Concurrency: 4,
		},
	}.Run()
	if status != 0 {
		t.Errorf("godog status %d, want 0", status)
	}
	scenarios, err := reporting.ParseCucumber(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, sc := range scenarios {
		count[sc.Status]++
	}
	if count["skipped"] != wantClientScenarios || count["passed"] == 0 || len(scenarios) != count["skipped"]+count["passed"] {
		t.Errorf("%d scenarios by status %v; want %d @client scenarios skipped, the rest passed", len(scenarios), count, wantClientScenarios)
	}
	for _, want := range []string{
		fmt.Sprintf("kairos-conformance: %d scenarios: %d passed, 0 failed, %d skipped\n", len(scenarios), count["passed"], count["skipped"]),
		fmt.Sprintf("kairos-conformance:   %d skipped: %s\n", wantClientScenarios, clientSkipReason),
		"kairos-conformance: skipped: ",
	} {
		if !strings.Contains(voice.String(), want) {
			t.Errorf("the wiring's output lacks %q:\n%s", want, voice.String())
		}
	}
	if n := strings.Count(voice.String(), "kairos-conformance: skipped: "); n != wantClientScenarios {
		t.Errorf("%d skip lines, want %d", n, wantClientScenarios)
	}
	for _, sc := range scenarios {
		if !sc.HasTag(suite.ClientTag) {
			continue
		}
		if got := strings.Join(sc.AttachmentTexts("skip-reason"), "\n"); sc.Status != "skipped" || got != clientSkipReason {
			t.Errorf("%s: %s %s, skip-reason %q; want skipped, %q", sc.ID(), sc.Status, sc.FirstError(), got, clientSkipReason)
		}
	}
}

// TestGodogCLIContextsAreExported: the godog CLI builds a runner from this
// package's functions that take a *godog.ScenarioContext or
// *godog.TestSuiteContext, and refuses to run ("godog contexts must be
// exported") when one of them is unexported.
func TestGodogCLIContextsAreExported(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Type.Params == nil || len(fn.Type.Params.List) != 1 {
				continue
			}
			star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			sel, ok := star.X.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "ScenarioContext" && sel.Sel.Name != "TestSuiteContext") {
				continue
			}
			if !fn.Name.IsExported() {
				t.Errorf("%s: %s takes a *godog.%s but is unexported: the godog CLI refuses to run", fset.Position(fn.Pos()), fn.Name.Name, sel.Sel.Name)
			}
		}
	}
}
