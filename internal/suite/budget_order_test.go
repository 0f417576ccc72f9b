package suite_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

func TestCallsLast(t *testing.T) {
	sel := []suite.ScenarioInfo{
		{Name: "200", Tags: []string{"@status-200"}},
		{Name: "302", Tags: []string{"@status-302"}},
		{Name: "pull", Tags: []string{"@status-213", "@endpoint-pull"}},
		{Name: "202", Tags: []string{"@status-202"}},
		{Name: "ecb", Tags: []string{"@status-none", "@spec-3.6"}},
		{Name: "201", Tags: []string{"@status-201"}},
		{Name: "209", Tags: []string{"@status-209"}},
		{Name: "400", Tags: []string{"@status-400"}},
	}
	names := func(s []suite.ScenarioInfo) []string {
		var out []string
		for _, sc := range s {
			out = append(out, sc.Name)
		}
		return out
	}
	if got, want := names(suite.CallsLast(slices.Clone(sel), 0)), []string{"302", "202", "400", "200", "pull", "ecb", "201", "209"}; !slices.Equal(got, want) {
		t.Errorf("CallsLast(seed 0) = %v, want %v", got, want)
	}
	a, b := names(suite.CallsLast(slices.Clone(sel), 7)), names(suite.CallsLast(slices.Clone(sel), 7))
	if !slices.Equal(a, b) {
		t.Errorf("one seed, two orders: %v, %v", a, b)
	}
	for i, n := range a {
		if placing := i >= 3; placing != slices.Contains([]string{"200", "pull", "ecb", "201", "209"}, n) {
			t.Errorf("seed 7: %v: the scenarios that place calls are not last", a)
			break
		}
	}
}

// acceptedCall is a call-details entry with a phonon-uuid in a response.
var acceptedCall = regexp.MustCompile(`"phonon-uuid"\s*:\s*"[^"]+"`)

// checkCallPlacersTagged: every scenario that had a call accepted by the
// reference server is one suite.PlacesCalls names, so that under a call
// budget it runs after those that place none.
func checkCallPlacersTagged(t *testing.T, scenarios []*reporting.Scenario) {
	t.Helper()
	for _, sc := range scenarios {
		for _, r := range sc.AttachmentTexts("response") {
			if acceptedCall.MatchString(r) && !suite.PlacesCalls(sc.Tags) {
				t.Errorf("%s %v: the reference server accepted a call, but suite.PlacesCalls does not name the scenario", sc.ID(), sc.Tags)
				break
			}
		}
	}
}
