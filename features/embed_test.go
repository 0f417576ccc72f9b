package features

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
)

// TestEmbeddedIsTheDirectory: the binary's copy holds every server feature
// file of the directory, byte for byte, under the names the disk gives.
func TestEmbeddedIsTheDirectory(t *testing.T) {
	disk, err := filepath.Glob("*.feature")
	if err != nil || len(disk) == 0 {
		t.Fatalf("no feature files here: %v", err)
	}
	var embedded []string
	err = fs.WalkDir(Embedded, Dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			embedded = append(embedded, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, name := range disk {
		want = append(want, Dir+"/"+name)
		onDisk, _ := os.ReadFile(name)
		if got, err := fs.ReadFile(Embedded, Dir+"/"+name); err != nil || string(got) != string(onDisk) {
			t.Errorf("%s: embedded copy differs (%v)", name, err)
		}
	}
	if !slices.Equal(embedded, want) {
		t.Errorf("embedded %q, want %q", embedded, want)
	}
	if err := fstest.TestFS(Embedded, want...); err != nil {
		t.Error(err)
	}
}

func TestSource(t *testing.T) {
	fsys, name, err := Source()
	if err != nil {
		t.Fatal(err)
	}
	if abs, _ := filepath.Abs("."); name != abs {
		t.Errorf("inside the repository: %q, want %q", name, abs)
	}
	if _, err := fs.Stat(fsys, Dir+"/transport.feature"); err != nil {
		t.Error(err)
	}
	t.Chdir(t.TempDir())
	if fsys, name, err = Source(); err != nil || name != EmbeddedName || fsys != Embedded {
		t.Errorf("outside the repository: %v, %q, %v", fsys, name, err)
	}
}
