// Package testworld is the reference world with 2048-bit flow keys, for
// the harness's own tests.
//
// SPEC.md section 3.3: Kairos flows have 4096-bit keys, and the reference
// world's flows do. Opening one envelope then costs the reference server
// an RSA-4096 private-key operation, which is most of the CPU of a run
// against it. Tests that judge the
// harness (the fault matrix, the knobs, pacing, the call budget) rather
// than the key size run many such runs, so they use this world: the same
// file, the same flows, accounts and security ids, each flow with a
// 2048-bit key pair (keys/, TEST ONLY, every one of them public), six
// times cheaper to open (BenchmarkOpen: 5.8 ms and 0.97 ms an envelope on
// the 2-core AMD EPYC this was written on). The one run of the default
// configuration (the main job: `runner` with no flags, which the runner's
// tests run whole) keeps the real world; the suite's self-test runs the
// scenarios tagged Tag against it and every other one against this world.
package testworld

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kairos-conformance/kairos-conformance/fixtures"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// KeyBits is the size of this world's flow keys.
const KeyBits = 2048

// Tag marks the scenarios that need flows with 4096-bit keys (an accepted
// encryptdata whose keyB64 fills a 4096-bit RSA block): against this world
// they cannot pass, so runs against it leave them out
// (suite.Without(selection, Tag)).
const Tag = "@flow-key-4096"

//go:embed keys/*.key
var keys embed.FS

// worldFile is the reference world's file in fixtures.FS; its key paths
// are ../keys/<flow>_{public,private}.key.
const worldFile = "world/reference.yaml"

// Load writes the world file and this package's keys under dir (world/
// and keys/, as in fixtures/) and loads the world from there, so that the
// flows' key files exist on disk for profiles that name them.
func Load(dir string) (*refserver.World, error) {
	data, err := fs.ReadFile(fixtures.FS, worldFile)
	if err != nil {
		return nil, fmt.Errorf("testworld: %w", err)
	}
	path := filepath.Join(dir, filepath.FromSlash(worldFile))
	if err := writeFile(path, data); err != nil {
		return nil, err
	}
	names, err := fs.Glob(keys, "keys/*.key")
	if err != nil {
		return nil, fmt.Errorf("testworld: %w", err)
	}
	for _, name := range names {
		key, err := fs.ReadFile(keys, name)
		if err != nil {
			return nil, fmt.Errorf("testworld: %w", err)
		}
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(name)), key); err != nil {
			return nil, err
		}
	}
	w, err := refserver.LoadWorld(path)
	if err != nil {
		return nil, fmt.Errorf("testworld: %w", err)
	}
	return w, nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("testworld: %w", err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("testworld: %w", err)
	}
	return nil
}
