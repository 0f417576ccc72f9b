// Package cli is kairos-conformance's command line, the runner command
// (runner/main.go calls Run): it runs the conformance suite (the default),
// serves the reference Kairos server, and seals and opens envelopes for
// vendors debugging their clients.
package cli

import (
	"context"
	"fmt"
	"io"
)

// Exit codes: the same for every subcommand.
const (
	exitOK      = 0 // everything selected passed
	exitFailure = 1 // a conformance failure (or an envelope that does not open)
	exitUsage   = 2 // usage, profile or infrastructure error
)

// subcommand runs one subcommand with the arguments after its name.
type subcommand func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

func subcommands() map[string]subcommand {
	return map[string]subcommand{
		"envelope":       runEnvelope,
		"serve":          runServe,
		"run":            runSuite,
		"certify-client": runCertifyClient,
		"client-send":    runClientSend,
		"check-profile":  runCheckProfile,
		"merge-reports":  runMergeReports,
	}
}

const usage = `usage: runner [run] [flags]        run the conformance suite (default: against the embedded reference server)
       runner check-profile --profile FILE [--target URL]
                                     check every mapped role's credentials, placing no call
       runner merge-reports --reports OUT DIR...
                                     merge the reports of --shard I/N runs into one run's
       runner serve [flags]          serve the reference Kairos server
       runner envelope seal|open|keygen [flags]
       runner certify-client --client-cmd COMMAND [flags]
                                     certify a vendor's Kairos client
       runner client-send            the reference client (reads the KAIROS_* environment)
       runner --version              the module version and VCS revision of this build
Run "runner COMMAND -h" for a command's flags. For repeated runs, build
the binary once (go build -o kairos ./runner): go run compiles for about
half a minute before the first line.
`

// Run runs the command line args (without the program name) and returns
// the exit code: exitOK, exitFailure or exitUsage.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
			writeHelp(stdout)
			return exitOK
		}
		if args[0] == "--version" || args[0] == "-version" || args[0] == "version" {
			return writeVersion(stdout)
		}
		if cmd, ok := subcommands()[args[0]]; ok {
			return cmd(ctx, args[1:], stdin, stdout, stderr)
		}
		if args[0] != "" && args[0][0] != '-' {
			fmt.Fprintf(stderr, "runner: unknown command %q\n%s", args[0], usage)
			return exitUsage
		}
	}
	return runSuite(ctx, args, stdin, stdout, stderr)
}

// writeHelp is the top-level --help: the commands, then the flags of the
// default command, run, since `runner --help` is where a user looks first.
func writeHelp(w io.Writer) {
	fmt.Fprint(w, usage)
	fmt.Fprint(w, "\n")
	// No environment: the defaults shown are the built-in ones, not a
	// KAIROS_TARGET this shell happens to hold.
	parseSuiteFlags([]string{"-h"}, func(string) string { return "" }, w)
}
