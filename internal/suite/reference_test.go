package suite_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/internal/testworld"
	"github.com/kairos-conformance/kairos-conformance/refserver"
	"github.com/kairos-conformance/kairos-conformance/steps"
)

// testKeyBits is the size of keys the in-process server makes for
// generateKeyPair: 4096-bit keys take seconds each (more under -race).
const testKeyBits = 2048

// exchangeTimeout bounds each exchange of these tests' runs. The in-process
// server shares the machine with the run and with every other test: under
// the race detector on a loaded 2-core machine a 500-call request took
// more than the default 10 s. These runs judge answers, not how soon they
// come (a run against a real target keeps the default); a server that
// never answers still ends the exchange.
const exchangeTimeout = 2 * time.Minute

var (
	worldOnce sync.Once
	world     *refserver.World
	worldErr  error
)

// loadWorld loads the reference world once; servers only read it.
func loadWorld(t testing.TB) *refserver.World {
	t.Helper()
	worldOnce.Do(func() { world, worldErr = target.ReferenceWorld() })
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return world
}

var (
	smallWorldOnce sync.Once
	smallWorld     *refserver.World
	smallWorldErr  error
)

// loadTestWorld loads testworld's world once: the reference world with
// 2048-bit flow keys, for the runs that judge the harness rather than the
// key size. Its scenarios tagged testworld.Tag cannot pass: select with
// withoutTestWorldTag. The key files are read, then removed (the servers
// and the steps hold the keys).
func loadTestWorld(t testing.TB) *refserver.World {
	t.Helper()
	smallWorldOnce.Do(func() {
		dir, err := os.MkdirTemp("", "suite-testworld-")
		if err != nil {
			smallWorldErr = err
			return
		}
		defer os.RemoveAll(dir)
		smallWorld, smallWorldErr = testworld.Load(dir)
	})
	if smallWorldErr != nil {
		t.Fatal(smallWorldErr)
	}
	return smallWorld
}

// withoutTestWorldTag is selection without the scenarios that need the
// reference world's 4096-bit flow keys.
func withoutTestWorldTag(t testing.TB, selection string) string {
	t.Helper()
	tags, err := suite.Without(selection, testworld.Tag)
	if err != nil {
		t.Fatal(err)
	}
	return tags
}

// testWorldLeavesOut is how many scenarios withoutTestWorldTag leaves out
// of the whole suite: at least one, or the tag has gone missing.
func testWorldLeavesOut(t *testing.T) int {
	t.Helper()
	n := 0
	for _, sc := range allScenarios(t) {
		if suite.MatchTags(testworld.Tag, sc.Tags) {
			n++
		}
	}
	if n == 0 {
		t.Fatalf("no scenario carries %s", testworld.Tag)
	}
	return n
}

// startReference serves the reference world with fault (zero: none) on a
// loopback port, with a movable clock, until the test ends.
func startReference(t testing.TB, fault refserver.Fault) *target.Target {
	t.Helper()
	return startWorld(t, loadWorld(t), fault)
}

// startTestWorld is startReference with testworld's world.
func startTestWorld(t testing.TB, fault refserver.Fault) *target.Target {
	t.Helper()
	return startWorld(t, loadTestWorld(t), fault)
}

func startWorld(t testing.TB, w *refserver.World, fault refserver.Fault) *target.Target {
	t.Helper()
	tg, err := target.StartEmbedded(w, refserver.Options{Fault: fault, KeyBits: testKeyBits, GenerateKey: rotationKeys.source()}, target.ClientOptions{Timeout: exchangeTimeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tg.Close)
	return tg
}

func runContext(t testing.TB) (context.Context, context.CancelFunc) {
	// Shorter than go test's default timeout, so a hung run still reports.
	return context.WithTimeout(context.Background(), 8*time.Minute)
}

// statusCounts is "312 scenarios: 300 passed, 12 skipped", for the logs.
func statusCounts(scenarios []*reporting.Scenario) string {
	c := map[string]int{}
	for _, s := range scenarios {
		c[s.Status]++
	}
	var parts []string
	for st, n := range c {
		parts = append(parts, fmt.Sprintf("%d %s", n, st))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%d scenarios: %s", len(scenarios), strings.Join(parts, ", "))
}

// redacted is what the steps need to run against tg, redacting; prof, when
// set, replaces tg's profile.
func redacted(tg *target.Target, prof *profile.Profile) steps.Config {
	c := tg.StepsConfig()
	c.Redact = true
	c.RequestTimeout = exchangeTimeout
	if prof != nil {
		c.Profile = prof
	}
	return c
}
