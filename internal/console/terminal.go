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

// ColorWanted reports whether to colour what goes to w: a terminal, NO_COLOR
// unset or empty (no-color.org), and a TERM other than "dumb".
func ColorWanted(w io.Writer, getenv func(string) string) bool {
	return Terminal(w) && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// Width is the terminal's width in columns: $COLUMNS when it is a number,
// else 80. (The standard library cannot ask the terminal; a live line
// shorter than the terminal is all that matters, and 80 is safe.)
func Width(getenv func(string) string) int {
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n >= 40 {
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
