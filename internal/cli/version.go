package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// build is what the Go toolchain recorded about this binary.
type build struct {
	module   string // "v1.2.0"; "" when built from a checkout ("(devel)")
	revision string // the VCS revision, shortened; "" when not recorded
	time     string // the revision's commit time
	dirty    bool   // uncommitted changes in the checkout
	goVer    string
}

// readBuild reads the binary's build info. go build and go install in a
// git checkout record the revision; go run, go test and -buildvcs=false
// do not, and a binary built from a checkout has module version "(devel)".
func readBuild(info *debug.BuildInfo, ok bool) build {
	b := build{goVer: runtime.Version()}
	if !ok || info == nil {
		return b
	}
	if info.GoVersion != "" {
		b.goVer = info.GoVersion
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		b.module = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.time":
			b.time = s.Value
		case "vcs.modified":
			b.dirty = s.Value == "true"
		}
	}
	return b
}

func (b build) shortRevision() string {
	rev := b.revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && b.dirty {
		rev += "+dirty"
	}
	return rev
}

// harnessVersion names the build of the harness for the reports: the module
// version when installed from a tag, else the VCS revision (with "+dirty"
// for uncommitted changes), else "dev"; the Go version is always added.
func harnessVersion() string { return readBuild(debug.ReadBuildInfo()).harnessVersion() }

func (b build) harnessVersion() string {
	version := "dev"
	switch {
	case b.module != "":
		version = b.module
	case b.revision != "":
		version = b.shortRevision()
	}
	return version + " (" + b.goVer + ")"
}

// versionText is `runner --version`: every field on its own line, saying
// plainly what the build did not record.
func versionText(b build) string {
	module := b.module
	if module == "" {
		module = "(devel): built from a checkout, not an installed module version"
	}
	revision := b.shortRevision()
	switch {
	case revision == "":
		revision = "unknown: this build recorded no VCS information (go run, go test and -buildvcs=false do not; go build or go install in a git checkout do)"
	case b.time != "":
		revision += " (" + b.time + ")"
	}
	return fmt.Sprintf("kairos-conformance runner\nmodule version: %s\nrevision: %s\ngo: %s\n", module, revision, b.goVer)
}

func writeVersion(w io.Writer) int {
	fmt.Fprint(w, versionText(readBuild(debug.ReadBuildInfo())))
	return exitOK
}
