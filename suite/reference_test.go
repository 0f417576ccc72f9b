package suite_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/profile"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// testKeyBits is the size of keys the in-process server makes for
// generateKeyPair: 4096-bit keys take seconds each (more under -race).
const testKeyBits = 2048

var (
	worldOnce sync.Once
	world     *refserver.World
	worldErr  error
)

func loadWorld(t testing.TB) *refserver.World {
	t.Helper()
	worldOnce.Do(func() {
		var path string
		if path, worldErr = refserver.FindWorld(); worldErr == nil {
			world, worldErr = refserver.LoadWorld(path)
		}
	})
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return world
}

// clock is a movable clock shared by the in-process server and the suite,
// so the @clock scenario can cross the checksum window.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// target is an in-process reference server with its profile.
type target struct {
	profile *profile.Profile
	clock   *clock
	server  *httptest.Server
}

// startReference serves the reference world with fault (zero: none) on a
// loopback port until the test ends.
func startReference(t testing.TB, fault refserver.Fault) *target {
	t.Helper()
	w := loadWorld(t)
	c := &clock{}
	srv, err := refserver.New(w, refserver.Options{Now: c.Now, Fault: fault, KeyBits: testKeyBits})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	p := w.Profile(hs.URL)
	p.Knobs.RSAKeyBits = testKeyBits
	return &target{profile: p, clock: c, server: hs}
}

func runContext(t testing.TB) (context.Context, context.CancelFunc) {
	// Shorter than go test's default timeout, so a hung run still reports.
	return context.WithTimeout(context.Background(), 8*time.Minute)
}
