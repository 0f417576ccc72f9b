package shard

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Spec{"1/1": {1, 1}, "2/4": {2, 4}, " 4 / 4 ": {4, 4}} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q): Expected %v, Actual %v %v", in, want, got, err)
		}
	}
	for in, wantErr := range map[string]string{
		"":      "want I/N",
		"2":     "want I/N",
		"a/4":   "want I/N",
		"0/4":   "I must be 1 to 4",
		"5/4":   "I must be 1 to 4",
		"1/0":   "N must be 1 to 64",
		"1/400": "N must be 1 to 64",
	} {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("Parse(%q): Expected an error with %q, Actual %v", in, wantErr, err)
		}
	}
}

// someScenarios is a selection: one Unit per scenario, the outlines' rows
// sharing their outline's line.
func someScenarios() []Unit {
	var scenarios []Unit
	for f := 0; f < 5; f++ {
		for l := 0; l < 7+f; l++ {
			u := Unit{URI: fmt.Sprintf("features/f%d.feature", 4-f), Line: 10 + 5*l}
			rows := 1
			if l%4 == 0 {
				rows = 3 + l // an outline
			}
			for r := 0; r < rows; r++ {
				scenarios = append(scenarios, u)
			}
		}
	}
	return scenarios
}

// The slices of a selection are disjoint, cover it, differ in scenarios by
// at most the largest outline, and do not depend on the order the
// scenarios came in.
func TestSelectPartitions(t *testing.T) {
	scenarios := someScenarios()
	sorted := Units(scenarios)
	largest, total := 0, 0
	for _, u := range sorted {
		largest, total = max(largest, u.Scenarios), total+u.Scenarios
	}
	if total != len(scenarios) {
		t.Fatalf("Units: Expected %d scenarios in all, Actual %d", len(scenarios), total)
	}
	reversed := make([]Unit, len(scenarios))
	for i, u := range scenarios {
		reversed[len(scenarios)-1-i] = u
	}
	for n := 1; n <= 6; n++ {
		seen := map[string]int{}
		minSize, maxSize := len(scenarios), 0
		for i := 1; i <= n; i++ {
			s := Spec{Index: i, Total: n}
			got := s.Select(sorted)
			if again := s.Select(Units(reversed)); fmt.Sprint(again) != fmt.Sprint(got) {
				t.Errorf("%s: the slice depends on the input order", s)
			}
			size := 0
			for _, u := range got {
				seen[u.String()]++
				size += u.Scenarios
			}
			minSize, maxSize = min(minSize, size), max(maxSize, size)
		}
		for _, u := range sorted {
			if seen[u.String()] != 1 {
				t.Errorf("N=%d: %s is in %d slices, want 1", n, u, seen[u.String()])
			}
		}
		if maxSize-minSize > largest {
			t.Errorf("N=%d: slices of %d to %d scenarios; the largest unit has %d", n, minSize, maxSize, largest)
		}
		t.Logf("N=%d: slices of %d to %d scenarios", n, minSize, maxSize)
	}
}

func TestSplit(t *testing.T) {
	for _, c := range []struct{ limit, total int }{{500, 4}, {20, 3}, {7, 7}, {0, 4}} {
		sum := 0
		for i := 1; i <= c.total; i++ {
			share, err := Spec{i, c.total}.Split(c.limit)
			if err != nil {
				t.Fatalf("%d over %d: %v", c.limit, c.total, err)
			}
			if c.limit > 0 && share < 1 {
				t.Errorf("%d over %d: slice %d gets %d", c.limit, c.total, i, share)
			}
			sum += share
		}
		if sum != c.limit {
			t.Errorf("%d over %d: the shares add up to %d", c.limit, c.total, sum)
		}
	}
	if _, err := (Spec{4, 4}).Split(3); err == nil {
		t.Error("3 over 4 slices: Expected an error (a share of 0 would mean no limit)")
	}
}

