package kairosconformance

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

// wantClientScenarios is the size of the client suite (features/client).
const wantClientScenarios = 50

// TestGodogCLISkipsClientScenarios runs what `godog run --strict` runs from
// the repository root, restricted to the @client scenarios: with both
// vocabularies registered, each is skipped with the reason, none is
// undefined or ambiguous, and the run passes. (The server scenarios run in
// package suite.)
func TestGodogCLISkipsClientScenarios(t *testing.T) {
	t.Setenv(envProfile, "") // the in-process server, whatever the shell says
	t.Setenv(envTarget, "")
	var out bytes.Buffer
	status := godog.TestSuite{
		TestSuiteInitializer: InitializeTestSuite,
		ScenarioInitializer:  InitializeScenario,
		Options: &godog.Options{
			Format: "cucumber", Output: &out, NoColors: true, Strict: true,
			Paths: []string{"features"}, Tags: suite.ClientTag,
		},
	}.Run()
	if status != 0 {
		t.Errorf("godog status %d, want 0", status)
	}
	scenarios, err := reporting.ParseCucumber(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(scenarios) != wantClientScenarios {
		t.Errorf("%d @client scenarios, want %d", len(scenarios), wantClientScenarios)
	}
	for _, sc := range scenarios {
		if got := strings.Join(sc.AttachmentTexts("skip-reason"), "\n"); sc.Status != "skipped" || got != clientSkipReason {
			t.Errorf("%s: %s %s, skip-reason %q; want skipped, %q", sc.ID(), sc.Status, sc.FirstError(), got, clientSkipReason)
		}
	}
}
