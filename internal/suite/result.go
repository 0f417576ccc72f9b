package suite

import "github.com/kairos-conformance/kairos-conformance/internal/reporting"

// Scenarios reads the run's scenarios from its Cucumber JSON with the
// reports' parser (reporting.ParseCucumber), so that the self-tests judge a
// run exactly as the reports do.
func (r *Result) Scenarios() ([]*reporting.Scenario, error) {
	return reporting.ParseCucumber(r.CucumberJSON)
}
