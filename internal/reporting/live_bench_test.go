package reporting

import (
	"encoding/json"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/redact"
)

// BenchmarkBuildOneScenario measures what the runner's console spends on
// each finished scenario: reporting.Build on a Cucumber JSON document
// holding that scenario alone, redaction on, so that its line says what
// the reports will. Run: go test -run '^$' -bench BuildOneScenario ./internal/reporting/
func BenchmarkBuildOneScenario(b *testing.B) {
	var features []map[string]any
	if err := json.Unmarshal(sampleCucumber(b), &features); err != nil {
		b.Fatal(err)
	}
	var docs [][]byte
	for _, f := range features {
		for _, e := range f["elements"].([]any) {
			one := map[string]any{}
			for k, v := range f {
				one[k] = v
			}
			one["elements"] = []any{e}
			doc, err := json.Marshal([]any{one})
			if err != nil {
				b.Fatal(err)
			}
			docs = append(docs, doc)
		}
	}
	opts := Options{Redactor: redact.New(canarySecurityID).With(canaryAESKey)}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Build(sampleMeta(), docs[i%len(docs)], opts); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
