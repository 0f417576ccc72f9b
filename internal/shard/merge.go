package shard

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

// Slice is one slice's reports as merge-reports reads them: its manifest
// and its cucumber.json (godog's record, redacted as the run redacted it).
type Slice struct {
	Dir      string
	Manifest Manifest
	Cucumber []byte
}

// ReadSlice reads the slice whose reports are in dir.
func ReadSlice(dir string) (Slice, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return Slice{}, err
	}
	cucumber, err := os.ReadFile(filepath.Join(dir, reporting.CucumberFile))
	if err != nil {
		return Slice{}, err
	}
	return Slice{Dir: dir, Manifest: m, Cucumber: cucumber}, nil
}

// Merged is the run the slices make together, ready for reporting.Build:
// judged once, by the same rules, as one unsharded run is.
type Merged struct {
	Meta     reporting.Meta
	Cucumber []byte
	// KnownFailing is the slices' --known-failing file (nil: none).
	KnownFailing *reporting.KnownFailing
	// InterruptCause joins the causes of the slices that were interrupted.
	InterruptCause string
	// Scenarios is how many scenarios the whole selection holds.
	Scenarios int
}

// Merge checks that slices are every slice of one selection, each once,
// run by the same harness against the same target under the same rules,
// and combines them.
func Merge(slices []Slice) (Merged, error) {
	if len(slices) == 0 {
		return Merged{}, fmt.Errorf("no slices to merge")
	}
	first := slices[0].Manifest
	byIndex := map[int]string{}
	for _, s := range slices {
		m := s.Manifest
		if err := sameRun(first, m, slices[0].Dir, s.Dir); err != nil {
			return Merged{}, err
		}
		if dir, dup := byIndex[m.Shard.Index]; dup {
			return Merged{}, fmt.Errorf("slice %s twice: %s and %s", m.Shard, dir, s.Dir)
		}
		byIndex[m.Shard.Index] = s.Dir
	}
	var missing []string
	for i := 1; i <= first.Shard.Total; i++ {
		if _, ok := byIndex[i]; !ok {
			missing = append(missing, Spec{Index: i, Total: first.Shard.Total}.String())
		}
	}
	if len(missing) > 0 {
		return Merged{}, fmt.Errorf("missing slice(s) %s: a merge of part of a selection would report on scenarios that never ran as if there were none",
			strings.Join(missing, ", "))
	}
	sort.Slice(slices, func(i, j int) bool { return slices[i].Manifest.Shard.Index < slices[j].Manifest.Shard.Index })

	out := Merged{Meta: mergeMeta(slices), Scenarios: first.SelectionScenarios}
	var err error
	if out.Cucumber, err = mergeCucumber(slices); err != nil {
		return Merged{}, err
	}
	if first.KnownFailingName != "" {
		if out.KnownFailing, err = reporting.ParseKnownFailing(first.KnownFailingName, []byte(first.KnownFailing)); err != nil {
			return Merged{}, err
		}
	}
	var causes []string
	for _, s := range slices {
		if c := s.Manifest.InterruptCause; c != "" && !contains(causes, c) {
			causes = append(causes, c)
		}
	}
	out.InterruptCause = strings.Join(causes, "; ")
	return out, nil
}

// sameRun refuses to merge slices that are not of one run.
func sameRun(a, b Manifest, dirA, dirB string) error {
	differ := func(what, x, y string) error {
		return fmt.Errorf("%s and %s are not slices of one run: %s %q and %q", dirA, dirB, what, x, y)
	}
	switch {
	case a.Shard.Total != b.Shard.Total:
		return differ("slice counts", a.Shard.String(), b.Shard.String())
	case a.Selection != b.Selection:
		return differ("selections (features, --tags, --name)", a.Selection, b.Selection)
	case a.Meta.HarnessVersion != b.Meta.HarnessVersion:
		return differ("harness builds", a.Meta.HarnessVersion, b.Meta.HarnessVersion)
	case a.Meta.Profile != b.Meta.Profile:
		return differ("profiles", a.Meta.Profile, b.Meta.Profile)
	case a.Meta.Strictness != b.Meta.Strictness:
		return differ("strictness", string(a.Meta.Strictness), string(b.Meta.Strictness))
	case a.Meta.Redacted != b.Meta.Redacted:
		return differ("redaction", strconv.FormatBool(a.Meta.Redacted), strconv.FormatBool(b.Meta.Redacted))
	case a.KnownFailing != b.KnownFailing:
		return differ("--known-failing lists", a.KnownFailingName, b.KnownFailingName)
	}
	return nil
}

