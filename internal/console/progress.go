package console

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

// Options shape a Progress.
type Options struct {
	// Total is the number of scenarios selected: the N of "n/N".
	Total int
	// Live redraws one bar line in place (a terminal); the notable
	// scenarios (all but the passes) are printed above it. Otherwise each
	// finished scenario is one plain line, as a CI log wants.
	Live bool
	// Paint colours text by class (nil: none).
	Paint reporting.Paint
	// Width bounds the live line (0: 80).
	Width int
	// Steps prints each finished scenario's steps under its line (--format
	// pretty).
	Steps bool
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Tick is how often the live bar's clock is redrawn between scenarios
	// (0: every second; negative: never, for tests).
	Tick time.Duration
}

// Progress prints the run as its scenarios finish. Its methods may be
// called from several goroutines.
type Progress struct {
	out   io.Writer
	opts  Options
	start time.Time

	mu       sync.Mutex
	done     int
	counts   reporting.Counts
	barDrawn bool
	stopped  bool
	stop     chan struct{}
	ticking  sync.WaitGroup
}

// Start begins the clock and, on a terminal, draws the bar.
func Start(out io.Writer, opts Options) *Progress {
	if opts.Paint == nil {
		opts.Paint = reporting.Plain
	}
	if opts.Width <= 0 {
		opts.Width = 80
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &Progress{out: out, opts: opts, start: opts.Now(), stop: make(chan struct{})}
	if opts.Live {
		p.mu.Lock()
		p.drawBar()
		p.mu.Unlock()
		if opts.Tick >= 0 {
			tick := opts.Tick
			if tick == 0 {
				tick = time.Second
			}
			p.ticking.Add(1)
			go p.tick(tick)
		}
	}
	return p
}

func (p *Progress) tick(every time.Duration) {
	defer p.ticking.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			if !p.stopped {
				p.drawBar()
			}
			p.mu.Unlock()
		}
	}
}

// Scenario reports one finished, judged scenario.
func (p *Progress) Scenario(sc *reporting.Scenario) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.done++
	p.counts.Add(sc.Outcome)
	if p.opts.Live {
		p.clearBar()
		if sc.Outcome != reporting.Passed || p.opts.Steps {
			fmt.Fprintln(p.out, p.line(sc))
			p.writeSteps(sc)
		}
		p.drawBar()
		return
	}
	fmt.Fprintln(p.out, p.line(sc))
	p.writeSteps(sc)
}

// Stop stops the clock and clears the live bar, so that the summary starts
// on a clean line. It may be called more than once.
func (p *Progress) Stop() {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	close(p.stop)
	p.clearBar()
	p.mu.Unlock()
	p.ticking.Wait()
}

// clock is "0:12 ~0:41 left": the time since Start and, once a scenario
// has finished, the time the rest should take at the pace so far.
func (p *Progress) clock() (elapsed, left string) {
	d := p.opts.Now().Sub(p.start)
	elapsed = minutes(d)
	switch {
	case p.done == 0:
		left = "estimating"
	case p.done >= p.opts.Total:
		left = "0:00 left"
	default:
		rest := time.Duration(float64(d) / float64(p.done) * float64(p.opts.Total-p.done))
		left = "~" + minutes(rest) + " left"
	}
	return elapsed, left
}

// line is one finished scenario: "  12/331  0:03 ~0:41 left  failed
// features/x.feature:21  name — why". On a terminal the why is cut to the
// width, so that a line stays one line; the summary has it whole.
func (p *Progress) line(sc *reporting.Scenario) string {
	paint := p.opts.Paint
	elapsed, left := p.clock()
	width := len(fmt.Sprint(p.opts.Total))
	head := fmt.Sprintf("%*d/%d  %s %s  ", width, p.done, p.opts.Total, elapsed, left)
	word := fmt.Sprintf("%-9s", string(sc.Outcome))
	rest := "  " + sc.Location() + "  " + sc.Name
	why := shortWhy(sc)
	if why != "" {
		why = " — " + why
	}
	if p.opts.Live { // one line: cut the reason, then the name, to the width
		room := p.opts.Width - 1 - utf8.RuneCountInString(head+word)
		rest, why = cut(rest, room), cut(why, room-utf8.RuneCountInString(rest))
	}
	text := head + paint(sc.Outcome.Class(), word) + rest
	if why == "" {
		return text
	}
	return text + paint("dim", why)
}

