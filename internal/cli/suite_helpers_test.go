package cli

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/testworld"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

func referenceWorld(t *testing.T) *refserver.World {
	t.Helper()
	path, err := refserver.FindWorld()
	if err != nil {
		t.Fatal(err)
	}
	world, err := refserver.LoadWorld(path)
	if err != nil {
		t.Fatal(err)
	}
	return world
}

// smallWorld is the reference world with testworld's 2048-bit flow keys,
// its key files in a directory of the test's: the in-process servers of
// these tests judge the runner, not key sizes, and open envelopes six
// times cheaper with it. A run that selects every scenario against it
// leaves out the ones that need 4096-bit flows (noNeeds4096).
func smallWorld(t *testing.T) *refserver.World {
	t.Helper()
	world, err := testworld.Load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return world
}

// exchangeTimeout is the --timeout of this package's whole-suite runs
// against in-process servers: they share the machine with the run and
// every other test, and under the race detector on a loaded 2-core machine
// a 500-call request took more than the default 10 s. These runs judge
// answers, not how soon they come.
const exchangeTimeout = 2 * time.Minute

// noNeeds4096 is the --tags selection of every scenario that can pass
// against smallWorld's servers.
const noNeeds4096 = "~" + testworld.Tag

// startReference serves smallWorld in-process, as a separate server the
// runner reaches only through its URL.
func startReference(t *testing.T, opts refserver.Options) (string, *refserver.World) {
	t.Helper()
	world := smallWorld(t)
	srv, err := refserver.New(world, opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL, world
}

// writeProfile writes a profile YAML for a server of the reference world,
// as QA would for staging: the roles keep(role) accepts, each with its flow
// id, security id (securityID may override it) and key files; knobs are
// more "name: value" lines for its knobs section.
func writeProfile(t *testing.T, world *refserver.World, target string, keep func(role string) bool, securityID func(role, real string) string, knobs ...string) string {
	t.Helper()
	prof := world.Profile(target)
	var b strings.Builder
	fmt.Fprintf(&b, "# written by %s\nname: test-%s\ntarget: %s\nflows:\n", t.Name(), strings.ToLower(t.Name()), target)
	roles := prof.Roles()
	sort.Strings(roles)
	for _, role := range roles {
		if keep != nil && !keep(role) {
			continue
		}
		f := prof.Flows[role]
		sid := f.SecurityID
		if securityID != nil {
			sid = securityID(role, sid)
		}
		fmt.Fprintf(&b, "  %s:\n    flow-id: %s\n    security-id: %s\n    public-key: %s\n    private-key: %s\n",
			role, f.FlowID, sid, f.PublicKeyFile, f.PrivateKeyFile)
	}
	quote := func(list []string) string {
		q := make([]string, len(list))
		for i, s := range list {
			q[i] = fmt.Sprintf("%q", s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	fmt.Fprintf(&b, "phones:\n  whitelisted: %s\n  not-whitelisted: %s\n  invalid: %s\n",
		quote(prof.Phones.Whitelisted), quote(prof.Phones.NotWhitelisted), quote(prof.Phones.Invalid))
	fmt.Fprintf(&b, "knobs:\n  allow-key-rotation: %v\n  pull-api: %v\n  allow-bulk-calls: %v\n", prof.Knobs.AllowKeyRotation, prof.Knobs.PullAPI, prof.Knobs.AllowBulkCalls)
	for _, k := range knobs {
		fmt.Fprintf(&b, "  %s\n", k)
	}
	path := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readReports checks that the three report files are complete and valid,
// and returns the run as cucumber.json tells it (meta says what the
// runner knew beside it: whether the run was interrupted).
func readReports(t *testing.T, dir string, meta reporting.Meta) *reporting.Run {
	t.Helper()
	cucumber, err := os.ReadFile(filepath.Join(dir, reporting.CucumberFile))
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(cucumber) {
		t.Fatalf("cucumber.json is not valid JSON")
	}
	junit, err := os.ReadFile(filepath.Join(dir, reporting.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests  int `xml:"tests,attr"`
		Errors int `xml:"errors,attr"`
	}
	if err := xml.Unmarshal(junit, &suites); err != nil {
		t.Fatalf("junit.xml is not valid XML: %v", err)
	}
	html, err := os.ReadFile(filepath.Join(dir, reporting.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(html), "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(string(html)), "</html>") {
		t.Errorf("report.html is incomplete")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left in the reports directory", e.Name())
		}
	}
	run, err := reporting.Build(meta, cucumber, reporting.Options{Redactor: redact.Disabled()})
	if err != nil {
		t.Fatal(err)
	}
	if suites.Tests != len(run.Scenarios) {
		t.Errorf("junit.xml has %d tests, cucumber.json %d scenarios", suites.Tests, len(run.Scenarios))
	}
	if suites.Errors != run.Counts().NotRun {
		t.Errorf("junit.xml reports %d errors, cucumber.json %d scenarios not run: skips and failures are never errors", suites.Errors, run.Counts().NotRun)
	}
	return run
}

// outcomes maps "file:line name" to each scenario's outcome.
func outcomes(run *reporting.Run) map[string]*reporting.Scenario {
	m := map[string]*reporting.Scenario{}
	for _, sc := range run.Scenarios {
		m[sc.Location()+" "+sc.Name] = sc
	}
	return m
}
