package main

import (
	"runtime"
	"runtime/debug"
)

// harnessVersion names the build of the harness for the reports: the module
// version when installed from a tag, else the VCS revision (with "+dirty"
// for uncommitted changes), else "dev". CI here builds with
// -buildvcs=false, so "dev" is common; the Go version is always added.
func harnessVersion() string {
	version := "dev"
	if info, ok := debug.ReadBuildInfo(); ok {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			version = v
		} else {
			var rev, dirty string
			for _, s := range info.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					if s.Value == "true" {
						dirty = "+dirty"
					}
				}
			}
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if rev != "" {
				version = rev + dirty
			}
		}
	}
	return version + " (" + runtime.Version() + ")"
}
