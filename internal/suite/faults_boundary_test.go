package suite_test

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"time"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/kairos-conformance/kairos-conformance/features"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// boundaryTag marks the scenarios of the class table (features/README.md).
const boundaryTag = "@boundary"

// boundarySubset is the part of the suite each boundary fault (one broken
// input class, refserver/faults_boundary.go) runs against in the matrix.
var boundarySubset = map[string]string{
	"calls-limit-one-too-early":     "@bulk",
	"calls-limit-one-too-late":      "@status-303 && @spec-5.11",
	"pull-limit-one-too-early":      "@boundary && @endpoint-pull",
	"pull-limit-one-too-late":       "@status-303 && @endpoint-pull",
	"body-limit-one-too-early":      "@transport && @spec-2.11",
	"null-answered-500":             "@boundary && @status-210,@boundary && @status-400",
	"empty-string-as-missing":       "@boundary && @status-203,@boundary && @status-202,@boundary && @status-301",
	"coerce-scalars-to-strings":     "@boundary && @spec-2.7,@status-210 && @spec-5.5",
	"trim-strings":                  "@boundary && @status-203,@boundary && @status-202,@boundary && @status-301",
	"field-names-any-case":          "@boundary && @spec-2.8,@spec-5.5 && @endpoint-enc-multicast && ~@boundary",
	"api-version-any-case":          "@status-203",
	"api-version-as-number":         "@status-203",
	"security-id-any-case":          "@status-202",
	"security-id-prefix-match":      "@status-202",
	"flow-id-any-case":              "@status-301",
	"truncate-identifiers":          "@boundary && @status-202,@boundary && @status-301",
	"normalise-impossible-dates":    "@boundary && @spec-2.6",
	"no-leap-day":                   "@boundary && @spec-2.5",
	"accept-24-00":                  "@boundary && @spec-2.6",
	"time-letters-any-case":         "@boundary && @spec-2.6",
	"assume-ist-offset":             "@spec-5.12 && @endpoint-enc-multicast && ~@boundary",
	"fraction-millis-only":          "@boundary && @spec-2.6",
	"start-date-in-utc":             "@boundary && @spec-2.5",
	"accept-offset-out-of-range":    "@boundary && @spec-2.6",
	"whitelist-compares-raw-number": "@status-200 && @spec-2.9",
	"strip-91-from-any-number":      "@boundary && @spec-2.9",
	"numbers-start-7-to-9":          "@boundary && @spec-2.9",
	"numbers-start-5-to-9":          "@boundary && @spec-2.9",
	"number-pattern-unanchored":     "@boundary && @spec-2.9",
	"numbers-of-9-digits":           "@boundary && @spec-2.9",
	"strip-number-formatting":       "@boundary && @spec-2.9",
	"keys-null-as-missing":          "@spec-5.12 && @endpoint-enc-multicast && ~@boundary",
	"keys-required":                 "@boundary && @spec-2.7",
	"single-value-as-list":          "@boundary && @spec-2.7,@spec-5.12 && @endpoint-enc-multicast && ~@boundary",
}

// boundaryCatches names, for each boundary fault, the scenarios written to
// catch it (fragments of their names): every scenario of the subset whose
// name holds a fragment must fail, and at least one must run.
var boundaryCatches = map[string][]string{
	"calls-limit-one-too-early":     {"exactly as many calls as the limit are accepted"},
	"calls-limit-one-too-late":      {"one call more than the limit is refused with 303"},
	"pull-limit-one-too-early":      {"a pull of exactly as many uuids as the limit"},
	"pull-limit-one-too-late":       {"one uuid more than the limit is refused with 303"},
	"body-limit-one-too-early":      {"a body of exactly 256 KB is accepted"},
	"null-answered-500":             {`whose "api-version" is null`, `whose "calls" is null`, `whose "start-time" is null`, `whose "contact-numbers" is null`, `whose "requestEncryptedValue" is null`, `whose "flow-id" is null`, `pull request whose "phonon-uuids" is null`, "key value is null"},
	"empty-string-as-missing":       {"api-version an empty string", "security-id that is the flow's emptied", "flow-id that is the flow's emptied"},
	"coerce-scalars-to-strings":     {"client-identifier is a number", "client-identifier is true", "contact number is a JSON number", "key value is a number", "api-version is 1.0 is refused"},
	"trim-strings":                  {`api-version "1.0 "`, `api-version " 1.0"`, `api-version "TEST "`, "with a trailing space", "with a leading space"},
	"field-names-any-case":          {`spells "API-Version"`, `spells "Security-ID"`},
	"api-version-any-case":          {`api-version "Test"`, `api-version "tEST"`, `api-version "test"`},
	"api-version-as-number":         {`api-version "1.00"`, `api-version "01.0"`, `api-version "1" is refused`},
	"security-id-any-case":          {"security-id that is the flow's in swapped case"},
	"security-id-prefix-match":      {"security-id that is the flow's without its last character", "security-id that is the flow's emptied"},
	"flow-id-any-case":              {"flow-id that is the flow's in swapped case"},
	"truncate-identifiers":          {"with one more character"},
	"normalise-impossible-dates":    {"February 29 of the next common year", "February 30", "April 31"},
	"no-leap-day":                   {"February 29 of a leap year is accepted"},
	"accept-24-00":                  {"written at 24:00:00"},
	"time-letters-any-case":         {"lower-case t", "lower-case z"},
	"assume-ist-offset":             {"written as YYYY-MM-DDThh:mm:ss is refused"},
	"fraction-millis-only":          {"one-digit fraction", "nanoseconds"},
	"start-date-in-utc":             {"midnight today east of UTC", "last second of yesterday west of UTC"},
	"accept-offset-out-of-range":    {"offset +05:60", "offset +24:00"},
	"whitelist-compares-raw-number": {"written with the prefix"},
	"strip-91-from-any-number":      {"whitelisted number starting 91"},
	"numbers-start-7-to-9":          {"whitelisted number starting 6"},
	"numbers-start-5-to-9":          {"first digit replaced by 5"},
	"number-pattern-unanchored":     {"gains a trailing 0"},
	"numbers-of-9-digits":           {"loses its last digit"},
	"strip-number-formatting":       {"space after its fifth digit"},
	"keys-null-as-missing":          {"keys is null"},
	"keys-required":                 {"without keys is accepted", "with an empty key list is accepted"},
	"single-value-as-list":          {"keys is one object, not a list", "contact-numbers is a string"},
}

