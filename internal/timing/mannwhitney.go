// Package timing decides whether a server's answer times differ between
// classes of requests, robustly enough for a noisy shared machine: a
// difference is a finding only when the Mann-Whitney U test says it is
// real (a small p) and it is large enough to matter (an effect-size floor).
//
// The suite uses it for the rule that an envelope that does not open gets
// one answer whatever failed (Kairos spec rule 5.4): a server whose answer
// time tells an RSA padding failure from a later failure is a
// Bleichenbacher oracle as surely as one whose message does.
package timing

import (
	"math"
	"sort"
)

// MannWhitney compares two independent samples with the Mann-Whitney U
// test (Wilcoxon rank-sum). It returns U for a (the number of pairs in
// which a's value is larger, ties counting one half) and the two-sided p
// value of the normal approximation with tie and continuity corrections,
// as R's wilcox.test(a, b, exact = FALSE) computes it. The approximation
// is good from about 8 values per sample; with fewer, p is only a rough
// guide. Either sample empty, or all values equal, gives p = 1.
func MannWhitney(a, b []float64) (u, p float64) {
	n1, n2 := float64(len(a)), float64(len(b))
	if len(a) == 0 || len(b) == 0 {
		return 0, 1
	}
	type obs struct {
		v     float64
		fromA bool
	}
	all := make([]obs, 0, len(a)+len(b))
	for _, v := range a {
		all = append(all, obs{v, true})
	}
	for _, v := range b {
		all = append(all, obs{v, false})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v < all[j].v })

	// Mid-ranks for ties; tieSum accumulates t^3 - t per group of ties.
	var rankSumA, tieSum float64
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		rank := float64(i+j+1) / 2 // ranks i+1..j, averaged
		for k := i; k < j; k++ {
			if all[k].fromA {
				rankSumA += rank
			}
		}
		t := float64(j - i)
		tieSum += t*t*t - t
		i = j
	}
	u = rankSumA - n1*(n1+1)/2

	n := n1 + n2
	mean := n1 * n2 / 2
	variance := n1 * n2 / 12 * ((n + 1) - tieSum/(n*(n-1)))
	if variance <= 0 {
		return u, 1
	}
	d := u - mean
	// Continuity correction: move half a step towards the mean.
	switch {
	case d > 0:
		d = math.Max(d-0.5, 0)
	case d < 0:
		d = math.Min(d+0.5, 0)
	}
	z := d / math.Sqrt(variance)
	p = math.Erfc(math.Abs(z) / math.Sqrt2)
	return u, math.Min(p, 1)
}

// Median is the middle value (the mean of the two middle values for an
// even count); 0 for no values. xs is not changed.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
