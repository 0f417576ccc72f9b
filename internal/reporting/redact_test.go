package reporting

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/redact"
)

// canaries are the planted secrets, in every form a report could carry them.
func canaries() []string {
	return []string{canarySecurityID, canaryAESKey, canaryKeyB64, canaryPhone, "9876505678", canaryPEMBody}
}

// reportTexts reads every report file, plus the decoded attachments of
// cucumber.json: a secret inside base64 is still a leak.
func reportTexts(t *testing.T, dir string) map[string]string {
	t.Helper()
	texts := map[string]string{}
	for _, name := range []string{CucumberFile, JUnitFile, HTMLFile} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		texts[name] = string(data)
	}
	var doc []struct {
		Elements []struct {
			Steps []struct {
				Embeddings []struct {
					Name, Data string
				} `json:"embeddings"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(texts[CucumberFile]), &doc); err != nil {
		t.Fatalf("cucumber.json is not valid: %v", err)
	}
	var decoded strings.Builder
	for _, f := range doc {
		for _, e := range f.Elements {
			for _, s := range e.Steps {
				for _, em := range s.Embeddings {
					b, err := base64.StdEncoding.DecodeString(em.Data)
					if err != nil {
						t.Fatalf("attachment %s: %v", em.Name, err)
					}
					decoded.Write(b)
					decoded.WriteString("\n")
				}
			}
		}
	}
	texts["cucumber.json attachments"] = decoded.String()
	return texts
}

func TestReportsCarryNoCanary(t *testing.T) {
	redactor := redact.New(canarySecurityID).With(canaryAESKey)
	run := buildSample(t, Options{Redactor: redactor})
	dir := t.TempDir()
	if _, err := WriteReports(dir, run); err != nil {
		t.Fatal(err)
	}
	texts := reportTexts(t, dir)
	var console bytes.Buffer
	WriteSummary(&console, run, nil)
	texts["console"] = console.String()
	for where, text := range texts {
		for _, c := range canaries() {
			if strings.Contains(text, c) {
				t.Errorf("%s contains the canary %q", where, c)
			}
		}
	}
	if !strings.Contains(texts["cucumber.json attachments"], redact.Mask) {
		t.Error("attachments were not redacted, they were dropped")
	}

	// The same run unredacted does carry them: the check above can see them.
	plain := buildSample(t, Options{Redactor: redact.Disabled()})
	pdir := t.TempDir()
	if _, err := WriteReports(pdir, plain); err != nil {
		t.Fatal(err)
	}
	ptexts := reportTexts(t, pdir)
	for _, c := range []string{canarySecurityID, canaryAESKey, canaryPhone} {
		if !strings.Contains(ptexts["cucumber.json attachments"], c) || !strings.Contains(ptexts[HTMLFile], c) {
			t.Errorf("unredacted reports lack %q: the canary check proves nothing", c)
		}
	}
}

// A secret written in a step is masked there and wherever else it appears.
func TestLiteralStepSecretsAreMasked(t *testing.T) {
	data := []byte(`[{"uri":"features/a.feature","name":"A","elements":[{"name":"s","line":3,"type":"scenario","steps":[
	 {"keyword":"Given ","name":"the encryptdata request's \"aesKey\" is \"Lit3ralKey\"","line":4,"result":{"status":"passed"}},
	 {"keyword":"Then ","name":"x","line":5,"result":{"status":"failed","error_message":"sealed with Lit3ralKey\nExpected: a\nActual: b"}}]}]}]`)
	run, err := Build(sampleMeta(), data, Options{Redactor: redact.New()})
	if err != nil {
		t.Fatal(err)
	}
	steps := run.Scenarios[0].Steps
	if steps[0].Text != `the encryptdata request's "aesKey" is "[REDACTED]"` || strings.Contains(steps[1].Error, "Lit3ralKey") ||
		strings.Contains(string(CucumberJSON(run)), "Lit3ralKey") {
		t.Errorf("literal secret leaked: %q / %q", steps[0].Text, steps[1].Error)
	}
}
