package suite_test

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/kairos-conformance/kairos-conformance/features"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/internal/testworld"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

var (
	faultMatrixOut  = flag.String("faultmatrix", "", "write the fault matrix (fault -> scenarios that failed) to this file")
	faultMatrixFull = flag.Bool("faultmatrix.full", false, "run the whole suite for every fault (slow) and list the scenarios no fault made fail")
	faultMatrixOnly = flag.String("faultmatrix.only", "", "run only the faults whose name matches this regular expression (skips the every-@boundary-scenario-caught check)")
)

// faultSubset is the part of the suite that should catch each named fault:
// running only it keeps the matrix fast. wrong-code-N faults use @status-N.
// A fault missing here runs the whole suite. The @timing scenarios (about a
// hundred requests each) are left out where they pass under the fault:
// they are there to catch the delay faults.
var faultSubset = map[string]string{
	"skip-checksum":                   "@checksum",
	"checksum-over-ciphertext":        "@checksum",
	"checksum-per-endpoint":           "@checksum",
	"checksum-not-atomic":             "@checksum",
	"checksum-records-refused":        "@checksum",
	"checksum-never-expires":          "@checksum",
	"leak-decryption-stage":           "@spec-5.4 && ~@timing",
	"close-connection-on-rsa-failure": "@spec-5.4 && @security && ~@timing",
	"delay-after-rsa":                 "@timing",
	"delay-bad-payload":               "@timing",
	"wrong-client-identifier-echo":    "@status-200,@status-209",
	"trust-forwarded-for":             "@spec-5.3",
	"ip-check-after-open":             "@spec-5.3",
	"skip-ip-check":                   "@spec-5.3",
	"accept-short-rsa-value":          "@spec-5.4 && ~@timing",
	"accept-lenient-base64":           "@spec-5.4 && ~@timing",
	"accept-duplicate-keys":           "@spec-5.1,@spec-5.4 && ~@timing",
	"accept-trailing-data":            "@spec-5.1,@spec-5.4 && ~@timing",
	"accept-invalid-utf8":             "@spec-5.1,@spec-5.4 && ~@timing",
	"accept-past-start-date":          "@spec-5.12",
	"accept-other-kind":               "@spec-5.2,@spec-5.7",
	"ignore-test-whitelist":           "@status-402",
	"ignore-content-type":             "@transport",
	"no-body-limit":                   "@transport",
	"http-status-mirror":              "@status-201",
	"no-request-id":                   "@spec-4.2,@endpoint-pull",
	"keep-old-key":                    "@endpoint-generatekeypair",
	"encryptdata-random-key":          "@endpoint-encryptdata",
	"pull-cross-flow":                 "@endpoint-pull",
	"panic-on-create":                 "@status-200",
	"empty-call-list-as-210":          "@status-302",
	"upper-case-messages":             "@status-202",
	"content-type-text-plain":         "@status-202",
}

// mustCatch names scenarios that must fail under a fault, beyond "at least
// one": the oracle checks, where passing by accident would go unnoticed.
var mustCatch = map[string][]string{
	"leak-decryption-stage": {
		"every Bleichenbacher-class RSA probe gets the same answer (multicast)",
		"every Bleichenbacher-class RSA probe gets the same answer (dialer)",
		"every malformed envelope gets the same answer (multicast)",
		"every malformed envelope gets the same answer (dialer)",
	},
	"close-connection-on-rsa-failure": {
		"every Bleichenbacher-class RSA probe gets the same answer (multicast)",
		"every Bleichenbacher-class RSA probe gets the same answer (dialer)",
		"every malformed envelope gets the same answer (multicast)",
		"every malformed envelope gets the same answer (dialer)",
	},
	"delay-after-rsa": {
		"envelopes failing at the RSA padding, the AES padding and the payload JSON are answered alike in time (multicast)",
		"envelopes failing at the RSA padding, the AES padding and the payload JSON are answered alike in time (dialer)",
	},
	"delay-bad-payload": {
		"envelopes failing at the RSA padding, the AES padding and the payload JSON are answered alike in time (multicast)",
		"envelopes failing at the RSA padding, the AES padding and the payload JSON are answered alike in time (dialer)",
	},
}

