package features

import (
	"errors"
	"io"
	"io/fs"
	"strings"
	"time"
)

// underDir shows fsys as the directory dir (one path element) of a file
// system holding nothing else: the inverse of fs.Sub.
type underDir struct {
	dir  string
	fsys fs.FS
}

func (u underDir) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	switch rest, ok := strings.CutPrefix(name, u.dir+"/"); {
	case name == ".":
		return &rootDir{entry: fs.FileInfoToDirEntry(dirInfo(u.dir))}, nil
	case name == u.dir:
		f, err := u.fsys.Open(".")
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		dir, ok := f.(fs.ReadDirFile)
		if !ok {
			f.Close()
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
		}
		return namedDir{ReadDirFile: dir, name: u.dir}, nil
	case ok:
		f, err := u.fsys.Open(rest)
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// namedDir is fsys's root directory, named dir.
type namedDir struct {
	fs.ReadDirFile
	name string
}

func (d namedDir) Stat() (fs.FileInfo, error) { return dirInfo(d.name), nil }

// rootDir is the root: a directory holding dir alone.
type rootDir struct {
	entry fs.DirEntry
	read  bool
}

func (*rootDir) Stat() (fs.FileInfo, error) { return dirInfo("."), nil }
func (*rootDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: fs.ErrInvalid}
}
func (*rootDir) Close() error { return nil }

func (r *rootDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if r.read {
		if n > 0 {
			return nil, io.EOF
		}
		return nil, nil
	}
	r.read = true
	return []fs.DirEntry{r.entry}, nil
}

// dirInfo describes a read-only directory.
type dirInfo string

func (d dirInfo) Name() string     { return string(d) }
func (dirInfo) Size() int64        { return 0 }
func (dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (dirInfo) ModTime() time.Time { return time.Time{} }
func (dirInfo) IsDir() bool        { return true }
func (dirInfo) Sys() any           { return nil }
