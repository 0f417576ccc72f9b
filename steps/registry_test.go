package steps

import (
	"sync"
	"testing"

	"github.com/cucumber/godog"
)

// TestVocabularyCompiledOnce: the vocabulary holds each step pattern
// compiled from itself, a scenario's registry hands out those very
// regexps (every run of the process shares them), and a pattern outside
// it is compiled once per run.
func TestVocabularyCompiledOnce(t *testing.T) {
	v := vocabulary()
	if len(v) < 100 {
		t.Fatalf("%d patterns in the vocabulary, want the steps' hundred-odd", len(v))
	}
	for p, re := range v {
		if re.String() != p {
			t.Errorf("%q compiled as %q", p, re.String())
		}
	}
	var run1, run2 sync.Map
	r1 := stepRegistry{sc: &godog.ScenarioContext{}, patterns: &run1}
	r2 := stepRegistry{sc: &godog.ScenarioContext{}, patterns: &run2}
	const known = `^each of these malformed envelopes is sent:$`
	if v[known] == nil || r1.compile(known) != v[known] || r2.compile(known) != v[known] {
		t.Errorf("%q: the runs do not share the vocabulary's regexp", known)
	}
	const other = `^a phrase no step has$`
	if _, ok := v[other]; ok {
		t.Fatalf("%q is in the vocabulary", other)
	}
	if r1.compile(other) != r1.compile(other) || r1.compile(other) == r2.compile(other) {
		t.Errorf("%q: want one regexp per run", other)
	}
}
