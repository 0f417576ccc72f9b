// Package features holds the conformance suite's feature files: the server
// suite (*.feature here, embedded so that a runner binary works outside the
// repository) and, in package client, the @client suite. Their steps are in
// package steps and internal/certify/clientsteps.
package features

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kairos-conformance/kairos-conformance/internal/repo"
)

// Dir is the directory of the server feature files, from the repository
// root: godog's URIs, --list and the reports name them "features/x.feature"
// whether they are read from disk or from the binary.
const Dir = "features"

//go:embed *.feature
var files embed.FS

// Embedded holds the *.feature files of this directory (not client/) as
// Dir/NAME.feature.
var Embedded fs.FS = underDir{dir: Dir, fsys: files}

// EmbeddedName is how messages name the embedded copy of Dir.
const EmbeddedName = "embedded:" + Dir

// Source returns the server feature files, under Dir in fsys: the
// repository's when the working directory is inside the repository (so an
// edited scenario runs without rebuilding; a missing features/ directory
// there is an error naming it), else Embedded. name says which for
// messages: the directory's absolute path, or EmbeddedName.
func Source() (fsys fs.FS, name string, err error) {
	root, err := repo.Root()
	if errors.Is(err, repo.ErrNotFound) {
		return Embedded, EmbeddedName, nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("finding the feature files: %w", err)
	}
	dir := filepath.Join(root, Dir)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, "", fmt.Errorf("no %s/ directory in the repository at %s", Dir, root)
	}
	return os.DirFS(root), dir, nil
}
