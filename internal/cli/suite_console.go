package cli

import (
	"context"
	"errors"
	"io"

	"github.com/kairos-conformance/kairos-conformance/internal/console"
	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/watch"
)

// runConsole is the run's one voice on stdout: the header before anything
// runs, a line per finished scenario judged exactly as the reports judge
// it (reporting.Build on that scenario alone), and the summary after.
type runConsole struct {
	out      io.Writer
	paint    reporting.Paint
	live     bool
	width    int
	steps    bool
	progress *console.Progress
}

func newRunConsole(stdout io.Writer, getenv func(string) string, format string) *runConsole {
	return &runConsole{
		out:   stdout,
		paint: console.Painter(console.ColorWanted(stdout, getenv)),
		live:  console.Terminal(stdout),
		width: console.Width(stdout, getenv),
		steps: format == "pretty",
	}
}

// header prints the target, the profile and the selection: the first thing
// a run prints.
func (c *runConsole) header(meta reporting.Meta, selected int, reportsDir string, redactor *redact.Redactor) {
	meta.Target = redactor.String(meta.Target)
	meta.Name = redactor.String(meta.Name)
	meta.Redacted = redactor.Enabled()
	console.WriteHeader(c.out, meta, selected, reportsDir, c.paint)
}

// start begins the per-scenario lines and returns the suite's OnScenario:
// it judges each scenario with the run's options, as the reports will.
func (c *runConsole) start(ctx context.Context, meta reporting.Meta, total int, opts reporting.Options) func([]byte) {
	c.progress = console.Start(c.out, console.Options{Total: total, Live: c.live, Paint: c.paint, Width: c.width, Steps: c.steps})
	return func(doc []byte) {
		m, o := meta, opts
		if ctx.Err() != nil { // the run's context: interrupted, or stopped by its watch
			cause := context.Cause(ctx)
			var stopped *watch.StoppedError
			if errors.As(cause, &stopped) {
				m.Stopped = stopped.Error()
			} else {
				m.Interrupted = true
			}
			o.InterruptCause = cause.Error()
		}
		run, err := reporting.Build(m, doc, o)
		if err != nil || len(run.Scenarios) != 1 {
			return // the reports, built from godog's own JSON, will say
		}
		c.progress.Scenario(run.Scenarios[0])
	}
}

// stop clears the live bar before the summary.
func (c *runConsole) stop() {
	if c.progress != nil {
		c.progress.Stop()
	}
}

// summary prints the after-run report in the reports' words.
func (c *runConsole) summary(run *reporting.Run, paths []string) {
	reporting.WriteSummaryPainted(c.out, run, paths, c.paint)
}
