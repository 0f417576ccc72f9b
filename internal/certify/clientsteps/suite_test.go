package clientsteps

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	clientfeatures "github.com/kairos-conformance/kairos-conformance/features/client"
	"github.com/kairos-conformance/kairos-conformance/internal/certify"
	"github.com/kairos-conformance/kairos-conformance/internal/certify/certifytest"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// brokenClient is certifytest's client binary, built once.
var brokenClient string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "clientsteps-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	brokenClient, err = certifytest.BuildBrokenClient(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// The size of the client suite; a change must be deliberate. Every
// scenario runs once; those whose payload has characters beyond ASCII run
// a second time under LC_ALL=C.
const (
	wantScenarios = 50
	wantReruns    = 4
)

func newRun(t *testing.T, mode string, paddings ...envelope.Padding) *certify.Run {
	t.Helper()
	return certifytest.NewRun(t, fmt.Sprintf("'%s' -mode %s", brokenClient, mode), paddings...)
}

func TestReferenceClientPassesEveryScenario(t *testing.T) {
	run := newRun(t, certifytest.Reference, envelope.OAEPSHA1, envelope.OAEPSHA256)
	start := time.Now()
	if err := RunSuite(t.Context(), Options{Run: run}); err != nil {
		t.Fatal(err)
	}
	results := run.Results()
	t.Logf("%d scenarios in %s", len(results), time.Since(start).Round(time.Millisecond))
	if len(results) != wantScenarios+wantReruns {
		t.Errorf("%d scenarios ran, want %d", len(results), wantScenarios+wantReruns)
	}
	reruns := 0
	for _, res := range results {
		if strings.HasSuffix(res.Name, " (under LC_ALL=C)") {
			reruns++
		}
	}
	if reruns != wantReruns {
		t.Errorf("%d scenarios ran under LC_ALL=C, want %d", reruns, wantReruns)
	}
	for _, res := range results {
		if res.Verdict != certify.VerdictPassed {
			t.Errorf("%s / %s: %s at %q:\n%s\n%s", res.Feature, res.Name, res.Verdict, res.FailedStep, res.Diagnosis, strings.Join(res.Runs, "\n"))
		}
		if res.Feature == "" || len(res.Runs) == 0 {
			t.Errorf("%s: feature %q, runs %v", res.Name, res.Feature, res.Runs)
		}
	}
}

func TestResponseCodeOutlineCoversEveryCode(t *testing.T) {
	data, err := clientfeatures.FS.ReadFile("response_codes.feature")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range protocol.All() {
		row := fmt.Sprintf("| %d  | %-28s |", int(c), c.Name())
		if !strings.Contains(string(data), row) {
			t.Errorf("response_codes.feature has no example row %q", row)
		}
	}
}