func subsetFor(f refserver.Fault) string {
	if *faultMatrixFull {
		return ""
	}
	if n, ok := strings.CutPrefix(f.Name(), "wrong-code-"); ok {
		return "@status-" + n
	}
	if s, ok := boundarySubset[f.Name()]; ok {
		return s
	}
	return faultSubset[f.Name()]
}

// matrixParallel is how many faults' runs the matrix makes at once: a run
// of a few scenarios mostly waits on its own requests, so several side by
// side keep the machine's cores busy.
const matrixParallel = 4

// matrixRow is one fault's run: the names of the scenarios that failed and
// the ids of every scenario that ran.
type matrixRow struct {
	fault, subset string
	ran           []string // ids
	failed        []string // names, sorted
	failedIDs     []string
}

// faultRun is one run of a part of the suite against a server with a
// fault, made once for every test that judges it (the matrix, and the
// tests of what the reports make of the failures).
type faultRun struct {
	once sync.Once
	res  *suite.Result
	err  error
}

// faultRuns holds them by fault, tag expression and world.
var faultRuns sync.Map

// faultWorld is the world a fault's run is served from.
type faultWorld string

const (
	// testWorld has 2048-bit flow keys (internal/testworld): a run against
	// it costs the server a sixth of the RSA work and leaves out the
	// scenarios that need 4096-bit flows.
	testWorld faultWorld = "testworld"
	// referenceWorld is the reference world itself: for the faults whose
	// verdict rests on answer times, and for the scenarios the test world
	// leaves out.
	referenceWorld faultWorld = "reference"
)

// runUnderFault runs the scenarios tags selects (empty: all) against a
// reference server with fault f serving w: once, however many tests ask.
// Against testWorld the scenarios tagged testworld.Tag are left out.
func runUnderFault(t *testing.T, f refserver.Fault, tags string, w faultWorld) *suite.Result {
	t.Helper()
	v, _ := faultRuns.LoadOrStore(f.Name()+"\x00"+tags+"\x00"+string(w), &faultRun{})
	r := v.(*faultRun)
	r.once.Do(func() {
		world, selection := loadWorld(t), tags
		if w == testWorld {
			world, selection = loadTestWorld(t), withoutTestWorldTag(t, tags)
		}
		tg := startMatrixReference(t, f, world)
		defer tg.Close()
		ctx, cancel := runContext(t)
		defer cancel()
		cfg := suite.Config{Steps: redacted(tg, nil), Tags: selection}
		cfg.FeatureFS, cfg.FeaturePaths = featureFilesOf(t, selection)
		r.res, r.err = suite.Run(ctx, cfg)
	})
	if r.err != nil {
		t.Fatalf("%s: %v", f.Name(), r.err)
	}
	if r.res == nil {
		t.Fatalf("%s, %q: the run could not be made (see the test that made it)", f.Name(), tags)
	}
	return r.res
}

// faultScenarios runs f's subset and returns every scenario it judged:
// against the test world, and the subset's scenarios that need 4096-bit
// flows against the reference world; all of it against the reference
// world for a fault whose verdict rests on answer times.
func faultScenarios(t *testing.T, f refserver.Fault, subset string) []*reporting.Scenario {
	t.Helper()
	parts := []faultWorld{testWorld}
	if measuresTime(t, f) {
		parts = []faultWorld{referenceWorld}
	}
	var out []*reporting.Scenario
	for _, w := range parts {
		scs, err := runUnderFault(t, f, subset, w).Scenarios()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, scs...)
	}
	if parts[0] == testWorld {
		needs4096, err := suite.And(subset, testworld.Tag)
		if err != nil {
			t.Fatal(err)
		}
		if selectsAny(t, needs4096) {
			scs, err := runUnderFault(t, f, needs4096, referenceWorld).Scenarios()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, scs...)
		}
	}
	return out
}

