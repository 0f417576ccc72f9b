package suite_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/delayproxy"
	"github.com/kairos-conformance/kairos-conformance/internal/pacing"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// roundTrip is the latency the benchmark puts between the harness and the
// reference server: a far-away staging server.
const roundTrip = 100 * time.Millisecond

// BenchmarkSuiteBehind100ms runs the whole default suite against the
// reference server behind a proxy that adds 100 ms to every round trip, as
// a remote target: its clock cannot be moved (the @clock scenario is
// skipped), its keys are 2048-bit so that key generation does not hide the
// latency being measured. One run per iteration; s/run is the wall time.
//
//	go test ./internal/suite/ -run '^$' -bench 'SuiteBehind100ms/all' -benchtime 1x
//
// The sub-benchmarks vary the concurrency (default: the suite's default)
// and leave out the @timing scenarios, which send their ~100 requests each
// one after another and alone by design.
func BenchmarkSuiteBehind100ms(b *testing.B) {
	for _, sel := range []struct{ name, tags string }{{"all", ""}, {"no-timing", "~@timing"}} {
		for _, concurrency := range []int{0, 4, 8, 16, 32, 64} {
			name := fmt.Sprintf("%s/concurrency-%d", sel.name, concurrency)
			if concurrency == 0 {
				name = fmt.Sprintf("%s/default", sel.name)
			}
			b.Run(name, func(b *testing.B) { benchmarkDelay(b, roundTrip, sel.tags, concurrency) })
		}
	}
}

func benchmarkDelay(b *testing.B, delay time.Duration, tags string, concurrency int) {
	tg := startReference(b, refserver.Fault{})
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
		res, err := suite.Run(ctx, suite.Config{
			Profile: &prof, Tags: tags, Concurrency: concurrency, HTTPClient: client, Now: tg.Now, Limiter: limiter,
		})
		if err != nil {
			b.Fatal(err)
		}
		if res.Status != suite.StatusPassed {
			scenarios, _ := res.Scenarios()
			for _, sc := range scenarios {
				if sc.Status == "failed" {
					b.Errorf("%s: %s", sc.ID(), sc.Error)
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
// same run, the same remote-target setup, no added delay.
//
//	go test ./internal/suite/ -run '^$' -bench 'SuiteNoDelay' -benchtime 1x
func BenchmarkSuiteNoDelay(b *testing.B) {
	for _, concurrency := range []int{0, 32} {
		b.Run(fmt.Sprintf("no-timing/concurrency-%d", concurrency), func(b *testing.B) {
			benchmarkDelay(b, 0, "~@timing", concurrency)
		})
	}
}
