package timing_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/timing"
)

// Known values: U and the two-sided p of the normal approximation with tie
// and continuity corrections (R: wilcox.test(a, b, exact = FALSE)).
func TestMannWhitneyKnownValues(t *testing.T) {
	cases := []struct {
		name string
		a, b []float64
		u, p float64
	}{
		// R: wilcox.test(1:5, 6:10, exact = FALSE) -> W = 0, p-value = 0.01219.
		{"complete separation, 5 and 5", []float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, 0, 0.012185780355344818},
		// R: wilcox.test(1:3, 4:6, exact = FALSE) -> W = 0, p-value = 0.08086.
		{"complete separation, 3 and 3", []float64{1, 2, 3}, []float64{4, 5, 6}, 0, 0.0808555983700523},
		// Reversed: U counts pairs where a is larger, p is the same.
		{"reversed", []float64{6, 7, 8, 9, 10}, []float64{1, 2, 3, 4, 5}, 25, 0.012185780355344818},
		// R's ?wilcox.test example (depression scores): W = 35.
		{"R's example", []float64{0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46}, []float64{1.15, 0.88, 0.90, 0.74, 1.21}, 35, 0.24462360512698333},
		// Ties across the samples: mid-ranks and the tie correction.
		{"ties", []float64{1, 2, 2, 3, 3, 4}, []float64{3, 4, 4, 5, 5, 6}, 3, 0.01810094873944971},
		{"ties, unequal sizes", []float64{10, 10, 10, 12}, []float64{10, 11, 11, 13, 14}, 4.5, 0.19877173361683925},
		{"the same values", []float64{1.1, 2.2, 3.3, 4.4}, []float64{1.1, 2.2, 3.3, 4.4}, 8, 1},
		{"30 and 30 apart", seq(1, 30), seq(31, 60), 0, 3.019859359162151e-11},
		{"all values equal", []float64{5, 5, 5}, []float64{5, 5}, 3, 1},
		{"an empty sample", nil, []float64{1, 2}, 0, 1},
	}
	for _, tc := range cases {
		u, p := timing.MannWhitney(tc.a, tc.b)
		if u != tc.u || math.Abs(p-tc.p) > 1e-9*tc.p { // relative tolerance
			t.Errorf("%s: Expected U %g, p %.10g; Actual U %g, p %.10g", tc.name, tc.u, tc.p, u, p)
		}
	}
}

func seq(from, to int) []float64 {
	var out []float64
	for i := from; i <= to; i++ {
		out = append(out, float64(i))
	}
	return out
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{nil, 0}, {[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5},
	} {
		in := append([]float64(nil), tc.xs...)
		if got := timing.Median(tc.xs); got != tc.want {
			t.Errorf("Median(%v): Expected %g, Actual %g", in, tc.want, got)
		}
		for i := range in {
			if in[i] != tc.xs[i] {
				t.Fatalf("Median changed its input: %v", tc.xs)
			}
		}
	}
}

// noisy returns n answer times around base with a long right tail, like a
// shared machine's: most within ±2 ms, one in ten up to 30 ms late.
func noisy(r *rand.Rand, n int, base time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		d := base + time.Duration((r.Float64()*4-2)*float64(time.Millisecond))
		if r.IntN(10) == 0 {
			d += time.Duration(r.Float64() * float64(30*time.Millisecond))
		}
		out[i] = d
	}
	return out
}

func TestCompare(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ms := time.Millisecond
	cases := []struct {
		name    string
		a, b    []time.Duration
		finding bool
	}{
		{"40 ms slower", noisy(r, 30, 10*ms), noisy(r, 30, 50*ms), true},
		{"same server, same class", noisy(r, 30, 10*ms), noisy(r, 30, 10*ms), false},
		// Significant but below the 5 ms floor.
		{"3 ms slower, no noise", constant(30, 10*ms), constant(30, 13*ms), false},
		// Above 5 ms but below 20% of a slow median.
		{"15 ms slower at 100 ms", constant(30, 100*ms), constant(30, 115*ms), false},
		{"25 ms slower at 100 ms", constant(30, 100*ms), constant(30, 125*ms), true},
		// Large but not significant: too few answers.
		{"40 ms slower, 3 answers", noisy(r, 3, 10*ms), noisy(r, 3, 50*ms), false},
		{"40 ms faster", noisy(r, 30, 50*ms), noisy(r, 30, 10*ms), true},
	}
	for _, tc := range cases {
		cs := timing.Compare([]timing.Class{{Name: "a", Samples: tc.a}, {Name: "b", Samples: tc.b}}, timing.DefaultRule)
		if len(cs) != 1 {
			t.Fatalf("%s: Expected 1 comparison, Actual %d", tc.name, len(cs))
		}
		if cs[0].Finding != tc.finding {
			t.Errorf("%s: Expected finding=%v, Actual:\n%s", tc.name, tc.finding, timing.Table(nil, cs, timing.DefaultRule))
		}
	}
}

func constant(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d + time.Duration(i)*time.Microsecond // distinct values, no ties
	}
	return out
}

// Three classes give three pairs; one slow class is two findings.
func TestCompareThreeClasses(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	classes := []timing.Class{
		{Name: "rsa", Samples: noisy(r, 30, 9*time.Millisecond)},
		{Name: "aes", Samples: noisy(r, 30, 49*time.Millisecond)},
		{Name: "json", Samples: noisy(r, 30, 9*time.Millisecond)},
	}
	cs := timing.Compare(classes, timing.DefaultRule)
	if len(cs) != 3 {
		t.Fatalf("Expected 3 pairs, Actual %d", len(cs))
	}
	got := timing.Findings(cs)
	if len(got) != 2 || got[0].B != "aes" || got[1].A != "aes" {
		t.Fatalf("Expected rsa/aes and aes/json, Actual:\n%s", timing.Table(classes, cs, timing.DefaultRule))
	}
	table := timing.Table(classes, cs, timing.DefaultRule)
	for _, want := range []string{"rsa", "median", "DIFFERENT", "same", "p < 0.001"} {
		if !strings.Contains(table, want) {
			t.Errorf("Expected the table to show %q:\n%s", want, table)
		}
	}
}

// Under the null hypothesis the finding rule almost never fires: 2000
// pairs of samples drawn from one noisy distribution, no finding.
func TestCompareNoFalseFindings(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 2000; i++ {
		cs := timing.Compare([]timing.Class{
			{Name: "a", Samples: noisy(r, 30, 10*time.Millisecond)},
			{Name: "b", Samples: noisy(r, 30, 10*time.Millisecond)},
		}, timing.DefaultRule)
		if cs[0].Finding {
			t.Fatalf("draw %d: a false finding:\n%s", i, timing.Table(nil, cs, timing.DefaultRule))
		}
	}
}
