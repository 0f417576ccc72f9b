package shard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kairos-conformance/kairos-conformance/internal/atomicfile"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

// ManifestFile is written beside a slice's reports: what merge-reports
// needs that the reports do not say.
const ManifestFile = "shard.json"

// manifestVersion changes when Manifest's meaning does.
const manifestVersion = 1

// Manifest describes one slice's run.
type Manifest struct {
	Version int  `json:"version"`
	Shard   Spec `json:"shard"`
	// Selection is the Fingerprint of the whole selection (all slices), and
	// SelectionUnits and SelectionScenarios its size.
	Selection          string `json:"selection"`
	SelectionUnits     int    `json:"selection_units"`
	SelectionScenarios int    `json:"selection_scenarios"`
	// Scenarios is how many scenarios this slice selected.
	Scenarios int `json:"scenarios"`
	// Meta is the slice's run as the reports' header tells it.
	Meta reporting.Meta `json:"meta"`
	// KnownFailing is the text of the --known-failing file ("" for none) and
	// KnownFailingName its name: the merged run is judged against it again.
	KnownFailing     string `json:"known_failing,omitempty"`
	KnownFailingName string `json:"known_failing_name,omitempty"`
	// InterruptCause is the cancellation's cause when the slice was
	// interrupted.
	InterruptCause string `json:"interrupt_cause,omitempty"`
}

// WriteManifest writes dir/shard.json atomically.
func WriteManifest(dir string, m Manifest) error {
	m.Version = manifestVersion
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(dir, ManifestFile, append(data, '\n'))
}

// ErrNoManifest: a directory holds no shard.json, so it is not the reports
// of a --shard run.
var ErrNoManifest = errors.New("no " + ManifestFile + ": not the reports of a run with --shard")

// ReadManifest reads dir/shard.json.
func ReadManifest(dir string) (Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, fmt.Errorf("%s: %w", dir, ErrNoManifest)
	}
	if err != nil {
		return Manifest{}, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	if m.Version != manifestVersion {
		return Manifest{}, fmt.Errorf("%s: version %d, this runner reads version %d (merge with the runner that ran the slices)",
			filepath.Join(dir, ManifestFile), m.Version, manifestVersion)
	}
	return m, nil
}