// selectsAny says whether tags selects a scenario of the suite.
func selectsAny(t *testing.T, tags string) bool {
	t.Helper()
	for _, sc := range allScenarios(t) {
		if suite.MatchTags(tags, sc.Tags) && !slices.Contains(sc.Tags, suite.ClientTag) {
			return true
		}
	}
	return false
}

// measuresTime says whether a fault's verdict rests on answer times: a
// scenario it must fail (mustCatch) is a @timing one.
func measuresTime(t *testing.T, f refserver.Fault) bool {
	t.Helper()
	for _, sc := range allScenarios(t) {
		if slices.Contains(mustCatch[f.Name()], sc.Name) && slices.Contains(sc.Tags, "@timing") {
			return true
		}
	}
	return false
}

var (
	scenariosOnce sync.Once
	scenariosFS   fs.FS
	scenarios     []suite.ScenarioInfo
	scenariosErr  error
)

// allScenarios lists the features' scenarios (read once).
func allScenarios(t *testing.T) []suite.ScenarioInfo {
	t.Helper()
	scenariosOnce.Do(func() {
		scenariosFS, _, scenariosErr = features.Source()
		if scenariosErr != nil {
			return
		}
		scenarios, scenariosErr = suite.LoadScenarios(scenariosFS, features.Dir)
	})
	if scenariosErr != nil {
		t.Fatal(scenariosErr)
	}
	return scenarios
}

// featureFilesOf is the feature files that hold a scenario tags selects,
// in the file system they are in, for a run of that selection: godog then
// parses those files rather than all of features/ (a tenth of a small
// run's CPU went to parsing files it then filtered out). The run is the
// same: godog still selects by tags, and names the files as it would have
// (Dir/NAME.feature). No tags, or tags selecting nothing, give nil:
// features/ whole, as before.
func featureFilesOf(t *testing.T, tags string) (fs.FS, []string) {
	t.Helper()
	if strings.TrimSpace(tags) == "" {
		return nil, nil
	}
	var selected []suite.ScenarioInfo
	for _, sc := range allScenarios(t) {
		if suite.MatchTags(tags, sc.Tags) && !slices.Contains(sc.Tags, suite.ClientTag) {
			selected = append(selected, sc)
		}
	}
	if len(selected) == 0 {
		return nil, nil
	}
	return scenariosFS, suite.FeatureFiles(selected)
}

