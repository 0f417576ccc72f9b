package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// Timeouts of the standalone server. Writes allow for generateKeyPair,
// which makes a 4096-bit key (seconds on a slow machine).
const (
	serveReadHeaderTimeout = 10 * time.Second
	serveReadTimeout       = 30 * time.Second
	serveWriteTimeout      = protocol.KeyGenerationTimeout + 15*time.Second
	serveIdleTimeout       = 120 * time.Second
	serveShutdownTimeout   = 10 * time.Second
)

// runServe serves the reference Kairos server until ctx is cancelled
// (SIGINT/SIGTERM), then shuts down gracefully.
func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("runner serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (host:port; port 0 picks a free port)")
	worldPath := fs.String("world", "", "world `file` (default: the repository's fixtures/world/reference.yaml; outside the repository, the copy built into this binary)")
	showSecrets := fs.Bool("show-secrets", false, "also print the flows' security ids")
	faultName := fs.String("fault", "", "make the server misbehave in the named way, to check that a test suite notices; \"list\" lists the faults")
	quiet := fs.Bool("quiet", false, "do not log each request")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: runner serve [flags]\n\nServes the reference Kairos server over its world until interrupted.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "runner serve: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *faultName == "list" {
		for _, f := range refserver.Faults() {
			fmt.Fprintf(stdout, "%-30s %s\n", f.Name(), f.Description())
		}
		return exitOK
	}
	fault, err := refserver.ParseFault(*faultName)
	if err != nil {
		fmt.Fprintf(stderr, "runner serve: --fault: %v\n", err)
		return exitUsage
	}
	var world *refserver.World
	if *worldPath != "" {
		world, err = refserver.LoadWorld(*worldPath)
	} else {
		world, err = refserver.DefaultWorld()
	}
	if err != nil {
		fmt.Fprintf(stderr, "runner serve: --world: %v\n", err)
		return exitUsage
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	handler, err := refserver.New(world, refserver.Options{Fault: fault, Logger: logger})
	if err != nil {
		fmt.Fprintf(stderr, "runner serve: %v\n", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "runner serve: --addr: %v\n", err)
		return exitUsage
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout,
		IdleTimeout:       serveIdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	printBanner(stdout, baseURL(ln.Addr()), world, *showSecrets, fault)
	if !fault.IsZero() {
		fmt.Fprintf(stderr, "WARNING: fault %s is on: this server is deliberately WRONG (%s). Use it only to check that a test suite notices.\n",
			fault.Name(), fault.Description())
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "runner serve: %v\n", err)
		return exitUsage
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		fmt.Fprintf(stderr, "runner serve: shutting down: %v\n", err)
		return exitFailure
	}
	<-served
	fmt.Fprintln(stdout, "Kairos reference server stopped")
	return exitOK
}

// baseURL is the URL clients use; an unspecified listen address (":8080")
// is reached through loopback.
func baseURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP
	if host.IsUnspecified() {
		host = net.IPv4(127, 0, 0, 1)
	}
	return "http://" + net.JoinHostPort(host.String(), fmt.Sprint(tcp.Port))
}

// printBanner prints the base URL first (scripts read that line), then the
// flows by role.
func printBanner(w io.Writer, url string, world *refserver.World, showSecrets bool, fault refserver.Fault) {
	fmt.Fprintf(w, "Kairos reference server on %s\n", url)
	if !fault.IsZero() {
		fmt.Fprintf(w, "FAULT: %s (%s)\n", fault.Name(), fault.Description())
	}
	fmt.Fprintf(w, "world: %s\n\n", displayPath(world.Path))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if showSecrets {
		fmt.Fprintln(tw, "ROLE\tFLOW\tPUBLIC KEY\tSECURITY ID")
	} else {
		fmt.Fprintln(tw, "ROLE\tFLOW\tPUBLIC KEY")
	}
	for _, role := range world.Roles() {
		f, _ := world.FlowByRole(role)
		if showSecrets {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", role, f.ID, displayPath(f.PublicKeyFile), f.SecurityID)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", role, f.ID, displayPath(f.PublicKeyFile))
		}
	}
	tw.Flush()
	if !showSecrets {
		fmt.Fprintln(w, "\n(security ids hidden: --show-secrets prints them)")
	}
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}

// displayPath shortens a path to one relative to the working directory
// when that is shorter.
func displayPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && len(rel) < len(path) {
		return rel
	}
	return path
}
