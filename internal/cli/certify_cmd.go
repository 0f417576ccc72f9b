package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/certify"
	"github.com/kairos-conformance/kairos-conformance/internal/certify/clientsteps"
	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

const certifyUsage = `usage: runner certify-client --client-cmd COMMAND [flags]

Certifies a vendor's Kairos client. The reference server runs on loopback;
every client scenario (features/client, tagged @client) runs COMMAND with
sh -c once per request, with KAIROS_URL, KAIROS_FLOW_ID,
KAIROS_PUBLIC_KEY_FILE, KAIROS_PAYLOAD_FILE, KAIROS_RSA_PADDING, ... set
(the contract: internal/certify/README.md). The client must seal the
payload file's bytes as they are, POST them, print the response body to
stdout and exit 0, whatever the answer. Scenarios whose payload has
characters beyond ASCII run a second time with LC_ALL=C and LANG=C.

PKCS#1 v1.5 is required of every client; the OAEP scenarios run when
--rsa-paddings declares them (e.g. pkcs1v15,oaep-sha256) and are skipped
otherwise.

Certification is the whole client suite or nothing: there is no tag filter,
no scenario selection and no known-failing list.

Writes certification.json and certification.html into the reports
directory. Exit status: 0 certified; 1 not certified; 2 usage or
infrastructure error, or the run was interrupted.

Flags:
`

// certifyConfig is what `runner certify-client` was asked to do.
type certifyConfig struct {
	clientCmd     string
	vendor        string
	clientVersion string
	reportsDir    string
	timeout       time.Duration
	redact        bool
	// paddings are the RSA paddings the vendor declares: pkcs1v15, the
	// spec's, always; OAEP ones optionally.
	paddings []envelope.Padding
}

func parseCertifyFlags(args []string, stderr io.Writer) (certifyConfig, error) {
	var cfg certifyConfig
	fs := flag.NewFlagSet("runner certify-client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, certifyUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.clientCmd, "client-cmd", "", "shell `command` that sends one request (run with sh -c; required)")
	fs.StringVar(&cfg.vendor, "vendor", "unnamed vendor", "vendor `name` for the report")
	fs.StringVar(&cfg.clientVersion, "client-version", "unversioned", "client `version` for the report")
	fs.StringVar(&cfg.reportsDir, "reports", "reports", "`directory` for certification.json and certification.html")
	fs.DurationVar(&cfg.timeout, "timeout", certify.DefaultTimeout, "how long one run of the client may take before it counts as hung")
	paddings := fs.String("rsa-paddings", "pkcs1v15", "comma-separated RSA `paddings` the client supports: pkcs1v15 (required) and optionally oaep-sha1, oaep-sha256 (SHA-256 for the OAEP hash and MGF1)")
	noRedact := fs.Bool("no-redact", false, "show key strings, security ids and phone numbers in reports and console (local debugging only)")
	// Flags of `runner run` that certification refuses, so that using one
	// gets a reason rather than "flag provided but not defined".
	refused := map[string]*string{}
	for _, name := range []string{"tags", "known-failing", "name"} {
		refused[name] = fs.String(name, "", "not allowed: certification runs the whole client suite")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, fmt.Errorf("%w (if it belongs to the client command, quote the command: --client-cmd \"java -jar client.jar\")", err)
	}
	cfg.redact = !*noRedact
	var err error
	if cfg.paddings, err = parsePaddings(*paddings); err != nil {
		return cfg, fmt.Errorf("--rsa-paddings: %w", err)
	}
	for _, name := range []string{"tags", "known-failing", "name"} {
		if *refused[name] != "" {
			return cfg, fmt.Errorf("--%s is not allowed: certification is the whole client suite or nothing (no filters, no known failures)", name)
		}
	}
	switch {
	case fs.NArg() > 0:
		return cfg, fmt.Errorf("unexpected argument %q (quote the client command: --client-cmd \"java -jar client.jar\")", fs.Arg(0))
	case strings.TrimSpace(cfg.clientCmd) == "":
		return cfg, errors.New("--client-cmd is required: the shell command that seals and sends one request")
	case cfg.timeout <= 0:
		return cfg, fmt.Errorf("--timeout: %s: want a positive duration", cfg.timeout)
	}
	return cfg, nil
}

// parsePaddings reads --rsa-paddings: known names, no repeats, and
// pkcs1v15 among them (every client must support the spec's padding).
func parsePaddings(list string) ([]envelope.Padding, error) {
	var out []envelope.Padding
	for _, name := range strings.Split(list, ",") {
		p, err := envelope.ParsePadding(strings.TrimSpace(name))
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, p) {
			return nil, fmt.Errorf("%s is listed twice", p)
		}
		out = append(out, p)
	}
	if !slices.Contains(out, envelope.PKCS1v15) {
		return nil, fmt.Errorf("%q lacks pkcs1v15: the spec's padding is required of every client; OAEP is optional, on top of it", list)
	}
	return out, nil
}

