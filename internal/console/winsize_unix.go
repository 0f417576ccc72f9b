//go:build linux || darwin || freebsd || netbsd || openbsd

package console

import (
	"io"
	"os"
	"syscall"
	"unsafe"
)

// terminalWidth asks the terminal w is for its width in columns (0: not a
// terminal, or it would not say).
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return 0
	}
	var ws struct{ rows, cols, xpixel, ypixel uint16 }
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&ws)))
	if errno != 0 {
		return 0
	}
	return int(ws.cols)
}
