package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionText: a tagged install shows its version, a checkout build
// its revision, and a build without VCS information says so.
func TestVersionText(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, c := range []struct {
		name    string
		info    *debug.BuildInfo
		ok      bool
		want    []string
		harness string
	}{
		{"go install from a tag", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"},
			Settings: settings("vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-11-30T04:19:42Z")},
			true, []string{"module version: v1.4.0", "revision: 0123456789ab (2026-11-30T04:19:42Z)", "go: go1.26.8"}, "v1.4.0 (go1.26.8)"},
		{"go build in a dirty checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: settings("vcs.revision", "0123456789abcdef0123", "vcs.modified", "true")},
			true, []string{"module version: (devel): built from a checkout", "revision: 0123456789ab+dirty"}, "0123456789ab+dirty (go1.26.8)"},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			true, []string{"module version: (devel)", "revision: unknown: this build recorded no VCS information"}, "dev (go1.26.8)"},
		{"no build info", nil, false, []string{"module version: (devel)", "revision: unknown"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := readBuild(c.info, c.ok)
			got := versionText(b)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("versionText lacks %q:\n%s", w, got)
				}
			}
			if c.harness != "" && b.harnessVersion() != c.harness {
				t.Errorf("harness version %q, want %q", b.harnessVersion(), c.harness)
			}
		})
	}
}

func TestVersionFlag(t *testing.T) {
	for _, arg := range []string{"--version", "-version", "version"} {
		var out, errOut strings.Builder
		if code := Run(t.Context(), []string{arg}, strings.NewReader(""), &out, &errOut); code != exitOK {
			t.Errorf("runner %s: exit %d, stderr %q", arg, code, errOut.String())
		}
		if !strings.HasPrefix(out.String(), "kairos-conformance runner\nmodule version: ") || !strings.Contains(out.String(), "revision: ") {
			t.Errorf("runner %s printed %q", arg, out.String())
		}
	}
}