func runCertifyClient(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := parseCertifyFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "runner certify-client: %v\n", err)
		return exitUsage
	}
	world, err := target.ReferenceWorld()
	if err != nil {
		fmt.Fprintf(stderr, "runner certify-client: %v\n", err)
		return exitUsage
	}
	srv, err := refserver.New(world, refserver.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "runner certify-client: %v\n", err)
		return exitUsage
	}
	optional := map[envelope.Padding]http.Handler{}
	for _, p := range cfg.paddings {
		if p == envelope.PKCS1v15 {
			continue
		}
		if optional[p], err = refserver.New(world, refserver.Options{RSAPadding: p}); err != nil {
			fmt.Fprintf(stderr, "runner certify-client: %v\n", err)
			return exitUsage
		}
	}
	run, err := certify.NewRun(certify.Config{ClientCmd: cfg.clientCmd, Profile: world.Profile(""), Server: srv, OptionalPaddings: optional, Timeout: cfg.timeout})
	if err != nil {
		fmt.Fprintf(stderr, "runner certify-client: %v\n", err)
		return exitUsage
	}
	defer run.Close()

	// The run's key strings become known as it goes: each line is masked
	// with the secrets known when it is printed.
	redactor := func() *redact.Redactor {
		if !cfg.redact {
			return redact.Disabled()
		}
		return redact.New(run.Secrets()...)
	}
	var paddingNames []string
	for _, p := range run.Paddings() {
		paddingNames = append(paddingNames, p.String())
	}
	fmt.Fprintf(stdout, "Kairos client certification: %s %s\nclient command: %s (timeout %s per run; RSA paddings %s)\n\n",
		cfg.vendor, cfg.clientVersion, redactor().String(cfg.clientCmd), cfg.timeout, strings.Join(paddingNames, ", "))
	progress := func(res *certify.ScenarioResult) {
		mark := map[string]string{certify.VerdictPassed: "ok  ", certify.VerdictSkipped: "skip"}[res.Verdict]
		if mark == "" {
			mark = "FAIL"
		}
		fmt.Fprintf(stdout, "  %s  %s / %s (%.2fs)\n", mark, res.Feature, redactor().String(res.Name), res.Seconds)
	}

	started := time.Now()
	meta := certify.Meta{Vendor: cfg.vendor, ClientVersion: cfg.clientVersion, ClientCommand: cfg.clientCmd,
		HarnessVersion: harnessVersion(), Started: started, RSAPaddings: paddingNames}
	if err := clientsteps.RunSuite(ctx, clientsteps.Options{Run: run, Progress: progress}); err != nil {
		meta.Problem = err.Error()
	}
	if ctx.Err() != nil {
		meta.Problem = "the run was interrupted: no certification without the whole suite"
	}
	meta.Finished = time.Now()
	report := certify.NewReport(meta, run.Results()).Redact(redactor(), cfg.redact)
	paths, writeErr := report.WriteFiles(cfg.reportsDir)
	report.WriteSummary(stdout, paths)
	switch {
	case writeErr != nil:
		fmt.Fprintf(stderr, "runner certify-client: %v\n", writeErr)
		return exitUsage
	case report.Problem != "":
		fmt.Fprintf(stderr, "runner certify-client: %s\n", report.Problem)
		return exitUsage
	case !report.Certified:
		return exitFailure
	}
	return exitOK
}