// TestFaultMatrix proves every scenario family can fail: for each fault
// the reference server can be made to have, the relevant part of the suite
// runs against a server with that fault and at least one scenario must fail.
// A boundary fault must fail every scenario written to catch it, and every
// @boundary scenario must fail under at least one fault. The table "fault
// -> scenarios that failed" is logged (and written to -faultmatrix FILE).
//
// Each fault is a subtest (TestFaultMatrix/NAME). The faults whose verdict
// rests on answer times (the delay faults) run first, side by side, while
// this package's other tests wait (they start once this one calls
// t.Parallel): their load would be noise in what is measured. The other
// faults then run several at once.
func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault matrix runs the suite once per fault")
	}
	for name := range mustCatch {
		if _, err := refserver.ParseFault(name); err != nil {
			t.Errorf("mustCatch: %v", err)
		}
	}
	start := time.Now()
	only, err := regexp.Compile(*faultMatrixOnly)
	if err != nil {
		t.Fatalf("-faultmatrix.only: %v", err)
	}
	var faults []refserver.Fault
	for _, f := range refserver.Faults() {
		if only.MatchString(f.Name()) {
			faults = append(faults, f)
		}
	}
	results := make([]*matrixRow, len(faults)) // nil: the fault's subtest did not finish (or -run left it out)
	var timed sync.WaitGroup
	for i, f := range faults {
		if measuresTime(t, f) {
			// Side by side with each other (each run's @timing scenarios
			// still run alone within it): the two delay faults' runs
			// mostly wait out the 40 ms delays they inject.
			timed.Go(func() { t.Run(f.Name(), func(t *testing.T) { results[i] = runFault(t, f) }) })
		}
	}
	timed.Wait()
	t.Parallel()
	slots := make(chan struct{}, matrixParallel)
	var wg sync.WaitGroup
	for i, f := range faults {
		if measuresTime(t, f) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			t.Run(f.Name(), func(t *testing.T) { results[i] = runFault(t, f) })
		}()
	}
	wg.Wait()

	var rows []*matrixRow
	complete := true
	everFailed := map[string]bool{}
	failedNames := map[string]bool{}
	for _, r := range results {
		if r == nil {
			complete = false
			continue
		}
		rows = append(rows, r)
		for _, id := range r.failedIDs {
			everFailed[id] = true
		}
		for _, name := range r.failed {
			failedNames[name] = true
		}
	}
	if *faultMatrixOnly == "" && complete {
		checkEveryBoundaryScenarioCaught(t, failedNames)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Fault matrix: %d faults, %s\n\n", len(rows), time.Since(start).Round(time.Second))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FAULT\tSUBSET\tFAILED/RAN\tSCENARIOS THAT FAILED")
	for _, r := range rows {
		names := r.failed
		more := ""
		if len(names) > 4 {
			names, more = names[:4], fmt.Sprintf(" (+%d more)", len(r.failed)-4)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s%s\n", r.fault, r.subset, len(r.failed), len(r.ran), strings.Join(names, "; "), more)
	}
	tw.Flush()
	if *faultMatrixFull && len(rows) > 0 {
		var never []string
		for _, id := range rows[0].ran {
			if !everFailed[id] {
				never = append(never, id)
			}
		}
		fmt.Fprintf(&b, "\nScenarios no fault made fail: %d of %d\n", len(never), len(rows[0].ran))
		for _, id := range never {
			fmt.Fprintf(&b, "  - %s\n", id)
		}
	}
	t.Log("\n" + b.String())
	if *faultMatrixOut != "" {
		var full strings.Builder
		full.WriteString(b.String())
		full.WriteString("\nEvery failing scenario, by fault:\n")
		for _, r := range rows {
			fmt.Fprintf(&full, "\n%s (%s): %d of %d failed\n", r.fault, r.subset, len(r.failed), len(r.ran))
			for _, n := range r.failed {
				fmt.Fprintf(&full, "  - %s\n", n)
			}
		}
		if err := os.WriteFile(*faultMatrixOut, []byte(full.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// runFault runs the fault's subset against a server with the fault and
// checks that it is caught: some scenario fails, and every scenario meant
// to catch it (mustCatch, boundaryCatches) does.
func runFault(t *testing.T, f refserver.Fault) *matrixRow {
	subset := subsetFor(f)
	scenarios := faultScenarios(t, f, subset)
	r := &matrixRow{fault: f.Name(), subset: subset}
	if r.subset == "" {
		r.subset = "(all)"
	}
	for _, sc := range scenarios {
		r.ran = append(r.ran, sc.ID())
		switch sc.Status {
		case "failed":
			r.failedIDs = append(r.failedIDs, sc.ID())
			r.failed = append(r.failed, sc.Name)
		case "passed", "skipped":
		default:
			t.Errorf("%s: %s is %s", f.Name(), sc.ID(), sc.Status)
		}
	}
	if len(scenarios) == 0 {
		t.Errorf("%s: the subset %q selects no scenario", f.Name(), subset)
	}
	if len(r.failed) == 0 {
		t.Errorf("fault %s (%s) was not caught: all %d scenarios of %q passed", f.Name(), f.Description(), len(scenarios), r.subset)
	}
	checkCaught(t, f, scenarios)
	sort.Strings(r.failed)
	for _, name := range mustCatch[f.Name()] {
		if i := sort.SearchStrings(r.failed, name); i == len(r.failed) || r.failed[i] != name {
			t.Errorf("fault %s (%s): the scenario %q passed; it must fail", f.Name(), f.Description(), name)
		}
	}
	return r
}
