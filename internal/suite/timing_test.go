package suite_test

import (
	"flag"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/delayproxy"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/refserver"
	"github.com/kairos-conformance/kairos-conformance/steps"
)

var (
	timingRuns = flag.Int("timing.runs", 0, "run the @timing scenarios this many times under each delay fault and without one (TestTimingRepeated; 20 shows the finding rule's record)")
	timingAfar = flag.Duration("timing.behind", 0, "TestTimingRepeated: reach the server as a separate one, behind a proxy adding this round trip (0: in-process, its clock movable)")
)

// TestTimingRepeated shows the timing check's record: every run against a
// server that delays one class of failure by 40 ms must fail, every run
// against the correct server must pass. It runs only when asked, since
// it takes minutes:
//
//	go test ./internal/suite/ -run TestTimingRepeated -timing.runs=20 -v
//
// With -timing.behind=100ms the server is reached as a separate one (the
// path a staging target takes: rounds in flight, the two scenarios alone
// together) behind a proxy that adds that round trip.
func TestTimingRepeated(t *testing.T) {
	if testing.Short() || *timingRuns <= 0 {
		t.Skip("run with -timing.runs=20 (minutes: the @timing scenarios, 20 times under each delay fault and 20 times without)")
	}
	for _, name := range []string{"none", "delay-after-rsa", "delay-bad-payload"} {
		fault, err := refserver.ParseFault(name)
		if err != nil {
			t.Fatal(err)
		}
		wantFail := !fault.IsZero()
		var wrong int
		medians := map[string][]time.Duration{}
		var closest closestPair
		var weakest weakestCatch
		for run := 1; run <= *timingRuns; run++ {
			scenarios := runTiming(t, fault)
			for _, sc := range scenarios {
				failed := sc.Status == "failed"
				if failed != wantFail {
					wrong++
					t.Errorf("%s, run %d: %s is %s\n%s\n%s", name, run, sc.Name, sc.Status, sc.FirstError(), strings.Join(sc.AttachmentTexts("timing"), "\n"))
				}
				for class, d := range classMedians(sc.AttachmentTexts("timing")) {
					medians[class] = append(medians[class], d)
				}
				closest.update(sc.AttachmentTexts("timing"))
				weakest.update(sc.AttachmentTexts("timing"))
			}
		}
		verdict := "passed"
		if wantFail {
			verdict = "caught"
		}
		t.Logf("fault %s: %d of %d runs %s (2 scenarios each)", name, *timingRuns-wrong, *timingRuns, verdict)
		if !wantFail {
			t.Logf("  closest to a finding: %s", closest.line)
			t.Logf("  smallest p of any pair: %.2g", closest.minP)
		} else {
			t.Logf("  weakest catch (the scenario whose best finding had the largest p): %s", weakest.line)
		}
		var classes []string
		for c := range medians {
			classes = append(classes, c)
		}
		sort.Strings(classes)
		for _, c := range classes {
			ds := medians[c]
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			t.Logf("  %-27s per-scenario medians: min %s, median %s, max %s", c, ds[0].Round(10*time.Microsecond), ds[len(ds)/2].Round(10*time.Microsecond), ds[len(ds)-1].Round(10*time.Microsecond))
		}
	}
}

// runTiming runs the @timing scenarios once against a fresh server.
func runTiming(t *testing.T, fault refserver.Fault) []*reporting.Scenario {
	t.Helper()
	tg := startReference(t, fault)
	defer tg.Close()
	ctx, cancel := runContext(t)
	defer cancel()
	cfg := redacted(tg, nil)
	if *timingAfar > 0 {
		cfg = behindProxy(t, tg, cfg, *timingAfar)
	}
	res, err := suite.Run(ctx, suite.Config{Steps: cfg, Tags: "@timing"})
	if err != nil {
		t.Fatal(err)
	}
	scenarios, err := res.Scenarios()
	if err != nil {
		t.Fatal(err)
	}
	if len(scenarios) != 2 {
		t.Fatalf("%d @timing scenarios, want 2", len(scenarios))
	}
	return scenarios
}

// behindProxy is cfg reaching tg as a separate server (its clock cannot
// move) through a proxy that adds delay to every round trip.
func behindProxy(t *testing.T, tg *target.Target, cfg steps.Config, delay time.Duration) steps.Config {
	t.Helper()
	proxy, err := delayproxy.Start(tg.URL, delay)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	prof := *cfg.Profile
	prof.Target = proxy.URL
	client, err := target.NewHTTPClient(&prof, target.ClientOptions{IdleConns: suite.DefaultConcurrency})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.CloseIdleConnections)
	cfg.Profile, cfg.HTTPClient, cfg.AdvanceClock = &prof, client, nil
	return cfg
}

var medianLine = regexp.MustCompile(`(?m)^(.+?)\s+median\s+(\S+)\s+\(`)

// classMedians reads the per-class medians from a timing attachment.
func classMedians(attachments []string) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, a := range attachments {
		for _, m := range medianLine.FindAllStringSubmatch(a, -1) {
			if d, err := time.ParseDuration(strings.ReplaceAll(m[2], "µ", "u")); err == nil {
				out[strings.TrimSpace(m[1])] = d
			} else {
				panic(fmt.Sprintf("timing attachment: %q: %v", m[0], err))
			}
		}
	}
	return out
}

// closestPair remembers, over many timing attachments, the comparison whose
// shift came nearest its floor and the smallest p seen: how much margin
// the finding rule kept on the correct server.
type closestPair struct {
	ratio float64
	line  string
	minP  float64
}

var comparisonLine = regexp.MustCompile(`(?m)^.* vs .*\(shift (\S+), floor (\S+)\), .*, p (\S+): (\S+)$`)

func (c *closestPair) update(attachments []string) {
	if c.line == "" {
		c.minP = 1
	}
	for _, a := range attachments {
		for _, m := range comparisonLine.FindAllStringSubmatch(a, -1) {
			shift, err1 := time.ParseDuration(strings.ReplaceAll(m[1], "µ", "u"))
			floor, err2 := time.ParseDuration(strings.ReplaceAll(m[2], "µ", "u"))
			var p float64
			_, err3 := fmt.Sscan(m[3], &p)
			if err1 != nil || err2 != nil || err3 != nil || floor <= 0 {
				continue
			}
			if r := math.Abs(float64(shift)) / float64(floor); r >= c.ratio {
				c.ratio, c.line = r, m[0]
			}
			c.minP = math.Min(c.minP, p)
		}
	}
}

// weakestCatch remembers, over many timing attachments of a faulty
// server, the scenario whose strongest finding was weakest (the largest
// p): how much margin the finding rule kept on the fault.
type weakestCatch struct {
	p    float64
	line string
}

func (w *weakestCatch) update(attachments []string) {
	best, line := 2.0, ""
	for _, a := range attachments {
		for _, m := range comparisonLine.FindAllStringSubmatch(a, -1) {
			var p float64
			if _, err := fmt.Sscan(m[3], &p); err != nil || m[4] != "DIFFERENT" {
				continue
			}
			if p < best {
				best, line = p, m[0]
			}
		}
	}
	if line != "" && best >= w.p {
		w.p, w.line = best, line
	}
}
