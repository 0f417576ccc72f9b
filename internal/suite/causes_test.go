package suite_test

import (
	"regexp"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// actualLine is a step error's first "Actual:" line.
var actualLine = regexp.MustCompile(`(?m)^Actual:\s*(.*)$`)

// TestFailuresGroupByCause runs scenarios against servers whose answers
// differ in one way and checks that the reports' failures come in as few
// causes as the server has differences, while each failure keeps its own
// request-id (which the grouping must set aside).
func TestFailuresGroupByCause(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite twice against faulty servers")
	}
	t.Parallel()
	for _, c := range []struct {
		fault, tags string
		// distinct derives the number of causes the failures should fall
		// into from their errors, independently of package reporting.
		distinct func(t *testing.T, scs []*reporting.Scenario) int
	}{
		// Every message upper-cased: one cause per message the failures
		// saw, whatever kind of scenario met it.
		{"upper-case-messages", "@status-401,@status-301", func(t *testing.T, scs []*reporting.Scenario) int {
			seen := map[string]bool{}
			for _, sc := range scs {
				m := actualLine.FindStringSubmatch(sc.FailedStep().Error)
				if m == nil {
					t.Errorf("%s: no Actual line in %q", sc.Location(), sc.FailedStep().Error)
					continue
				}
				seen[m[1]] = true
			}
			return len(seen)
		}},
		// One code answered wrongly: one cause per requirement the
		// failing scenarios test and answer they got (a wrong code names
		// no rule of its own; a step that sends a batch of variants
		// lists them in its answer).
		{"wrong-code-400", "@status-400", func(t *testing.T, scs []*reporting.Scenario) int {
			seen := map[string]bool{}
			for _, sc := range scs {
				err := sc.FailedStep().Error
				m := actualLine.FindStringSubmatch(err)
				if m == nil {
					t.Errorf("%s: no Actual line in %q", sc.Location(), err)
					continue
				}
				seen[reporting.SplitError(err).Requirement+"\x00"+m[1]] = true
			}
			return len(seen)
		}},
	} {
		t.Run(c.fault, func(t *testing.T) {
			fault, err := refserver.ParseFault(c.fault)
			if err != nil {
				t.Fatal(err)
			}
			t.Parallel()
			res := runUnderFault(t, fault, c.tags, testWorld) // the fault matrix's run, when it makes the same
			run, err := reporting.Build(reporting.Meta{}, res.CucumberJSON, reporting.Options{})
			if err != nil {
				t.Fatal(err)
			}
			failures := run.Select(reporting.Failed)
			causes := run.FailureCauses()
			sum := 0
			for _, cause := range causes {
				sum += cause.Count()
				t.Logf("%3d × %s | expected %s | actual %s | codes %v", cause.Count(), cause.Heading(4), cause.Expected, cause.Actual, cause.Codes)
			}
			want := c.distinct(t, failures)
			switch {
			case len(failures) < 6:
				t.Errorf("%d failures: the fault should fail more scenarios than that", len(failures))
			case sum != len(failures):
				t.Errorf("the causes hold %d failures, the run has %d", sum, len(failures))
			case len(causes) != want:
				t.Errorf("%d failures in %d causes, want %d", len(failures), len(causes), want)
			case len(causes)*3 > len(failures):
				t.Errorf("%d failures in %d causes: grouping should make a short list", len(failures), len(causes))
			}
		})
	}
}
