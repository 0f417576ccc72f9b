package refserver

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// worldFiles is where a world's key files are read from: the disk
// (LoadWorld, ParseWorld) or an fs.FS (LoadWorldFS, EmbeddedWorld). Files
// are known by their names, the ones errors and Flow.PublicKeyFile show.
type worldFiles interface {
	// resolve names the file a key path written in the world file means.
	resolve(ref string) (string, error)
	// readFile reads a file resolve named; errors name it.
	readFile(name string) ([]byte, error)
}

// diskFiles reads the disk; key paths are relative to dir, the world
// file's directory (absolute), unless they are absolute.
type diskFiles struct{ dir string }

func (d diskFiles) resolve(ref string) (string, error) {
	if filepath.IsAbs(ref) {
		return ref, nil
	}
	return filepath.Join(d.dir, filepath.FromSlash(ref)), nil
}

func (diskFiles) readFile(name string) ([]byte, error) { return os.ReadFile(name) }

// fsFiles reads fsys; key paths are relative to dir, the world file's
// directory in fsys, and must stay inside fsys. A file's name is prefix
// followed by its path in fsys.
type fsFiles struct {
	fsys   fs.FS
	dir    string
	prefix string // "embedded:fixtures/" for the embedded world
}

func (f fsFiles) resolve(ref string) (string, error) {
	if path.IsAbs(ref) || filepath.IsAbs(ref) {
		return "", fmt.Errorf("%q is an absolute path: in %s, key paths are relative to the world file", ref, f.where())
	}
	p := path.Join(f.dir, ref)
	if !fs.ValidPath(p) {
		return "", fmt.Errorf("%q leads outside %s", ref, f.where())
	}
	return f.prefix + p, nil
}

func (f fsFiles) readFile(name string) ([]byte, error) {
	data, err := fs.ReadFile(f.fsys, strings.TrimPrefix(name, f.prefix))
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return data, err
}

// where names fsys for errors.
func (f fsFiles) where() string {
	if f.prefix == "" {
		return "the file system the world is read from"
	}
	return strings.TrimSuffix(f.prefix, "/")
}
