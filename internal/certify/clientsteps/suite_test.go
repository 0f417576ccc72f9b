package clientsteps

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientfeatures "github.com/kairos-conformance/kairos-conformance/features/client"
	"github.com/kairos-conformance/kairos-conformance/internal/certify"
	"github.com/kairos-conformance/kairos-conformance/internal/certify/certifytest"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// brokenClient is certifytest's client binary, built once (without -race,
// whatever this test binary was built with: the client's speed is not
// what is tested here).
var brokenClient string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "clientsteps-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	brokenClient = filepath.Join(dir, "brokenclient")
	out, err := exec.Command("go", "build", "-o", brokenClient, "../certifytest/brokenclient").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// wantScenarios is the size of the client suite; a change must be deliberate.
const wantScenarios = 38

func newRun(t *testing.T, mode string) *certify.Run {
	t.Helper()
	path, err := refserver.FindWorld()
	if err != nil {
		t.Fatal(err)
	}
	world, err := refserver.LoadWorld(path)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := refserver.New(world, refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := certify.NewRun(certify.Config{
		ClientCmd: fmt.Sprintf("'%s' -mode %s", brokenClient, mode),
		Profile:   world.Profile(""),
		Server:    srv,
		Timeout:   20 * time.Second,
		WorkDir:   t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func TestReferenceClientPassesEveryScenario(t *testing.T) {
	run := newRun(t, certifytest.Reference)
	start := time.Now()
	if err := RunSuite(t.Context(), Options{Run: run}); err != nil {
		t.Fatal(err)
	}
	results := run.Results()
	t.Logf("%d scenarios in %s", len(results), time.Since(start).Round(time.Millisecond))
	if len(results) != wantScenarios {
		t.Errorf("%d scenarios ran, want %d", len(results), wantScenarios)
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
