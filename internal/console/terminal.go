// Package console is the runner's voice while a run goes on: a header
// naming the target and the profile before anything runs, then one line
// per finished scenario with a counter, the elapsed time and an estimate
// of the time left (on a terminal, a live bar with the notable lines
// above it), in colour on a terminal unless NO_COLOR is set. The summary
// after the run is package reporting's (WriteSummaryPainted), in the same
// words and counts as the reports.
package console

import (
	"io"
	"os"
	"strconv"
)

// Terminal reports whether w is a terminal: an *os.File on a character
// device. What the caller passed in decides, never os.Stdout reached for:
// a buffer, a pipe or a file is not a terminal.
func Terminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// ColorWanted reports whether to colour what goes to w: never when NO_COLOR
// is set and not empty (no-color.org); always when FORCE_COLOR is (a CI
// log that renders ANSI colours); else on a terminal whose TERM is not
// "dumb".
func ColorWanted(w io.Writer, getenv func(string) string) bool {
	switch {
	case getenv("NO_COLOR") != "":
		return false
	case getenv("FORCE_COLOR") != "" && getenv("FORCE_COLOR") != "0":
		return true
	default:
		return Terminal(w) && getenv("TERM") != "dumb"
	}
}

// Width is the width in columns of the terminal w is: what the terminal
// says, else $COLUMNS when it is a number, else 80. The live bar is kept
// shorter than it, so that it never wraps.
func Width(w io.Writer, getenv func(string) string) int {
	if n := terminalWidth(w); n >= 20 {
		return n
	}
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n >= 20 {
		return n
	}
	return 80
}

// ANSI SGR codes by the classes reporting.Paint uses.
var sgr = map[string]string{
	"passed":             "32", // green
	"failed":             "31", // red
	"skipped":            "36", // cyan
	"warning":            "33", // yellow
	"deviation":          "35", // magenta
	"not-run":            "34", // blue
	"failed-as-expected": "35",
	"bold":               "1",
	"dim":                "2",
}

// Painter colours text by class with ANSI escapes when color is set; else
// it returns text unchanged.
func Painter(color bool) func(class, text string) string {
	if !color {
		return func(_, text string) string { return text }
	}
	return func(class, text string) string {
		code, ok := sgr[class]
		if !ok || text == "" {
			return text
		}
		return "\x1b[" + code + "m" + text + "\x1b[0m"
	}
}
