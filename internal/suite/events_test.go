package suite_test

import (
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// TestOnScenarioMatchesTheReport: each finished scenario reaches
// Config.OnScenario once, as it finishes, and says what the run's Cucumber
// JSON says of it: status, first error, skip reason. A fault and a missing
// role make the selection hold passes, failures and skips.
func TestOnScenarioMatchesTheReport(t *testing.T) {
	t.Parallel()
	fault, err := refserver.ParseFault("wrong-code-207")
	if err != nil {
		t.Fatal(err)
	}
	// testworld's 2048-bit flows: this judges the callback, not key sizes.
	tg := startTestWorld(t, fault)
	p := *tg.Profile
	p.Flows = map[string]profile.Flow{}
	for role, f := range tg.Profile.Flows {
		if role != "no-did-multicast" {
			p.Flows[role] = f
		}
	}
	ctx, cancel := runContext(t)
	defer cancel()
	var live []*reporting.Scenario
	var inCallback atomic.Int32
	res, err := suite.Run(ctx, suite.Config{
		Steps: redacted(tg, &p), Tags: withoutTestWorldTag(t, "@status-207,@status-200"), Concurrency: 4,
		OnScenario: func(doc []byte) {
			if inCallback.Add(1) != 1 {
				t.Error("OnScenario called concurrently")
			}
			defer inCallback.Add(-1)
			scs, err := reporting.ParseCucumber(doc)
			if err != nil || len(scs) != 1 {
				t.Errorf("OnScenario got %d scenarios (%v) in %s", len(scs), err, doc)
				return
			}
			live = append(live, scs[0])
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	final, err := res.Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	describe := func(scs []*reporting.Scenario) []string {
		var out []string
		for _, sc := range scs {
			out = append(out, fmt.Sprintf("%s [%s] %v err=%q skip=%q", sc.ID(), sc.Status, sc.Tags, firstLine(sc.FirstError()), sc.AttachmentTexts("skip-reason")))
		}
		sort.Strings(out)
		return out
	}
	got, want := describe(live), describe(final)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("OnScenario saw:\n%s\nthe report holds:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, sc := range final {
		count[sc.Status]++
	}
	t.Logf("%d scenarios by status: %v", len(final), count)
	if count["passed"] == 0 || count["failed"] == 0 || count["skipped"] == 0 {
		t.Errorf("the selection should pass, fail and skip: %v", count)
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
