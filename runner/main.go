// Command runner is kairos-conformance's command line: it runs the
// conformance suite (the default), serves the reference Kairos server, and
// seals and opens envelopes for vendors debugging their clients. The
// commands live in internal/cli; this is their entry point.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/kairos-conformance/kairos-conformance/internal/cli"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit: the collector works harder near it instead of letting
		// garbage from a hostile target's megabyte answers pile up.
		debug.SetMemoryLimit(protocol.SoftMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
