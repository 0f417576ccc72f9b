//go:build !unix

package certify

import (
	"os"
	"os/exec"
)

// ownProcessGroup kills only the command itself where there are no
// process groups.
func ownProcessGroup(cmd *exec.Cmd) (killGroup func()) { return func() {} }

func signalOf(ps *os.ProcessState) string { return "" }
