package suite_test

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestMain collects garbage less often than the default (GOGC 400 instead
// of 100) unless GOGC says otherwise: the package runs the suite about a
// hundred times, and at the default about a tenth of its CPU is the
// collector (measured: 17.3 -> 15.4 CPU-s for the package); its peak
// memory doubles (157 -> 318 MB), which a test process can afford.
func TestMain(m *testing.M) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	os.Exit(m.Run())
}
