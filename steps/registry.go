package steps

import (
	"regexp"
	"sync"

	"github.com/cucumber/godog"
)

// stepRegistry registers step definitions for one scenario with compiled
// patterns: godog compiles a pattern given as a string anew for every
// scenario, which was a third of a whole run's CPU time (the vocabulary is
// about a hundred patterns, some of them long alternations, times hundreds
// of scenarios). The vocabulary's patterns are compiled once per process
// (vocabulary); any other pattern once per run.
type stepRegistry struct {
	sc       *godog.ScenarioContext // nil: collecting the vocabulary
	patterns *sync.Map              // pattern -> *regexp.Regexp, shared by the run's scenarios
}

// vocab is every pattern the steps register, compiled: made once, by
// registering a scenario's steps with no godog context, then only read
// (like a package-level regexp.MustCompile). A process that makes many
// runs (the harness's own tests make hundreds) compiles them once.
var vocab struct {
	once     sync.Once
	patterns map[string]*regexp.Regexp
}

func vocabulary() map[string]*regexp.Regexp {
	vocab.once.Do(func() {
		var collected sync.Map
		(&scenario{s: &Suite{}}).register(stepRegistry{patterns: &collected})
		vocab.patterns = map[string]*regexp.Regexp{}
		collected.Range(func(k, v any) bool {
			vocab.patterns[k.(string)] = v.(*regexp.Regexp)
			return true
		})
	})
	return vocab.patterns
}

// Step is godog's ScenarioContext.Step with a compiled pattern: expr is a
// pattern string (compiled on first use) or an already compiled one.
func (r stepRegistry) Step(expr any, fn any) {
	pattern, ok := expr.(string)
	if !ok {
		if r.sc != nil {
			r.sc.Step(expr, fn)
		}
		return
	}
	re := r.compile(pattern)
	if r.sc != nil {
		r.sc.Step(re, fn)
	}
}

// compile returns pattern compiled: the vocabulary's, or once per run.
func (r stepRegistry) compile(pattern string) *regexp.Regexp {
	if r.sc != nil {
		if re, ok := vocabulary()[pattern]; ok {
			return re
		}
	}
	re, ok := r.patterns.Load(pattern)
	if !ok {
		re, _ = r.patterns.LoadOrStore(pattern, regexp.MustCompile(pattern))
	}
	return re.(*regexp.Regexp)
}
