package steps

import (
	"regexp"
	"sync"

	"github.com/cucumber/godog"
)

// stepRegistry registers step definitions for one scenario with patterns
// compiled once per run: godog compiles a pattern given as a string anew
// for every scenario, which was a third of a whole run's CPU time (the
// vocabulary is about a hundred patterns, some of them long alternations,
// times hundreds of scenarios).
type stepRegistry struct {
	sc       *godog.ScenarioContext
	patterns *sync.Map // pattern -> *regexp.Regexp, shared by the run's scenarios
}

// Step is godog's ScenarioContext.Step with a compiled pattern: expr is a
// pattern string (compiled on first use) or an already compiled one.
func (r stepRegistry) Step(expr any, fn any) {
	pattern, ok := expr.(string)
	if !ok {
		r.sc.Step(expr, fn)
		return
	}
	r.sc.Step(r.compile(pattern), fn)
}

// compile returns pattern compiled, once per run.
func (r stepRegistry) compile(pattern string) *regexp.Regexp {
	re, ok := r.patterns.Load(pattern)
	if !ok {
		re, _ = r.patterns.LoadOrStore(pattern, regexp.MustCompile(pattern))
	}
	return re.(*regexp.Regexp)
}