// cut shortens s to n runes, ending it with "…"; to nothing when there is
// room for too little to read.
func cut(s string, n int) string {
	r := []rune(s)
	switch {
	case len(r) <= n:
		return s
	case n < 12:
		return ""
	default:
		return string(r[:n-1]) + "…"
	}
}

// writeSteps prints the scenario's steps, and the failing step's error,
// under its line (--format pretty).
func (p *Progress) writeSteps(sc *reporting.Scenario) {
	if !p.opts.Steps {
		return
	}
	for _, st := range sc.Steps {
		fmt.Fprintf(p.out, "      %s %s %s\n", p.opts.Paint(stepClass(st.Status), stepIcon(st.Status)), st.Keyword, st.Text)
		if st.Error != "" && st.Status != "skipped" {
			fmt.Fprintln(p.out, indentLines(st.Error, "          "))
		}
	}
}

// drawBar draws the live line in place: a bar, n/N, the clock and the
// counts so far, cut to the width.
func (p *Progress) drawBar() {
	if !p.opts.Live {
		return
	}
	const cells = 24
	filled := 0
	if p.opts.Total > 0 {
		filled = cells * p.done / p.opts.Total
	}
	elapsed, left := p.clock()
	type part struct{ class, text string }
	parts := []part{
		{"passed", strings.Repeat("█", filled)}, {"dim", strings.Repeat("░", cells-filled)},
		{"", fmt.Sprintf(" %d/%d", p.done, p.opts.Total)},
		{"", "  " + elapsed + " elapsed"}, {"", "  " + left},
	}
	for _, it := range p.counts.Shown() {
		if it.N > 0 && it.Key != "passed" {
			parts = append(parts, part{it.Class, fmt.Sprintf("  %d %s", it.N, it.Label)})
		}
	}
	var b strings.Builder
	room := p.opts.Width - 1
	for _, pt := range parts {
		n := utf8.RuneCountInString(pt.text)
		if n > room {
			break
		}
		room -= n
		if pt.class == "" {
			b.WriteString(pt.text)
		} else {
			b.WriteString(p.opts.Paint(pt.class, pt.text))
		}
	}
	fmt.Fprint(p.out, "\r"+b.String()+"\x1b[K")
	p.barDrawn = true
}

func (p *Progress) clearBar() {
	if p.barDrawn {
		fmt.Fprint(p.out, "\r\x1b[K")
		p.barDrawn = false
	}
}

// whyRunes bounds the reason on a scenario's line: the summary has it whole.
const whyRunes = 100

// citation is a rule cited in parentheses, "(SPEC.md section 5's table)":
// the summary cites it; the line has no room.
var citation = regexp.MustCompile(`\s*\(SPEC\.md [^)]*\)`)

// shortWhy is a few words on why a scenario did not simply pass.
func shortWhy(sc *reporting.Scenario) string {
	why := citation.ReplaceAllString(longWhy(sc), "")
	if r := []rune(why); len(r) > whyRunes {
		why = string(r[:whyRunes-1]) + "…"
	}
	return why
}

func longWhy(sc *reporting.Scenario) string {
	switch sc.Outcome {
	case reporting.Passed:
		return ""
	case reporting.Warning:
		if len(sc.Findings) > 0 {
			return firstLine(sc.Findings[0])
		}
		return "a security finding"
	case reporting.Failed, reporting.Deviation:
		if st := sc.FailedStep(); st != nil && st.Error != "" {
			v := reporting.SplitError(st.Error)
			if len(v.Mismatches) > 0 {
				m := v.Mismatches[0]
				// What came back first: when the line is cut, the
				// expectation (in the summary whole) goes, not the answer.
				return "got " + firstLine(m.Actual) + ", expected " + firstLine(m.Expected)
			}
			return firstLine(st.Error)
		}
	}
	return firstLine(sc.Reason)
}

func stepClass(status string) string {
	switch status {
	case "passed":
		return "passed"
	case "skipped":
		return "skipped"
	default:
		return "failed"
	}
}

func stepIcon(status string) string {
	switch status {
	case "passed":
		return "✓"
	case "skipped":
		return "-"
	default:
		return "✗"
	}
}

// minutes is "m:ss", or "h:mm:ss" from an hour.
func minutes(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func indentLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
