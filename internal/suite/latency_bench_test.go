package suite_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/delayproxy"
	"github.com/kairos-conformance/kairos-conformance/internal/pacing"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/internal/testworld"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// roundTrip is the latency the benchmark puts between the harness and the
// reference server: a far-away staging server.
const roundTrip = 100 * time.Millisecond

// BenchmarkSuiteBehind100ms runs the whole default suite against the
// reference server behind a proxy that adds 100 ms to every round trip, as
// a remote target: its clock cannot be moved (the @clock scenario is
// skipped) and the keys it generates are 2048-bit, so that key generation
// does not hide the latency being measured. One run per iteration; s/run
// is the wall time.
//
//	go test ./internal/suite/ -run '^$' -bench 'SuiteBehind100ms/all/default' -benchtime 1x
//
// The sub-benchmarks vary the concurrency (default: the suite's default)
// and the selection: no-timing leaves out the two @timing scenarios, which
// send their ~100 requests each one after another and alone by design;
// timing runs only those two; no-timing-rsa2048 also gives the flows 2048-bit keys (world2048), since
// here the server shares the harness's two cores, which a remote target
// does not, and its RSA-4096 decryptions are most of the run's CPU. That
// leaves out the 7 scenarios that need the flows' 4096-bit keys (an
// accepted encryptdata: a 500-byte keyB64, the published vector).
func BenchmarkSuiteBehind100ms(b *testing.B) {
	for _, sel := range benchSelections {
		for _, concurrency := range []int{0, 4, 8, 16, 32, 64} {
			name := fmt.Sprintf("%s/concurrency-%d", sel.name, concurrency)
			if concurrency == 0 {
				name = fmt.Sprintf("%s/default", sel.name)
			}
			b.Run(name, func(b *testing.B) { benchmarkDelay(b, roundTrip, sel, concurrency) })
		}
	}
}

// benchSelection is what a benchmark runs, and against which world.
type benchSelection struct {
	name, tags string
	rsa2048    bool
}

var benchSelections = []benchSelection{
	{"all", "", false},
	{"no-timing", "~@timing", false},
	// Not (@status-200 && @spec-6.2 && @endpoint-encryptdata), not @timing.
	{"no-timing-rsa2048", "~@timing && ~@status-200,~@timing && ~@spec-6.2,~@timing && ~@endpoint-encryptdata", true},
	// Everything but the one scenario that needs 4096-bit flow keys.
	{"rsa2048", "~" + testworld.Tag, true},
	// The two @timing scenarios alone: what they add to a run.
	{"timing", "@timing", false},
}

func benchmarkDelay(b *testing.B, delay time.Duration, sel benchSelection, concurrency int) {
	world := loadWorld(b)
	if sel.rsa2048 {
		world = world2048(b)
	}
	tg, err := target.StartEmbedded(world, refserver.Options{KeyBits: testKeyBits}, target.ClientOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(tg.Close)
	tags := sel.tags
	proxy, err := delayproxy.Start(tg.URL, delay)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(proxy.Close)
	prof := *tg.Profile
	prof.Target = proxy.URL
	client, err := target.NewHTTPClient(&prof, target.ClientOptions{IdleConns: max(concurrency, suite.DefaultConcurrency)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(client.CloseIdleConnections)
	ctx, cancel := runContext(b)
	defer cancel()
	var requests int64
	for b.Loop() {
		limiter, _ := pacing.New(0) // counts the requests
		cfg := tg.StepsConfig()
		cfg.Profile, cfg.HTTPClient, cfg.AdvanceClock, cfg.Limiter = &prof, client, nil, limiter // a remote target: its clock cannot move
		res, err := suite.Run(ctx, suite.Config{Steps: cfg, Tags: tags, Concurrency: concurrency})
		if err != nil {
			b.Fatal(err)
		}
		if res.Status != suite.StatusPassed {
			scenarios, _ := res.Scenarios()
			for _, sc := range scenarios {
				if sc.Status == "failed" {
					b.Errorf("%s: %s", sc.ID(), sc.FirstError())
				}
			}
			b.Fatalf("godog status %d behind the proxy", res.Status)
		}
		requests = limiter.Requests()
		logLongest(b, res.CucumberJSON, 8)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/run")
	b.ReportMetric(float64(requests), "requests/run")
}

// logLongest logs the n scenarios that took longest (the sum of their
// steps' durations): the chains that bound the run's wall time.
func logLongest(b *testing.B, cucumber []byte, n int) {
	var features []struct {
		URI      string `json:"uri"`
		Elements []struct {
			Name  string `json:"name"`
			Line  int    `json:"line"`
			Steps []struct {
				Result struct {
					Duration int64 `json:"duration"`
				} `json:"result"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(cucumber, &features); err != nil {
		b.Fatal(err)
	}
	type took struct {
		name string
		d    time.Duration
	}
	var all []took
	for _, f := range features {
		for _, e := range f.Elements {
			var d time.Duration
			for _, st := range e.Steps {
				d += time.Duration(st.Result.Duration)
			}
			all = append(all, took{fmt.Sprintf("%s:%d %s", f.URI, e.Line, e.Name), d})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].d > all[j].d })
	for i := 0; i < n && i < len(all); i++ {
		b.Logf("%8s  %s", all[i].d.Round(time.Millisecond), all[i].name)
	}
}

// BenchmarkSuiteNoDelay is the floor under BenchmarkSuiteBehind100ms: the
// same runs, the same remote-target setup, no added delay.
//
//	go test ./internal/suite/ -run '^$' -bench 'SuiteNoDelay' -benchtime 1x
func BenchmarkSuiteNoDelay(b *testing.B) {
	for _, sel := range benchSelections[1:] {
		b.Run(sel.name+"/default", func(b *testing.B) { benchmarkDelay(b, 0, sel, 0) })
	}
}

// world2048 is the reference world with its flows' key pairs replaced by
// fresh 2048-bit ones (in a temporary directory, the same file names).
func world2048(b *testing.B) *refserver.World {
	b.Helper()
	src := loadWorld(b).Path
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	worldDir, keyDir := filepath.Join(dir, "world"), filepath.Join(dir, "keys")
	for _, d := range []string{worldDir, keyDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	for _, m := range regexp.MustCompile(`\.\./keys/([A-Za-z0-9]+)_public\.key`).FindAllSubmatch(data, -1) {
		priv, err := envelope.GenerateKey(2048)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := envelope.WriteKeyPair(keyDir, string(m[1]), priv); err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(worldDir, filepath.Base(src))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	w, err := refserver.LoadWorld(path)
	if err != nil {
		b.Fatal(err)
	}
	return w
}
