// Package repo finds the kairos-conformance repository a command runs in,
// so that the files on disk (the reference world, its keys, the feature
// files, the payload templates) win over the copies embedded in the binary:
// inside the repository an edit takes effect without rebuilding, and
// outside it (a binary built with go build or go install) the embedded
// copies are used.
package repo

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// Module is the module path the repository's go.mod declares.
const Module = "github.com/kairos-conformance/kairos-conformance"

// ErrNotFound is Root's error outside the repository.
var ErrNotFound = errors.New("the kairos-conformance repository (its go.mod) is not above the working directory")

// Root walks up from the working directory to the directory whose go.mod
// declares Module. Another module's go.mod (a vendor's own Go client, say)
// is walked past. Outside the repository the error wraps ErrNotFound.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && declaresModule(data) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNotFound
		}
		dir = parent
	}
}

// declaresModule reports whether the go.mod data declares Module.
func declaresModule(data []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], "\"`") == Module
		}
	}
	return false
}
