package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kairos-conformance/kairos-conformance/reporting"
	"github.com/kairos-conformance/kairos-conformance/suite"
)

// featureSource is where the feature files are: dir inside root. The
// runner reads them through fsys (names "features/x.feature", as --list
// shows them); godog gets them relative to the working directory.
type featureSource struct {
	fsys fs.FS
	root string // absolute
	dir  string
}

// runPath is the path godog is given for a feature file uri.
func (src featureSource) runPath(uri string) string {
	path := filepath.Join(src.root, filepath.FromSlash(uri))
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, path); err == nil {
			return rel
		}
	}
	return path
}

// selection is what the flags select, checked before any server starts.
type selection struct {
	source   featureSource
	all      []scenarioInfo
	selected []scenarioInfo
	// paths are godog's feature paths: every feature file, or one
	// "path:line" per selected scenario when --name selects (godog cannot).
	paths []string
	known *reporting.KnownFailing
}

func prepareSelection(cfg suiteConfig) (selection, error) {
	src, err := findFeatures(cfg.featuresDir)
	if err != nil {
		return selection{}, err
	}
	parsed, err := loadScenarios(src.fsys, src.dir)
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
	all := selectScenarios(parsed, notClient, nil)
	sel := selection{source: src, all: all, selected: selectScenarios(all, tags, cfg.name), paths: src.runPaths(featureFiles(all))}
	if len(sel.selected) == 0 {
		return sel, fmt.Errorf("%w (--tags %q, --name %q; %d scenarios in %s): an empty run would pass vacuously",
			errEmptySelection, cfg.tags, nameOf(cfg), len(all), filepath.Join(src.root, src.dir))
	}
	if cfg.name != nil {
		sel.paths = src.runPaths(featurePaths(sel.selected))
	}
	if cfg.knownFailing != "" {
		data, err := os.ReadFile(cfg.knownFailing)
		if err != nil {
			return sel, fmt.Errorf("--known-failing: %w", err)
		}
		if sel.known, err = reporting.ParseKnownFailing(cfg.knownFailing, data); err != nil {
			return sel, err
		}
		names := make([]string, len(all))
		for i, s := range all {
			names[i] = s.fullName()
		}
		if err := sel.known.CheckAllMatch(names); err != nil {
			return sel, err
		}
	}
	return sel, nil
}

func (src featureSource) runPaths(uris []string) []string {
	out := make([]string, len(uris))
	for i, u := range uris {
		out[i] = src.runPath(u)
	}
	return out
}

// featureFiles lists the files the scenarios come from, in order.
func featureFiles(all []scenarioInfo) []string {
	var files []string
	for i, s := range all {
		if i == 0 || s.URI != all[i-1].URI {
			files = append(files, s.URI)
		}
	}
	return files
}

func nameOf(cfg suiteConfig) string {
	if cfg.name == nil {
		return ""
	}
	return cfg.name.String()
}

// findFeatures locates the feature files: --features if given, else
// features/ in the module root found by walking up from the working
// directory (so `go test ./runner` finds them as `go run ./runner` does).
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
		return featureSource{fsys: os.DirFS(parent), root: parent, dir: base}, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return featureSource{}, err
	}
	for {
		if st, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !st.IsDir() {
			if st, err := os.Stat(filepath.Join(dir, "features")); err == nil && st.IsDir() {
				return featureSource{fsys: os.DirFS(dir), root: dir, dir: "features"}, nil
			}
			return featureSource{}, fmt.Errorf("no features/ directory beside %s (pass --features)", filepath.Join(dir, "go.mod"))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return featureSource{}, errors.New("no go.mod above the working directory: run from the repository or pass --features")
		}
		dir = parent
	}
}
