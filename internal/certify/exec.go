package certify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Bounds on what is kept of a client's output.
const (
	maxStdout  = MaxResponseBytes + 64<<10
	stderrTail = 2 << 10
	// waitDelay is how long a killed or exited client may keep its output
	// pipes open (a grandchild holding stdout) before they are closed.
	waitDelay = time.Second
)

// Outcome is how one run of the client command ended.
type Outcome int

const (
	Exited Outcome = iota // exited with ExitCode (0 is success)
	Hung                  // still running at the deadline: killed
	Failed                // could not be started or waited for (Err says why)
	NotRun                // not started: the client hung on too many runs in a row
)

// ExecResult is one run of the client command.
type ExecResult struct {
	Outcome  Outcome
	ExitCode int // for Exited; -1 when killed by a signal
	Signal   string
	Stdout   []byte // at most maxStdout bytes
	// StdoutTruncated is set when the client printed more than maxStdout.
	StdoutTruncated bool
	Stderr          string // the last stderrTail bytes
	Duration        time.Duration
	Timeout         time.Duration
	Err             error
}

// Problem describes a run that did not end with exit status 0, in the words
// the report uses ("hung: no exit within 10s"), or "" for a clean exit.
func (r *ExecResult) Problem() string {
	switch r.Outcome {
	case Hung:
		return fmt.Sprintf("the client hung: no exit within %s (killed)", r.Timeout)
	case Failed:
		return fmt.Sprintf("the client command could not be run: %v", r.Err)
	case NotRun:
		return fmt.Sprintf("not run: %v", r.Err)
	}
	if r.ExitCode == 0 {
		return ""
	}
	var b strings.Builder
	if r.Signal != "" {
		fmt.Fprintf(&b, "the client crashed: killed by signal %s", r.Signal)
	} else {
		fmt.Fprintf(&b, "the client crashed: exit status %d", r.ExitCode)
		if r.ExitCode == 127 {
			b.WriteString(" (command not found?)")
		}
	}
	if tail := strings.TrimSpace(r.Stderr); tail != "" {
		b.WriteString("; its stderr ends:\n" + indentLines(tail, "    "))
	} else {
		b.WriteString("; its stderr is empty")
	}
	return b.String()
}

// Exec runs command with sh -c, the given extra environment and a deadline,
// in its own process group so that a timeout kills everything it started.
func Exec(ctx context.Context, command string, env []string, timeout time.Duration) *ExecResult {
	res := &ExecResult{Timeout: timeout}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	cmd.Env = env
	stdout := &limitedBuffer{max: maxStdout}
	stderr := &tailBuffer{max: stderrTail}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = waitDelay
	killGroup := ownProcessGroup(cmd)
	start := time.Now()
	err := cmd.Start()
	if err != nil {
		res.Outcome, res.Err = Failed, err
		return res
	}
	err = cmd.Wait()
	res.Duration = time.Since(start)
	killGroup() // stragglers: a client's background children die with it
	res.Stdout, res.StdoutTruncated = stdout.buf.Bytes(), stdout.over
	res.Stderr = stderr.String()
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		res.Outcome = Hung
	case ctx.Err() != nil:
		res.Outcome, res.Err = Failed, fmt.Errorf("interrupted: %w", context.Cause(ctx))
	case err == nil || errors.Is(err, exec.ErrWaitDelay):
		res.Outcome, res.ExitCode = Exited, cmd.ProcessState.ExitCode()
	case errors.As(err, &exitErr):
		res.Outcome, res.ExitCode = Exited, exitErr.ExitCode()
		res.Signal = signalOf(exitErr.ProcessState)
	default:
		res.Outcome, res.Err = Failed, err
	}
	return res
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.buf.Write(p[:max(room, 0)])
		b.over = true
		return len(p), nil
	}
	return b.buf.Write(p)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	buf []byte
	max int
	cut bool
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
		b.cut = true
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	if b.cut {
		return "..." + string(b.buf)
	}
	return string(b.buf)
}

func indentLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
