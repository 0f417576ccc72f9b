package refserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kairos-conformance/kairos-conformance/fixtures"
)

// TestEmbeddedWorldIsTheRepositorys: the world built into the binary is the
// file on disk, keys and all, under "embedded:" names.
func TestEmbeddedWorldIsTheRepositorys(t *testing.T) {
	disk := testWorld(t)
	emb, err := EmbeddedWorld()
	if err != nil {
		t.Fatal(err)
	}
	if emb.Path != "embedded:fixtures/world/reference.yaml" {
		t.Errorf("Path %q", emb.Path)
	}
	if len(emb.Flows) != len(disk.Flows) {
		t.Fatalf("%d flows embedded, %d on disk", len(emb.Flows), len(disk.Flows))
	}
	for i, f := range emb.Flows {
		d := disk.Flows[i]
		if f.ID != d.ID || f.Role != d.Role || f.SecurityID != d.SecurityID ||
			!f.PublicKey.Equal(d.PublicKey) || !f.PrivateKey.Equal(d.PrivateKey) {
			t.Errorf("flow %s differs from the disk's %s", f.ID, d.ID)
		}
		if want := "embedded:fixtures/keys/" + f.ID + "_public.key"; f.PublicKeyFile != want {
			t.Errorf("%s: PublicKeyFile %q, want %q", f.ID, f.PublicKeyFile, want)
		}
		if want := "embedded:fixtures/keys/" + f.ID + "_private.key"; f.PrivateKeyFile != want {
			t.Errorf("%s: PrivateKeyFile %q, want %q", f.ID, f.PrivateKeyFile, want)
		}
	}
}

// TestDefaultWorld: the repository's file inside the repository, the
// embedded copy outside it (even inside another Go module).
func TestDefaultWorld(t *testing.T) {
	w, err := DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := FindWorld(); w.Path != want || !filepath.IsAbs(w.Path) {
		t.Errorf("inside the repository: Path %q, want %q", w.Path, want)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/vendor\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if w, err = DefaultWorld(); err != nil {
		t.Fatal(err)
	}
	if w.Path != "embedded:fixtures/world/reference.yaml" {
		t.Errorf("outside the repository: Path %q", w.Path)
	}
	if _, err := FindWorld(); err == nil || !strings.Contains(err.Error(), "not above the working directory") {
		t.Errorf("FindWorld outside the repository: %v", err)
	}
}

// TestLoadWorldFS: key paths are relative to the world file inside the
// file system, and errors name the files as they are named there.
func TestLoadWorldFS(t *testing.T) {
	world, err := fixtures.FS.ReadFile("world/reference.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"w/sub/world.yaml": {Data: world}}
	keys, err := fixtures.FS.ReadDir("keys")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		data, _ := fixtures.FS.ReadFile("keys/" + k.Name())
		fsys["w/keys/"+k.Name()] = &fstest.MapFile{Data: data}
	}
	// ../keys/ from w/sub is w/keys.
	w, err := LoadWorldFS(fsys, "w/sub/world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := w.FlowByRole("healthy-multicast"); w.Path != "w/sub/world.yaml" || f.PublicKeyFile != "w/keys/HealthM1_public.key" || f.PublicKey == nil {
		t.Errorf("Path %q, key %q", w.Path, f.PublicKeyFile)
	}

	edit := func(old, new string) {
		t.Helper()
		text := string(world)
		if !strings.Contains(text, old) {
			t.Fatalf("no %q in the world", old)
		}
		fsys["w/sub/world.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(text, old, new, 1))}
	}
	for _, c := range []struct{ old, new, want string }{
		{"../keys/HealthM1_public.key", "/etc/HealthM1_public.key", `flow "HealthM1" (healthy-multicast): field public-key: "/etc/HealthM1_public.key" is an absolute path: in the file system the world is read from, key paths are relative to the world file`},
		{"../keys/HealthM1_private.key", "../../../HealthM1_private.key", `field private-key: "../../../HealthM1_private.key" leads outside`},
		{"../keys/HealthM1_public.key", "../keys/Nobody01_public.key", `field public-key: public key: open w/keys/Nobody01_public.key: file does not exist`},
	} {
		edit(c.old, c.new)
		if _, err := LoadWorldFS(fsys, "w/sub/world.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s -> %s: error %v, want it to contain %q", c.old, c.new, err, c.want)
		}
	}
	if _, err := LoadWorldFS(fsys, "w/none.yaml"); err == nil || err.Error() != "world: open w/none.yaml: file does not exist" {
		t.Errorf("missing world: %v", err)
	}
	// The embedded world's files are named "embedded:fixtures/...".
	_, err = loadWorldFS(fixtures.FS, "world/none.yaml", fixtures.EmbeddedPrefix, testNow)
	if err == nil || err.Error() != "world: open embedded:fixtures/world/none.yaml: file does not exist" {
		t.Errorf("missing embedded world: %v", err)
	}
}
