package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/features"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/shard"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

// featureSource is where the feature files are: the directory dir of fsys.
// The runner and godog both read them through fsys, so a scenario's URI
// ("features/x.feature", as --list and the reports show it) is the same
// whether the files are on disk or embedded in the binary.
type featureSource struct {
	fsys fs.FS
	dir  string
	name string // for messages: the directory's absolute path, or features.EmbeddedName
}

// selection is what the flags select, checked before any server starts.
type selection struct {
	source   featureSource
	all      []suite.ScenarioInfo
	selected []suite.ScenarioInfo
	// paths are godog's feature paths: every feature file, or one
	// "path:line" per selected scenario when --name selects (godog cannot).
	paths []string
	known *reporting.KnownFailing
	// knownText is the --known-failing file's text, for a slice's manifest.
	knownText string
	// whole is the selection before --shard took its slice.
	whole wholeSelection
}

// wholeSelection is what every slice of a selection shares.
type wholeSelection struct {
	fingerprint string
	units       int
	scenarios   int
}

func prepareSelection(cfg suiteConfig) (selection, error) {
	src, err := findFeatures(cfg.featuresDir)
	if err != nil {
		return selection{}, err
	}
	parsed, err := suite.LoadScenarios(src.fsys, src.dir)
	if err != nil {
		return selection{}, fmt.Errorf("reading features: %w", err)
	}
	// The suite excludes the @client scenarios (they judge a vendor's client,
	// with the harness as the server: `runner certify-client`); the runner
	// selects with the very expression the suite hands godog.
	tags, err := suite.Tags(cfg.tags)
	if err != nil {
		return selection{}, fmt.Errorf("--tags: %w", err)
	}
	notClient, _ := suite.Tags("")
	all := suite.SelectScenarios(parsed, notClient, nil)
	sel := selection{source: src, all: all, selected: suite.SelectScenarios(all, tags, cfg.name), paths: suite.FeatureFiles(all)}
	if len(sel.selected) == 0 {
		return sel, fmt.Errorf("%w (--tags %q, --name %q; %d scenarios in %s): an empty run would pass vacuously",
			suite.ErrEmptySelection, cfg.tags, nameOf(cfg), len(all), src.name)
	}
	if cfg.name != nil {
		sel.paths = suite.FeaturePathsOf(sel.selected)
	}
	if cfg.shard != nil {
		if err := sel.takeSlice(*cfg.shard); err != nil {
			return sel, err
		}
	}
	if cfg.knownFailing != "" {
		data, err := os.ReadFile(cfg.knownFailing)
		if err != nil {
			return sel, fmt.Errorf("--known-failing: %w", err)
		}
		if sel.known, err = reporting.ParseKnownFailing(cfg.knownFailing, data); err != nil {
			return sel, err
		}
		sel.knownText = string(data)
		names := make([]string, len(all))
		for i, s := range all {
			names[i] = s.FullName()
		}
		if err := sel.known.CheckAllMatch(names); err != nil {
			return sel, err
		}
	}
	return sel, nil
}

func nameOf(cfg suiteConfig) string {
	if cfg.name == nil {
		return ""
	}
	return cfg.name.String()
}

// findFeatures locates the feature files: --features if given, else
// features/ in the repository found by walking up from the working
// directory (so `go test ./internal/cli` finds them as `go run ./runner` does),
// else, outside the repository, the copy embedded in the binary.
func findFeatures(flagDir string) (featureSource, error) {
	if flagDir != "" {
		abs, err := filepath.Abs(flagDir)
		if err != nil {
			return featureSource{}, err
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			return featureSource{}, fmt.Errorf("--features: %s is not a directory", flagDir)
		}
		parent, base := filepath.Split(abs)
		return featureSource{fsys: os.DirFS(parent), dir: base, name: abs}, nil
	}
	fsys, name, err := features.Source()
	if err != nil {
		return featureSource{}, fmt.Errorf("%w (pass --features)", err)
	}
	return featureSource{fsys: fsys, dir: features.Dir, name: name}, nil
}

// writeList prints the selection for --list: location, name, tags.
func writeList(w io.Writer, selected []suite.ScenarioInfo) {
	width := 0
	for _, s := range selected {
		if n := len(s.URI) + 1 + len(strconv.Itoa(s.Line)); n > width {
			width = n
		}
	}
	for _, s := range selected {
		fmt.Fprintf(w, "%-*s  %s  %s\n", width, s.URI+":"+strconv.Itoa(s.Line), s.Name, strings.Join(s.Tags, " "))
	}
	fmt.Fprintf(w, "%d scenarios\n", len(selected))
}

// takeSlice narrows the selection to slice s of it (see package shard): the
// scenarios of its units, selected by godog's "path:line" paths.
func (sel *selection) takeSlice(s shard.Spec) error {
	units := make([]shard.Unit, len(sel.selected))
	for i, sc := range sel.selected {
		units[i] = shard.Unit{URI: sc.URI, Line: sc.ScenarioLine}
	}
	sorted := shard.Units(units)
	sel.whole = wholeSelection{fingerprint: shard.Fingerprint(sorted), units: len(sorted), scenarios: len(sel.selected)}
	if len(sorted) < s.Total {
		return fmt.Errorf("--shard %s: the selection has %d scenarios (Scenario Outlines count once), too few for %d slices: use at most %d",
			s, len(sorted), s.Total, len(sorted))
	}
	mine := map[string]bool{}
	for _, u := range s.Select(sorted) {
		mine[u.String()] = true
	}
	var kept []suite.ScenarioInfo
	for _, sc := range sel.selected {
		if mine[shard.Unit{URI: sc.URI, Line: sc.ScenarioLine}.String()] {
			kept = append(kept, sc)
		}
	}
	sel.selected = kept
	sel.paths = suite.FeaturePathsOf(kept)
	return nil
}