// checkCaught: under a boundary fault, every scenario meant to catch it
// failed.
func checkCaught(t *testing.T, f refserver.Fault, scenarios []*reporting.Scenario) {
	t.Helper()
	for _, frag := range boundaryCatches[f.Name()] {
		ran := 0
		for _, sc := range scenarios {
			if !strings.Contains(sc.Name, frag) {
				continue
			}
			ran++
			if sc.Status != "failed" {
				t.Errorf("fault %s: %q %s; it is meant to catch the fault", f.Name(), sc.Name, sc.Status)
			}
		}
		if ran == 0 {
			t.Errorf("fault %s: no scenario named like %q ran in %q", f.Name(), frag, subsetFor(f))
		}
	}
}

// clockSensitive faults judge dates: the matrix runs them with the clock
// at 06:00 UTC today, where the start-time steps find offsets on both sides
// of UTC (around UTC midnight there are none).
var clockSensitive = map[string]bool{"start-date-in-utc": true}

// startMatrixReference serves world with fault f, the clock pinned for the
// clock-sensitive faults.
func startMatrixReference(t *testing.T, f refserver.Fault, world *refserver.World) *target.Target {
	t.Helper()
	opts := refserver.Options{Fault: f, KeyBits: testKeyBits, GenerateKey: rotationKeys.source()}
	if clockSensitive[f.Name()] {
		real := time.Now()
		at := real.UTC().Truncate(24 * time.Hour).Add(6 * time.Hour)
		opts.Now = func() time.Time { return at.Add(time.Since(real)) }
	}
	tg, err := target.StartEmbedded(world, opts, target.ClientOptions{Timeout: exchangeTimeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tg.Close)
	return tg
}

// boundaryScenarios lists "feature file:name" of every @boundary pickle
// (one per Examples row) in the features, whether or not a fault's subset
// selected it.
func boundaryScenarios(t *testing.T) map[string]bool {
	t.Helper()
	fsys, _, err := features.Source()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	newID := (&messages.Incrementing{}).NewId
	err = fs.WalkDir(fsys, features.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".feature") {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), newID)
		if err != nil || doc.Feature == nil {
			return err
		}
		for _, pk := range gherkin.Pickles(*doc, p, newID) {
			for _, tag := range pk.Tags {
				if tag.Name != boundaryTag {
					continue
				}
				if out[pk.Name] {
					// The matrix tells scenarios apart by name.
					t.Errorf("%s: two @boundary scenarios are named %q", p, pk.Name)
				}
				out[pk.Name] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkEveryBoundaryScenarioCaught: each class-table scenario failed under
// at least one fault of the matrix.
func checkEveryBoundaryScenarioCaught(t *testing.T, failedNames map[string]bool) {
	t.Helper()
	all := boundaryScenarios(t)
	if len(all) == 0 {
		t.Fatal("no @boundary scenario in the features")
	}
	var never []string
	for name := range all {
		if !failedNames[name] {
			never = append(never, name)
		}
	}
	if len(never) > 0 {
		t.Errorf("%d of %d @boundary scenarios failed under no fault:\n  %s", len(never), len(all), strings.Join(never, "\n  "))
	}
}