// slice makes a slice whose cucumber JSON holds features with the given
// "uri:line" scenarios, godog-style ("file:line" uris for a selection by
// line).
func slice(index, total int, scenarios ...string) Slice {
	var features []map[string]any
	for _, sc := range scenarios {
		uri, line, _ := strings.Cut(sc, ":")
		var n int
		fmt.Sscan(line, &n)
		features = append(features, map[string]any{
			"uri": uri + ":" + line, "id": "f", "keyword": "Feature", "name": uri, "line": 1,
			"elements": []any{map[string]any{"line": n, "name": sc, "type": "scenario", "steps": []any{}}},
		})
	}
	data, _ := json.Marshal(features)
	start := time.Date(2026, 6, 1, 12, 0, index, 0, time.UTC)
	return Slice{
		Dir: fmt.Sprintf("shard-%d", index),
		Manifest: Manifest{
			Version: manifestVersion, Shard: Spec{index, total}, Selection: "abc", SelectionScenarios: 4,
			Meta: reporting.Meta{Target: "http://t", HarnessVersion: "v1", Started: start, Finished: start.Add(time.Minute), Seed: int64(index),
				Traffic: &reporting.Traffic{Requests: 10, AcceptedCalls: 2, RequestLimit: 100, CallBudget: 5}},
		},
		Cucumber: data,
	}
}

func TestMerge(t *testing.T) {
	m, err := Merge([]Slice{slice(2, 2, "b.feature:30", "a.feature:20"), slice(1, 2, "a.feature:10", "b.feature:5")})
	if err != nil {
		t.Fatal(err)
	}
	var doc []struct {
		URI      string `json:"uri"`
		Elements []struct {
			Line int `json:"line"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(m.Cucumber, &doc); err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, f := range doc {
		got += f.URI + fmt.Sprint(len(f.Elements))
		for _, e := range f.Elements {
			got += fmt.Sprintf(" %d", e.Line)
		}
		got += "; "
	}
	if want := "a.feature2 10 20; b.feature2 5 30; "; got != want {
		t.Errorf("merged features:\nExpected %s\nActual   %s", want, got)
	}
	if !m.Meta.Started.Equal(time.Date(2026, 6, 1, 12, 0, 1, 0, time.UTC)) || !m.Meta.Finished.Equal(time.Date(2026, 6, 1, 12, 1, 2, 0, time.UTC)) {
		t.Errorf("merged span %v to %v", m.Meta.Started, m.Meta.Finished)
	}
	if tr := m.Meta.Traffic; tr == nil || tr.Requests != 20 || tr.AcceptedCalls != 4 || tr.RequestLimit != 200 || tr.CallBudget != 10 {
		t.Errorf("merged traffic %+v", m.Meta.Traffic)
	}
	if m.Scenarios != 4 || len(m.Meta.Notes) != 1 || !strings.Contains(m.Meta.Notes[0], "1/2 seed 1, 2/2 seed 2") {
		t.Errorf("merged: %d scenarios, notes %q", m.Scenarios, m.Meta.Notes)
	}
}

func TestMergeRefuses(t *testing.T) {
	other := slice(2, 2, "b.feature:30")
	other.Manifest.Selection = "xyz"
	overlap := slice(2, 2, "a.feature:10")
	for name, c := range map[string]struct {
		slices []Slice
		want   string
	}{
		"a missing slice":     {[]Slice{slice(1, 3, "a.feature:10"), slice(3, 3, "b.feature:5")}, "missing slice(s) 2/3"},
		"a slice twice":       {[]Slice{slice(1, 2, "a.feature:10"), slice(1, 2, "b.feature:5")}, "slice 1/2 twice"},
		"another selection":   {[]Slice{slice(1, 2, "a.feature:10"), other}, "not slices of one run: selections"},
		"another slice count": {[]Slice{slice(1, 2, "a.feature:10"), slice(2, 3, "b.feature:5")}, "slice counts"},
		"overlapping slices":  {[]Slice{slice(1, 2, "a.feature:10"), overlap}, "the slices overlap: a.feature:10"},
		"nothing":             {nil, "no slices"},
	} {
		if _, err := Merge(c.slices); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Expected an error with %q, Actual %v", name, c.want, err)
		}
	}
}
