// Package shard splits a selection of scenarios into N stable slices, so
// that N machines (a CI matrix) can run one selection together, and merges
// what the slices report back into the reports one unsharded run writes.
// The model is Playwright's --shard and merge-reports.
//
// A scenario's slice depends only on the selection, never on --seed (which
// orders the run) or on the machine. The selection's units (a Scenario, or
// a Scenario Outline whole, since godog selects an outline only whole) are
// dealt largest first (by scenarios, then by feature path and line), each
// to the slice holding the fewest scenarios so far: the slices' sizes
// differ by at most the largest outline's rows.
package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Spec is one slice: Index of Total, 1-based, as --shard 2/4 says it.
type Spec struct {
	Index int `json:"index"`
	Total int `json:"total"`
}

// MaxTotal bounds N: far more slices than any CI matrix runs, and few
// enough that a typo (--shard 1/400) is caught.
const MaxTotal = 64

// Parse reads "I/N" with 1 <= I <= N <= MaxTotal.
func Parse(s string) (Spec, error) {
	i, n, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(strings.TrimSpace(i))
	total, err2 := strconv.Atoi(strings.TrimSpace(n))
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Spec{}, fmt.Errorf("%q: want I/N, such as 2/4 (the second of four slices)", s)
	case total < 1 || total > MaxTotal:
		return Spec{}, fmt.Errorf("%q: N must be 1 to %d", s, MaxTotal)
	case index < 1 || index > total:
		return Spec{}, fmt.Errorf("%q: I must be 1 to %d", s, total)
	}
	return Spec{Index: index, Total: total}, nil
}

func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Total) }

// Unit is what a slice holds: a Scenario, or a Scenario Outline with all
// its rows, named by its feature file and its keyword's line.
type Unit struct {
	URI  string
	Line int
	// Scenarios is how many scenarios (an outline's selected rows) the
	// unit holds; Units counts them.
	Scenarios int
}

func (u Unit) String() string { return u.URI + ":" + strconv.Itoa(u.Line) }

// Units lists the distinct units of a selection, given one Unit per
// selected scenario (an outline's rows share theirs), each with its count
// of scenarios, sorted by file and line.
func Units(scenarios []Unit) []Unit {
	index := map[string]int{}
	var out []Unit
	for _, u := range scenarios {
		key := u.String()
		if i, ok := index[key]; ok {
			out[i].Scenarios++
			continue
		}
		index[key] = len(out)
		out = append(out, Unit{URI: u.URI, Line: u.Line, Scenarios: 1})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].URI != out[j].URI {
			return out[i].URI < out[j].URI
		}
		return out[i].Line < out[j].Line
	})
	return out
}

// Select returns the units of sorted (as Units returns them) that fall in
// slice s, in file order. Every slice computes the same deal: the units
// largest first (ties in file order), each to the slice with the fewest
// scenarios so far (ties: the lowest slice).
func (s Spec) Select(sorted []Unit) []Unit {
	order := make([]int, len(sorted))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return sorted[order[a]].Scenarios > sorted[order[b]].Scenarios })
	load := make([]int, s.Total)
	mine := make([]bool, len(sorted))
	for _, i := range order {
		least := 0
		for j := range load {
			if load[j] < load[least] {
				least = j
			}
		}
		load[least] += max(sorted[i].Scenarios, 1)
		mine[i] = least == s.Index-1
	}
	var out []Unit
	for i, u := range sorted {
		if mine[i] {
			out = append(out, u)
		}
	}
	return out
}

// Fingerprint names a selection: the SHA-256 of its sorted units. Slices of
// one selection share it; merge-reports refuses slices that do not.
func Fingerprint(sorted []Unit) string {
	h := sha256.New()
	for _, u := range sorted {
		fmt.Fprintf(h, "%s\n", u)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Split divides a per-run limit among the slices, which run at the same
// time: slice i gets limit/N, and one more while the remainder lasts, so the
// slices' shares add up to limit. 0 (no limit) stays 0. A share of 0 would
// mean no limit at all, so it is an error.
func (s Spec) Split(limit int) (int, error) {
	if limit <= 0 {
		return limit, nil
	}
	share := limit / s.Total
	if s.Index <= limit%s.Total {
		share++
	}
	if share == 0 {
		return 0, fmt.Errorf("%d cannot be divided among %d slices running at once (each needs at least 1): raise it or use fewer slices", limit, s.Total)
	}
	return share, nil
}
