package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/shard"
)

const mergeUsage = `usage: runner merge-reports [--reports OUT] DIR...

Merges the reports of the slices of one run ("runner --shard I/N --reports
DIR", one DIR per slice) into the reports one unsharded run writes, in OUT:
every scenario judged once more by the same rules (the --known-failing list
and strictness the slices ran with), and the run's span from the first
slice's start to the last one's end. Every slice 1/N ... N/N must be there,
each once, from the same selection, harness build and target; anything else
is refused.

Exit status: as the merged run's (see "runner run -h"): 0 every scenario
passed, 1 a scenario failed, 2 a usage error, a slice missing or
incomplete, or an interrupted slice.

Flags:
`

// runMergeReports is `runner merge-reports`.
func runMergeReports(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("runner merge-reports", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("reports", "reports", "`directory` for the merged cucumber.json, junit.xml and report.html")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), mergeUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "runner merge-reports: name the slices' report directories (runner merge-reports --reports OUT DIR...)")
		return exitUsage
	}
	var slices []shard.Slice
	for _, dir := range fs.Args() {
		if same, _ := samePath(dir, *out); same {
			fmt.Fprintf(stderr, "runner merge-reports: --reports %s is one of the slices: merge into another directory\n", *out)
			return exitUsage
		}
		s, err := shard.ReadSlice(dir)
		if err != nil {
			fmt.Fprintf(stderr, "runner merge-reports: %v\n", err)
			return exitUsage
		}
		slices = append(slices, s)
	}
	merged, err := shard.Merge(slices)
	if err != nil {
		fmt.Fprintf(stderr, "runner merge-reports: %v\n", err)
		return exitUsage
	}
	redactor := redact.Disabled()
	if merged.Meta.Redacted {
		redactor = nil // the built-in patterns: the slices masked their secrets already
	}
	run, err := reporting.Build(merged.Meta, merged.Cucumber, reporting.Options{
		Redactor: redactor, KnownFailing: merged.KnownFailing, InterruptCause: merged.InterruptCause, Strictness: merged.Meta.Strictness,
	})
	if err != nil {
		fmt.Fprintf(stderr, "runner merge-reports: %v\n", err)
		return exitUsage
	}
	paths, err := reporting.WriteReports(*out, run)
	if err != nil {
		fmt.Fprintf(stderr, "runner merge-reports: %v\n", err)
	}
	reporting.WriteSummary(stdout, run, paths)
	code := exitCodeOf(run)
	if err != nil && code == exitOK {
		code = exitUsage
	}
	if total := run.Counts().Total; !run.Meta.Interrupted && total != merged.Scenarios {
		fmt.Fprintf(stderr, "runner merge-reports: the selection holds %d scenarios but the slices report %d\n", merged.Scenarios, total)
		if code == exitOK {
			code = exitUsage
		}
	}
	return code
}

// samePath reports whether a and b name the same directory.
func samePath(a, b string) (bool, error) {
	absA, err := filepath.Abs(a)
	if err != nil {
		return false, err
	}
	absB, err := filepath.Abs(b)
	if err != nil {
		return false, err
	}
	return absA == absB, nil
}
