package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	for _, data := range []string{"first", "second"} {
		if err := Write(dir, "x.json", []byte(data)); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(filepath.Join(dir, "x.json")); err != nil || string(got) != data {
			t.Errorf("read back %q, %v; want %q", got, err, data)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d files: a temporary file was left behind", len(entries))
	}
	// A failed write leaves neither the target nor a temporary file.
	ro := t.TempDir()
	if err := Write(filepath.Join(ro, "missing"), "x.json", []byte("{}")); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	if left, _ := os.ReadDir(ro); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}
