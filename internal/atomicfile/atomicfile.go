// Package atomicfile writes files so that a reader, a crash or a second
// Ctrl-C never sees one half-written: the reports and the certification
// report go through it.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write writes data to dir/name through a temporary file in the same
// directory (so the rename cannot cross file systems), synced before the
// rename so a crash leaves the old file or the new one, never a torn one.
// The file's mode is 0644.
func Write(dir, name string, data []byte) error {
	return WriteMode(dir, name, data, 0o644)
}

// WriteMode is Write with the file's mode: 0600 for a file holding secrets,
// which is never readable by others, not even for a moment.
func WriteMode(dir, name string, data []byte, mode os.FileMode) (err error) {
	tmp, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err = os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
