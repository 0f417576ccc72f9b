package suite_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// wantScenarios is the number of scenarios in features/ (outline rows
// count one each). Update it when a feature changes: a scenario that
// silently disappears (a bad tag filter, a broken Examples table) must
// fail this test.
const wantScenarios = 482

// TestSuiteAgainstReferenceServer runs every scenario, shuffled, against an
// in-process reference server: all must pass, none may be skipped,
// undefined, pending or ambiguous, and the count must be exact.
func TestSuiteAgainstReferenceServer(t *testing.T) {
	t.Parallel()
	tg := startReference(t, refserver.Fault{})
	ctx, cancel := runContext(t)
	defer cancel()
	seed := rand.Int64N(1<<31) + 1
	var console bytes.Buffer
	start := time.Now()
	res, err := suite.Run(ctx, suite.Config{Steps: redacted(tg, nil), Seed: seed, Console: &console})
	if err != nil {
		t.Fatal(err)
	}
	scenarios, err := res.Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d: %s in %s", seed, statusCounts(scenarios), time.Since(start).Round(time.Millisecond))
	for _, sc := range scenarios {
		if sc.Status != "passed" {
			t.Errorf("%s: %s\n%s%s", sc.ID(), sc.Status, sc.FirstError(), strings.Join(sc.AttachmentTexts("skip-reason"), "\n"))
		}
	}
	if res.Status != suite.StatusPassed {
		t.Errorf("godog status %d, want 0", res.Status)
	}
	if len(scenarios) != wantScenarios {
		t.Errorf("%d scenarios, want exactly %d (update wantScenarios if features changed)", len(scenarios), wantScenarios)
	}
	checkEveryScenarioTagged(t, scenarios)
	checkSecurityFindings(t, scenarios)
	checkCallPlacersTagged(t, scenarios)
	if t.Failed() {
		t.Logf("console:\n%s", console.String())
	}
}

// checkEveryScenarioTagged holds the features to their conventions: each
// scenario has one @status-, at least one @spec- and one @endpoint- tag.
func checkEveryScenarioTagged(t *testing.T, scenarios []*reporting.Scenario) {
	t.Helper()
	for _, sc := range scenarios {
		var status, spec, endpoint int
		for _, tag := range sc.Tags {
			switch {
			case strings.HasPrefix(tag, "@status-"):
				status++
			case strings.HasPrefix(tag, "@spec-"):
				spec++
			case strings.HasPrefix(tag, "@endpoint-"):
				endpoint++
			}
		}
		if status != 1 || spec < 1 || endpoint < 1 {
			t.Errorf("%s: tags %v: want one @status-, a @spec- and an @endpoint- tag", sc.ID(), sc.Tags)
		}
	}
}

// checkSecurityFindings: every ECB scenario records a finding.
func checkSecurityFindings(t *testing.T, scenarios []*reporting.Scenario) {
	t.Helper()
	n := 0
	for _, sc := range scenarios {
		if !strings.HasSuffix(sc.URI, "ecb_blocks.feature") {
			continue
		}
		n++
		if len(sc.AttachmentTexts("security-finding")) != 1 {
			t.Errorf("%s: no security-finding attachment", sc.ID())
		}
	}
	if n == 0 {
		t.Error("no ECB scenario ran")
	}
}