// mergeMeta is the header of the whole run: from the first slice's start
// to the last one's end, interrupted if any slice was, with the requests
// and calls of every slice added up. Slices against the embedded server
// each start their own, on its own port: the targets then differ, and the
// header names them all.
func mergeMeta(slices []Slice) reporting.Meta {
	meta := slices[0].Manifest.Meta
	meta.Notes = nil
	if meta.Traffic != nil {
		t := *meta.Traffic // the sum below must not change the first slice's
		meta.Traffic = &t
	}
	var seeds []string
	sameSeed := true
	for _, s := range slices {
		m := s.Manifest.Meta
		if m.Started.Before(meta.Started) {
			meta.Started = m.Started
		}
		if m.Finished.After(meta.Finished) {
			meta.Finished = m.Finished
		}
		meta.Interrupted = meta.Interrupted || m.Interrupted
		for _, n := range m.Notes {
			if !contains(meta.Notes, n) {
				meta.Notes = append(meta.Notes, n)
			}
		}
		if m.Seed != meta.Seed {
			sameSeed = false
		}
		if !contains(strings.Split(meta.Target, ", "), m.Target) {
			meta.Target += ", " + m.Target
		}
		seeds = append(seeds, fmt.Sprintf("%s seed %d", s.Manifest.Shard, m.Seed))
		if s.Manifest.Shard.Index > 1 && m.Traffic != nil {
			if meta.Traffic == nil {
				meta.Traffic = &reporting.Traffic{}
			}
			meta.Traffic.Requests += m.Traffic.Requests
			meta.Traffic.RequestLimit += m.Traffic.RequestLimit
			meta.Traffic.AcceptedCalls += m.Traffic.AcceptedCalls
			meta.Traffic.UncertainCalls += m.Traffic.UncertainCalls
			meta.Traffic.CallBudget += m.Traffic.CallBudget
		}
	}
	note := fmt.Sprintf("merged from %d slices (--shard I/%d)", len(slices), len(slices))
	if !sameSeed {
		note += ": " + strings.Join(seeds, ", ")
	}
	meta.Notes = append(meta.Notes, note)
	return meta
}

// mergeCucumber joins the slices' cucumber JSON into one document shaped
// as an unsharded run's: one feature per file (godog names a feature
// selected by line "file:line"; the suffix goes), its scenarios in line
// order. A scenario in two slices is an error: the slices overlap.
func mergeCucumber(slices []Slice) ([]byte, error) {
	type feature struct {
		fields   map[string]json.RawMessage
		elements []json.RawMessage
		lines    []int
	}
	features := map[string]*feature{}
	var uris []string
	seen := map[string]string{} // "uri:line" -> the slice's directory
	for _, s := range slices {
		var doc []map[string]json.RawMessage
		if err := json.Unmarshal(s.Cucumber, &doc); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", s.Dir, reporting.CucumberFile, err)
		}
		for _, f := range doc {
			var uri string
			if err := json.Unmarshal(f["uri"], &uri); err != nil {
				return nil, fmt.Errorf("%s: %s: a feature without a uri", s.Dir, reporting.CucumberFile)
			}
			uri = stripLine(uri)
			ft, ok := features[uri]
			if !ok {
				ft = &feature{fields: f}
				features[uri] = ft
				uris = append(uris, uri)
			}
			var elements []json.RawMessage
			if raw, ok := f["elements"]; ok {
				if err := json.Unmarshal(raw, &elements); err != nil {
					return nil, fmt.Errorf("%s: %s: %s: %w", s.Dir, reporting.CucumberFile, uri, err)
				}
			}
			for _, e := range elements {
				var head struct {
					Line int `json:"line"`
				}
				if err := json.Unmarshal(e, &head); err != nil {
					return nil, fmt.Errorf("%s: %s: %s: %w", s.Dir, reporting.CucumberFile, uri, err)
				}
				key := uri + ":" + strconv.Itoa(head.Line)
				if dir, dup := seen[key]; dup {
					return nil, fmt.Errorf("the slices overlap: %s is in %s and %s", key, dir, s.Dir)
				}
				seen[key] = s.Dir
				ft.elements = append(ft.elements, e)
				ft.lines = append(ft.lines, head.Line)
			}
		}
	}
	sort.Strings(uris)
	out := make([]map[string]json.RawMessage, 0, len(uris))
	for _, uri := range uris {
		ft := features[uri]
		order := make([]int, len(ft.elements))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(i, j int) bool { return ft.lines[order[i]] < ft.lines[order[j]] })
		elements := make([]json.RawMessage, len(order))
		for i, k := range order {
			elements[i] = ft.elements[k]
		}
		fields := map[string]json.RawMessage{}
		for k, v := range ft.fields {
			fields[k] = v
		}
		fields["uri"], _ = json.Marshal(uri)
		fields["elements"], _ = json.Marshal(elements)
		out = append(out, fields)
	}
	return json.MarshalIndent(out, "", "    ")
}

// stripLine turns godog's "features/x.feature:12" into "features/x.feature".
func stripLine(uri string) string {
	if i := strings.LastIndexByte(uri, ':'); i > 0 {
		if _, err := strconv.Atoi(uri[i+1:]); err == nil {
			return uri[:i]
		}
	}
	return uri
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
