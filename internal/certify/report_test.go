package certify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/spec"
)

// TestReportCarriesTheDigestOfSPECmd: the spec a client is certified
// against is SPEC.md at the repository root, as the harness was built with
// it (when the two differ, internal/spec's tests say to regenerate).
func TestReportCarriesTheDigestOfSPECmd(t *testing.T) {
	data, err := os.ReadFile("../../SPEC.md")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	want := "sha256:" + hex.EncodeToString(sum[:])
	if got := NewReport(Meta{}, nil).SpecDigest; got != want {
		t.Errorf("the report's spec digest is %s; SHA-256 of SPEC.md is %s", got, want)
	}
}

func TestPublishedVectorPayloadIsTheFixture(t *testing.T) {
	data, err := os.ReadFile("../../fixtures/vectors/published-vector.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Payload string `json:"payload_json"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if v.Payload != PublishedVectorPayload {
		t.Error("PublishedVectorPayload differs from the fixture's payload_json")
	}
}

type fakeRedactor struct{ secret string }

func (f fakeRedactor) String(s string) string { return strings.ReplaceAll(s, f.secret, "[REDACTED]") }

func TestReportVerdictRedactionAndFiles(t *testing.T) {
	start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	meta := Meta{Vendor: "Acme <Telecom>", ClientVersion: "2.4", ClientCommand: "client --key s3cret-key", HarnessVersion: "test",
		Started: start, Finished: start.Add(1500 * time.Millisecond)}
	results := []*ScenarioResult{
		{Feature: "F", Name: "passes", Verdict: VerdictPassed},
		{Feature: "F", Name: "fails", Verdict: VerdictFailed, Diagnosis: "printed s3cret-key", Runs: []string{"run 1: s3cret-key"}},
	}
	r := NewReport(meta, results)
	if r.Certified || r.Verdict != "not certified" || r.Passed != 1 || r.Failed != 1 || r.Seconds != 1.5 || r.SpecDigest != spec.Digest() {
		t.Errorf("report %+v", r)
	}
	if ok := NewReport(meta, results[:1]); !ok.Certified || ok.Verdict != "certified" {
		t.Errorf("all passed: %+v", ok)
	}
	if none := NewReport(meta, nil); none.Certified || none.Problem == "" {
		t.Errorf("no scenario: %+v", none)
	}
	if stopped := NewReport(Meta{Problem: "interrupted"}, results[:1]); stopped.Certified {
		t.Error("an interrupted run certified")
	}

	red := r.Redact(fakeRedactor{"s3cret-key"}, true)
	dir := t.TempDir()
	paths, err := red.WriteFiles(filepath.Join(dir, "reports"))
	if err != nil || len(paths) != 2 {
		t.Fatal(paths, err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "s3cret-key") || !strings.Contains(string(data), "[REDACTED]") {
			t.Errorf("%s is not redacted", p)
		}
		if strings.HasSuffix(p, ".html") && (!strings.Contains(string(data), "Acme &lt;Telecom&gt;") || !strings.Contains(string(data), "not certified")) {
			t.Errorf("HTML:\n%s", data)
		}
	}
	if !strings.Contains(r.Results[1].Diagnosis, "s3cret-key") {
		t.Error("Redact changed the original report")
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "reports")); len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}
