package repo

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestRootFromInside(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "fixtures", "world", "reference.yaml")); err != nil {
		t.Errorf("root %s: %v", root, err)
	}
}

// TestRootWalksPastOtherModules: a vendor running the binary inside their
// own Go module is outside the repository.
func TestRootWalksPastOtherModules(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/vendor/client\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "cmd", "client")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	if root, err := Root(); !errors.Is(err, ErrNotFound) {
		t.Errorf("Root() = %q, %v; want ErrNotFound", root, err)
	}
}

func TestDeclaresModule(t *testing.T) {
	for data, want := range map[string]bool{
		"module github.com/kairos-conformance/kairos-conformance\n\ngo 1.26\n":          true,
		"// a comment\nmodule \"github.com/kairos-conformance/kairos-conformance\"\r\n": true,
		"module github.com/kairos-conformance/kairos-conformance // the harness\n":      true,
		"module github.com/kairos-conformance/kairos-conformance/v2\n":                  false,
		"module example.com/other\n": false,
		"":                           false,
	} {
		if got := declaresModule([]byte(data)); got != want {
			t.Errorf("%q: %v, want %v", data, got, want)
		}
	}
}
