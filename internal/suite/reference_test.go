package suite_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/refserver"
	"github.com/kairos-conformance/kairos-conformance/steps"
)

// testKeyBits is the size of keys the in-process server makes for
// generateKeyPair: 4096-bit keys take seconds each (more under -race).
const testKeyBits = 2048

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

// startReference serves the reference world with fault (zero: none) on a
// loopback port, with a movable clock, until the test ends.
func startReference(t testing.TB, fault refserver.Fault) *target.Target {
	t.Helper()
	tg, err := target.StartEmbedded(loadWorld(t), refserver.Options{Fault: fault, KeyBits: testKeyBits}, target.ClientOptions{})
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
	if prof != nil {
		c.Profile = prof
	}
	return c
}
