package certify

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestExecOutcomes(t *testing.T) {
	tests := []struct {
		name, cmd string
		outcome   Outcome
		code      int
		problem   string
	}{
		{"clean exit", "printf '{}'", Exited, 0, ""},
		{"crash", "echo first >&2; echo 'last words' >&2; exit 3", Exited, 3, "the client crashed: exit status 3; its stderr ends:\n    first\n    last words"},
		{"not found", "no-such-kairos-client-xyz", Exited, 127, "exit status 127 (command not found?)"},
		{"signal", "kill -SEGV $$", Exited, -1, "the client crashed: killed by signal segmentation fault"},
		{"hang", "sleep 60", Hung, 0, "the client hung: no exit within 200ms (killed)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			timeout := 10 * time.Second // generous: a loaded CI machine is slow to fork
			if tt.outcome == Hung {
				timeout = 200 * time.Millisecond
			}
			res := Exec(t.Context(), tt.cmd, os.Environ(), timeout)
			if res.Outcome != tt.outcome || res.Outcome == Exited && res.ExitCode != tt.code {
				t.Fatalf("outcome %v exit %d (%v), want %v exit %d", res.Outcome, res.ExitCode, res.Err, tt.outcome, tt.code)
			}
			if p := res.Problem(); tt.problem == "" && p != "" || !strings.Contains(p, tt.problem) {
				t.Errorf("problem %q, want %q", p, tt.problem)
			}
		})
	}
}

func TestExecKillsTheWholeProcessGroup(t *testing.T) {
	// The grandchild holds stdout open: without the group kill Wait would
	// block until it exits, 60 s later.
	marker := "kairos-exec-test-" + uuid.NewString()[:8]
	start := time.Now()
	res := Exec(t.Context(), "sh -c 'sleep 60; echo "+marker+"' & sleep 60", os.Environ(), 300*time.Millisecond)
	if res.Outcome != Hung || time.Since(start) > 5*time.Second {
		t.Fatalf("outcome %v after %s", res.Outcome, time.Since(start))
	}
	if out, _ := exec.Command("pgrep", "-f", marker).Output(); len(out) > 0 {
		t.Errorf("the grandchild survived: pids %s", out)
	}
}

func TestExecBoundsOutput(t *testing.T) {
	res := Exec(t.Context(), "head -c 6000000 /dev/zero; head -c 10000 /dev/zero | tr '\\0' e >&2", os.Environ(), 10*time.Second)
	if len(res.Stdout) != maxStdout || !res.StdoutTruncated {
		t.Errorf("stdout %d bytes (truncated %v), want %d", len(res.Stdout), res.StdoutTruncated, maxStdout)
	}
	if len(res.Stderr) != stderrTail+3 || !strings.HasPrefix(res.Stderr, "...e") {
		t.Errorf("stderr %d bytes, want the last %d", len(res.Stderr), stderrTail)
	}
}

func TestExecInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	res := Exec(ctx, "sleep 60", os.Environ(), 10*time.Second)
	if res.Outcome != Failed || !strings.Contains(res.Problem(), "interrupted") {
		t.Errorf("outcome %v, problem %q", res.Outcome, res.Problem())
	}
}
