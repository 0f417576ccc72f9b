package timing

import (
	"fmt"
	"strings"
	"time"
)

// The finding rule's defaults. A noisy machine shifts every class alike
// and makes single answers slow, so a difference must be both significant
// and large: on a shared 2-core machine, with the reference server's
// RSA-4096 decryption taking about 9 ms, medians move by a few
// milliseconds between runs, never by 5 ms and 20% at once between
// interleaved classes.
const (
	// DefaultAlpha is the p value below which a difference is significant.
	DefaultAlpha = 0.001
	// DefaultMinShift is the smallest difference of medians that counts.
	DefaultMinShift = 5 * time.Millisecond
	// DefaultMinRelative is the smallest difference of medians that counts,
	// as a fraction of the faster class's median.
	DefaultMinRelative = 0.20
	// MinSamples is the fewest answer times per class for which
	// DefaultAlpha is reachable at all (with 10 per class, complete
	// separation gives p = 0.0002).
	MinSamples = 10
)

// Rule says when a difference between two classes is a finding.
type Rule struct {
	Alpha       float64       // significance: p must be below it
	MinShift    time.Duration // effect: the medians must differ by more than this...
	MinRelative float64       // ...and by more than this fraction of the faster median
}

// DefaultRule is the rule the suite applies.
var DefaultRule = Rule{Alpha: DefaultAlpha, MinShift: DefaultMinShift, MinRelative: DefaultMinRelative}

// Class is one kind of request and the answer times measured for it.
type Class struct {
	Name    string
	Samples []time.Duration
}

// Median is the class's median answer time.
func (c Class) Median() time.Duration {
	return time.Duration(Median(seconds(c.Samples)) * float64(time.Second))
}

// Comparison is the verdict on one pair of classes.
type Comparison struct {
	A, B             string
	MedianA, MedianB time.Duration
	U, P             float64
	// Floor is the difference of medians this pair needed to exceed.
	Floor   time.Duration
	Finding bool
}

// Shift is how much slower B's median is than A's (negative: faster).
func (c Comparison) Shift() time.Duration { return c.MedianB - c.MedianA }

// Compare tests every pair of classes (in the given order) under rule.
func Compare(classes []Class, rule Rule) []Comparison {
	var out []Comparison
	for i := 0; i < len(classes); i++ {
		for j := i + 1; j < len(classes); j++ {
			out = append(out, compare(classes[i], classes[j], rule))
		}
	}
	return out
}

func compare(a, b Class, rule Rule) Comparison {
	c := Comparison{A: a.Name, B: b.Name, MedianA: a.Median(), MedianB: b.Median()}
	c.U, c.P = MannWhitney(seconds(a.Samples), seconds(b.Samples))
	faster := min(c.MedianA, c.MedianB)
	c.Floor = max(rule.MinShift, time.Duration(rule.MinRelative*float64(faster)))
	shift := c.Shift()
	if shift < 0 {
		shift = -shift
	}
	c.Finding = c.P < rule.Alpha && shift > c.Floor
	return c
}

// Findings are the comparisons that found a difference.
func Findings(cs []Comparison) []Comparison {
	var out []Comparison
	for _, c := range cs {
		if c.Finding {
			out = append(out, c)
		}
	}
	return out
}

// Table shows the classes' medians and every comparison, one per line.
func Table(classes []Class, cs []Comparison, rule Rule) string {
	var b strings.Builder
	for _, c := range classes {
		fmt.Fprintf(&b, "%-28s median %8s  (%d answers)\n", c.Name, round(c.Median()), len(c.Samples))
	}
	fmt.Fprintf(&b, "finding rule: p < %g and medians apart by more than max(%s, %.0f%% of the faster median)\n",
		rule.Alpha, rule.MinShift, rule.MinRelative*100)
	for _, c := range cs {
		verdict := "same"
		if c.Finding {
			verdict = "DIFFERENT"
		}
		fmt.Fprintf(&b, "%s vs %s: medians %s vs %s (shift %s, floor %s), Mann-Whitney U %.1f, p %.2g: %s\n",
			c.A, c.B, round(c.MedianA), round(c.MedianB), round(c.Shift()), round(c.Floor), c.U, c.P, verdict)
	}
	return b.String()
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }

func seconds(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}
