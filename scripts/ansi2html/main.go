// Command ansi2html turns a console log with ANSI colours (what the runner
// prints with FORCE_COLOR=1) into a small self-contained HTML page styled
// as a dark terminal, so that a browser, or a headless one taking a
// screenshot, shows the log as a terminal would. It understands the SGR
// codes the runner uses (bold, dim, the eight colours, reset) and a
// carriage return that redraws a line; other escapes are dropped.
//
//	go run ./scripts/ansi2html -title "kairos run" < run.log > run.html
package main

import (
	"bufio"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"regexp"
	"strings"
)

var escape = regexp.MustCompile("\x1b\\[([0-9;]*)([A-Za-z])")

var colours = map[string]string{
	"30": "#6e7681", "31": "#ff7b72", "32": "#3fb950", "33": "#d29922",
	"34": "#58a6ff", "35": "#bc8cff", "36": "#39c5cf", "37": "#e6edf3",
}

func main() {
	title := flag.String("title", "console", "the page's title, shown in its window bar")
	flag.Parse()
	if err := convert(os.Stdin, os.Stdout, *title); err != nil {
		fmt.Fprintln(os.Stderr, "ansi2html:", err)
		os.Exit(1)
	}
}

func convert(in io.Reader, out io.Writer, title string) error {
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%s</title>
<style>
body { margin: 0; background: #0d1117; }
.win { margin: 16px; border-radius: 8px; overflow: hidden; box-shadow: 0 4px 24px #0008; border: 1px solid #30363d; }
.bar { background: #161b22; color: #8b949e; font: 12px system-ui, sans-serif; padding: 7px 12px; }
.bar i { display: inline-block; width: 11px; height: 11px; border-radius: 50%%; margin-right: 6px; vertical-align: -1px; }
pre { margin: 0; padding: 12px 14px; color: #e6edf3; background: #0d1117; font: 13px/1.45 "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word; }
.b { font-weight: bold; } .d { opacity: .6; }
</style></head><body><div class="win"><div class="bar"><i style="background:#ff5f56"></i><i style="background:#ffbd2e"></i><i style="background:#27c93f"></i> %s</div><pre>`,
		html.EscapeString(title), html.EscapeString(title))
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		// A carriage return redraws the line: keep what was drawn last.
		if i := strings.LastIndex(strings.TrimRight(line, "\r"), "\r"); i >= 0 {
			line = line[i+1:]
		}
		w.WriteString(renderLine(line))
		w.WriteString("\n")
	}
	if err := sc.Err(); err != nil {
		return err
	}
	w.WriteString("</pre></div></body></html>\n")
	return w.Flush()
}

// renderLine turns one line's SGR escapes into spans; each line closes
// what it opened.
func renderLine(line string) string {
	var b strings.Builder
	open := 0
	last := 0
	for _, m := range escape.FindAllStringSubmatchIndex(line, -1) {
		b.WriteString(html.EscapeString(line[last:m[0]]))
		last = m[1]
		if line[m[4]:m[5]] != "m" {
			continue // not a colour: dropped
		}
		for _, code := range strings.Split(line[m[2]:m[3]], ";") {
			switch {
			case code == "" || code == "0" || code == "22" || code == "39":
				// Reset, or back to normal intensity or colour: the runner
				// never nests, so closing every span is exact.
				for ; open > 0; open-- {
					b.WriteString("</span>")
				}
			case code == "1":
				b.WriteString(`<span class="b">`)
				open++
			case code == "2":
				b.WriteString(`<span class="d">`)
				open++
			case colours[code] != "":
				fmt.Fprintf(&b, `<span style="color:%s">`, colours[code])
				open++
			}
		}
	}
	b.WriteString(html.EscapeString(line[last:]))
	for ; open > 0; open-- {
		b.WriteString("</span>")
	}
	return b.String()
}
