package suite_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/internal/testworld"
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
//
// It runs them in two parts with one seed: the scenarios that need the
// flows' 4096-bit keys (testworld.Tag) against the reference world, every
// other one against testworld's (the same world with 2048-bit keys, whose
// envelopes open six times cheaper). What this test pins is the suite
// (its selection, count, tags and findings), not the key size; the run of
// the default configuration, every scenario against the 4096-bit world,
// is the runner's (`runner` with no flags, TestFullSuiteEmbeddedAndServedAgree).
func TestSuiteAgainstReferenceServer(t *testing.T) {
	t.Parallel()
	ctx, cancel := runContext(t)
	defer cancel()
	seed := rand.Int64N(1<<31) + 1
	var scenarios []*reporting.Scenario
	var console bytes.Buffer
	for _, part := range []struct {
		world string
		tg    *target.Target
		tags  string
	}{
		{"the reference world", startReference(t, refserver.Fault{}), testworld.Tag},
		{"testworld's world", startTestWorld(t, refserver.Fault{}), withoutTestWorldTag(t, "")},
	} {
		start := time.Now()
		res, err := suite.Run(ctx, suite.Config{Steps: redacted(part.tg, nil), Tags: part.tags, Seed: seed, Console: &console})
		if err != nil {
			t.Fatal(err)
		}
		ran, err := res.Scenarios()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d, %s (--tags %s): %s in %s", seed, part.world, part.tags, statusCounts(ran), time.Since(start).Round(time.Millisecond))
		if len(ran) == 0 {
			t.Errorf("%s: no scenario selected by %s", part.world, part.tags)
		}
		if res.Status != suite.StatusPassed {
			t.Errorf("%s: godog status %d, want 0", part.world, res.Status)
		}
		scenarios = append(scenarios, ran...)
	}
	for _, sc := range scenarios {
		if sc.Status != "passed" {
			t.Errorf("%s: %s\n%s%s", sc.ID(), sc.Status, sc.FirstError(), strings.Join(sc.AttachmentTexts("skip-reason"), "\n"))
		}
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
