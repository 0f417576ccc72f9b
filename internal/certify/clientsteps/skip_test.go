package clientsteps

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/cucumber/godog"

	clientfeatures "github.com/kairos-conformance/kairos-conformance/features/client"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

// TestVocabulariesDoNotOverlap: no client step matches the text of a step
// of the server features, so a run that registers both vocabularies (the
// godog CLI from the repository root) never finds a server step ambiguous.
// The other direction, client texts against the server vocabulary, is
// checked by the root package's TestGodogCLISkipsClientScenarios.
func TestVocabulariesDoNotOverlap(t *testing.T) {
	features, err := godog.TestSuite{Options: &godog.Options{Paths: []string{"../../../features"}, Tags: "~" + suite.ClientTag}}.RetrieveFeatures()
	if err != nil {
		t.Fatal(err)
	}
	var exprs []*regexp.Regexp
	for _, st := range (&scenario{}).vocabulary() {
		exprs = append(exprs, regexp.MustCompile(st.expr))
	}
	texts := 0
	for _, f := range features {
		for _, p := range f.Pickles {
			for _, st := range p.Steps {
				texts++
				for _, re := range exprs {
					if re.MatchString(st.Text) {
						t.Errorf("%s (%s): server step %q matches client step %s", f.Uri, p.Name, st.Text, re)
					}
				}
			}
		}
	}
	if texts < 1000 {
		t.Fatalf("only %d server step texts read from ../../../features: the features moved?", texts)
	}
}

// TestRegisterSkipping: under strict godog, every client scenario is
// skipped, not undefined, with the reason attached.
func TestRegisterSkipping(t *testing.T) {
	const reason = "judged elsewhere"
	var out bytes.Buffer
	status := godog.TestSuite{
		ScenarioInitializer: func(sc *godog.ScenarioContext) { RegisterSkipping(sc, reason) },
		Options: &godog.Options{
			Format: "cucumber", Output: &out, NoColors: true, Strict: true,
			FS: clientfeatures.FS, Paths: []string{"."}, Tags: suite.ClientTag,
		},
	}.Run()
	if status != 0 {
		t.Errorf("godog status %d, want 0", status)
	}
	scenarios, err := reporting.ParseCucumber(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(scenarios) != wantScenarios {
		t.Errorf("%d scenarios, want %d", len(scenarios), wantScenarios)
	}
	for _, sc := range scenarios {
		if got := strings.Join(sc.AttachmentTexts("skip-reason"), "\n"); sc.Status != "skipped" || got != reason {
			t.Errorf("%s: %s, skip-reason %q; want skipped, %q", sc.ID(), sc.Status, got, reason)
		}
	}
}
