package cli

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/httpserve"
	"github.com/kairos-conformance/kairos-conformance/internal/localca"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// serveConfig is what `runner serve` was asked to do.
type serveConfig struct {
	addr        string
	worldPath   string
	showSecrets bool
	fault       refserver.Fault
	logLevel    slog.Level
	exportDir   string // "": no export
	tls         bool
}

const serveUsage = `usage: runner serve [flags]

Serves the reference Kairos server over its world until interrupted.

--export DIR writes what a client or the suite needs to talk to this server:
DIR/keys/<flow-id>_public.key for every flow and DIR/profile.yaml, a target
profile naming this server, its flows by role (security ids included: the
file is mode 0600) and its phones, so that "runner --profile DIR/profile.yaml"
runs the suite against it. --tls serves HTTPS with a certificate from a CA
made for this run (ECDSA P-256, valid 24 hours, for 127.0.0.1, ::1 and
localhost only), writes the CA's certificate to DIR/ca.pem and names it in
the profile's tls.ca-file; it needs --export.

--log-level debug also logs why each request was refused: the SPEC.md rule
and the field at fault (never a value).

Flags:
`

// parseServeFlags reads `runner serve`'s flags; errors name the flag.
func parseServeFlags(args []string, stderr io.Writer) (serveConfig, bool, error) {
	var cfg serveConfig
	fs := flag.NewFlagSet("runner serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "listen `address` (host:port; port 0 picks a free port)")
	fs.StringVar(&cfg.worldPath, "world", "", "world `file` (default: the repository's fixtures/world/reference.yaml; outside the repository, the copy built into this binary)")
	fs.BoolVar(&cfg.showSecrets, "show-secrets", false, "also print the flows' security ids")
	faultName := fs.String("fault", "", "make the server misbehave in the named way, to check that a test suite notices; \"list\" lists the faults")
	quiet := fs.Bool("quiet", false, "do not log each request (--log-level warn)")
	logLevel := fs.String("log-level", "info", "`level` of the request log: debug (also why each request was refused), info (a line per request), warn or error")
	fs.StringVar(&cfg.exportDir, "export", "", "write the flows' public keys and a ready profile (with security ids) into `DIR`")
	fs.BoolVar(&cfg.tls, "tls", false, "serve HTTPS with a certificate from a CA made for this run; the CA goes to the --export DIR")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, true, nil
		}
		return cfg, false, errFlagsPrinted
	}
	if fs.NArg() > 0 {
		return cfg, false, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *faultName == "list" {
		return cfg, false, errListFaults
	}
	fault, err := refserver.ParseFault(*faultName)
	if err != nil {
		return cfg, false, fmt.Errorf("--fault: %w", err)
	}
	cfg.fault = fault
	if err := cfg.logLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return cfg, false, fmt.Errorf("--log-level: %q: want debug, info, warn or error", *logLevel)
	}
	if *quiet && cfg.logLevel < slog.LevelWarn {
		cfg.logLevel = slog.LevelWarn
	}
	if cfg.tls && cfg.exportDir == "" {
		return cfg, false, errors.New("--tls: needs --export DIR, where the CA's certificate is written for clients to trust")
	}
	return cfg, false, nil
}

var (
	// errListFaults is --fault list: not an error, a request for the list.
	errListFaults = errors.New("list the faults")
	// errFlagsPrinted is a flag error the flag package has already printed.
	errFlagsPrinted = errors.New("bad flags")
)

// runServe serves the reference Kairos server until ctx is cancelled
// (SIGINT/SIGTERM), then shuts down gracefully.
func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, help, err := parseServeFlags(args, stderr)
	switch {
	case help:
		return exitOK
	case errors.Is(err, errListFaults):
		for _, f := range refserver.Faults() {
			fmt.Fprintf(stdout, "%-30s %s\n", f.Name(), f.Description())
		}
		return exitOK
	case errors.Is(err, errFlagsPrinted):
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "runner serve: %v\n", err)
		return exitUsage
	}
	var world *refserver.World
	if cfg.worldPath != "" {
		world, err = refserver.LoadWorld(cfg.worldPath)
	} else {
		world, err = refserver.DefaultWorld()
	}
	if err != nil {
		fmt.Fprintf(stderr, "runner serve: --world: %v\n", err)
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	handler, err := refserver.New(world, refserver.Options{Fault: cfg.fault, Logger: logger})
	if err != nil {
		fmt.Fprintf(stderr, "runner serve: %v\n", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		fmt.Fprintf(stderr, "runner serve: --addr: %v\n", err)
		return exitUsage
	}
	url := baseURL(ln.Addr(), cfg.tls)
	var caPEM []byte
	if cfg.tls {
		ca, err := localca.New(time.Now(), rand.Reader)
		if err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "runner serve: --tls: %v\n", err)
			return exitUsage
		}
		caPEM = ca.CertPEM
		ln = tls.NewListener(ln, ca.ServerConfig())
	}
	exported := ""
	if cfg.exportDir != "" {
		// Before the banner: whoever reads its first line finds the files.
		if exported, err = exportServed(cfg.exportDir, url, world, caPEM, time.Now()); err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "runner serve: --export: %v\n", err)
			return exitUsage
		}
	}
	printBanner(stdout, url, world, cfg.showSecrets, cfg.fault)
	if exported != "" {
		fmt.Fprint(stdout, exportSummary(exported, cfg.tls))
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")
	if !cfg.fault.IsZero() {
		fmt.Fprintf(stderr, "WARNING: fault %s is on: this server is deliberately WRONG (%s). Use it only to check that a test suite notices.\n",
			cfg.fault.Name(), cfg.fault.Description())
	}
	return serveUntilDone(ctx, httpserve.Start(ln, handler, slog.NewLogLogger(logger.Handler(), slog.LevelWarn)), stdout, stderr)
}

// serveUntilDone serves until ctx ends, then shuts down gracefully.
func serveUntilDone(ctx context.Context, srv *httpserve.Server, stdout, stderr io.Writer) int {
	select {
	case <-srv.Done():
		fmt.Fprintf(stderr, "runner serve: %v\n", srv.Err())
		return exitUsage
	case <-ctx.Done():
	}
	if err := srv.Stop(); err != nil {
		fmt.Fprintf(stderr, "runner serve: shutting down: %v\n", err)
		return exitFailure
	}
	fmt.Fprintln(stdout, "Kairos reference server stopped")
	return exitOK
}

// baseURL is the URL clients use; an unspecified listen address (":8080")
// is reached through loopback.
func baseURL(addr net.Addr, https bool) string {
	scheme := "http://"
	if https {
		scheme = "https://"
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return scheme + addr.String()
	}
	host := tcp.IP
	if host.IsUnspecified() {
		host = net.IPv4(127, 0, 0, 1)
	}
	return scheme + net.JoinHostPort(host.String(), fmt.Sprint(tcp.Port))
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
