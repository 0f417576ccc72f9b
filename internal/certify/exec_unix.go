//go:build unix

package certify

import (
	"os"
	"os/exec"
	"syscall"
)

// ownProcessGroup puts the command in a process group of its own and makes
// a cancelled context kill the whole group (sh -c "sleep 60" would
// otherwise leave sleep running with the output pipe open). The returned
// function kills whatever is left of the group once the command is done.
func ownProcessGroup(cmd *exec.Cmd) (killGroup func()) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	kill := func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.Cancel = kill
	return func() { _ = kill() }
}

func signalOf(ps *os.ProcessState) string {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal().String()
	}
	return ""
}
