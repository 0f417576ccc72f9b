//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package console

import "io"

// terminalWidth cannot ask the terminal here: 0, and Width falls back.
func terminalWidth(io.Writer) int { return 0 }
