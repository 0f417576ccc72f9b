package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/shard"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

// suiteConfig is everything `runner run` was asked to do, validated up front
// so that a mistake is one usage error naming its flag, before any server
// starts or any request is sent.
type suiteConfig struct {
	target       string // empty: the embedded reference server
	profilePath  string // empty: the target's built-in profile (the reference world's)
	tags         string // godog tag expression
	name         *regexp.Regexp
	concurrency  int
	timeout      time.Duration // per request
	list         bool
	knownFailing string
	seed         int64
	repeat       int // runs of the selection, each shuffled afresh (1: one run)
	reportsDir   string
	redact       bool
	format       string
	featuresDir  string      // empty: features/ of the repository, or the embedded copy
	noPreflight  bool        // skip the credentials check before the scenarios
	shard        *shard.Spec // nil: the whole selection
}

// Environment variables that stand in for --target and --profile, so that
// `godog run` and CI jobs can aim the suite without flags.
const (
	envTarget  = "KAIROS_TARGET"
	envProfile = "KAIROS_PROFILE"
)

const suiteUsage = `usage: runner [run] [flags]

Runs the Kairos conformance suite. With no flags it starts the reference
server on loopback and runs every scenario against it. To test a real server,
give a profile (see fixtures/profiles/README.md) and its base URL.

Exit status: 0 every selected scenario passed (skips only with a reason;
listed known failures that failed, security warnings and, under the
profile's strictness: documented, failed @ref scenarios (deviations from
this project's reading) are reported, not counted); 1 a scenario failed, a known failure passed, or the run was
interrupted after a failure; 2 a usage, profile or infrastructure error
(unreachable target, TLS failure, a role whose credentials the preflight
refused: the reports list every scenario not run, naming the role and the
profile field), a target that stopped answering (the probe got no answer, or
several requests in a row timed out or were reset: the run stops, and what
it had not finished is reported not run), an empty selection, or a run
interrupted before any failure. Use a built binary in CI (go build -o
kairos ./runner): go run reports every non-zero exit status as 1.

--repeat N runs the selection N times against the same target, each in a new
shuffled order (--seed S > 0 gives the seeds S, S+1, ...; otherwise they are
random), printing one line per repetition with its seed, and stops at the
first repetition that does not pass: its exit status is the run's, and the
reports in --reports are that repetition's (after N passes, the last one's).
Each repetition draws its client-identifiers under its own run id, so no
repetition repeats another's payloads.

Console: the target and profile first, then a line per finished scenario
(n/N, elapsed, an estimate of the time left; on a terminal a live bar, in
colour unless NO_COLOR is set; FORCE_COLOR=1 colours a CI log), then one
summary whose counts are the reports'. summary.json beside the reports holds the same, for machines.

Flags:
`

// parseSuiteFlags reads args (after "run", if it was given) and the
// environment through getenv.
func parseSuiteFlags(args []string, getenv func(string) string, stderr io.Writer) (suiteConfig, error) {
	cfg := suiteConfig{}
	var name string
	fs := flag.NewFlagSet("runner run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, suiteUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.target, "target", getenv(envTarget), "base `URL` of the Kairos server under test (env "+envTarget+"; default: the embedded reference server)")
	fs.StringVar(&cfg.profilePath, "profile", getenv(envProfile), "target profile YAML `file` (env "+envProfile+"; default: the reference world's profile)")
	fs.StringVar(&cfg.tags, "tags", "", "godog tag `expression`: @a,@b is a or b; @a && @b both; ~@a not a")
	fs.StringVar(&name, "name", "", "run only scenarios whose name matches this regular `expression` (a Scenario Outline runs whole when one of its rows matches)")
	fs.IntVar(&cfg.concurrency, "concurrency", suite.DefaultConcurrency, "scenarios run at once (the pacing limit, knobs.max-requests-per-minute, holds whatever the concurrency)")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "deadline for each HTTP request (generateKeyPair gets at least 1m: key generation is slow)")
	fs.BoolVar(&cfg.list, "list", false, "print the scenarios that would run, with their tags, and exit")
	fs.StringVar(&cfg.knownFailing, "known-failing", "", "`file` of scenarios expected to fail (\"Feature/Scenario\" globs, # comments)")
	fs.Int64Var(&cfg.seed, "seed", 0, "scenario order: 0 file order, N a reproducible shuffle, -1 a random shuffle")
	fs.IntVar(&cfg.repeat, "repeat", 1, "run the selection `N` times, each in a new shuffled order (seeds printed), stopping at the first repetition that fails; the reports are the last repetition's")
	fs.StringVar(&cfg.reportsDir, "reports", "reports", "`directory` for cucumber.json, junit.xml, report.html and summary.json")
	noRedact := fs.Bool("no-redact", false, "show keys, security ids and phone numbers in reports and console (local debugging only)")
	fs.StringVar(&cfg.format, "format", "progress", "console while running: progress (a line per finished scenario; on a terminal, a live bar) or pretty (each scenario's steps too)")
	fs.StringVar(&cfg.featuresDir, "features", "", "`directory` of feature files (default: the repository's features/; outside the repository, the copy built into this binary)")
	fs.BoolVar(&cfg.noPreflight, "no-preflight", false, "skip the preflight: the check, before any scenario, that every mapped role's credentials work (runner check-profile runs it alone)")
	shardSpec := fs.String("shard", "", "run slice `I/N` of the selection (1/4 ... 4/4: a CI matrix of 4), and write shard.json for runner merge-reports")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	cfg.redact = !*noRedact
	if *shardSpec != "" {
		s, err := shard.Parse(*shardSpec)
		if err != nil {
			return cfg, fmt.Errorf("--shard: %w", err)
		}
		cfg.shard = &s
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (flags only; run \"runner run -h\")", fs.Arg(0))
	}
	if err := cfg.validate(name); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func (c *suiteConfig) validate(name string) error {
	if c.target != "" {
		u, err := url.Parse(c.target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--target: %q is not an http(s) base URL", c.target)
		}
		c.target = strings.TrimRight(c.target, "/")
	}
	if err := suite.CheckTags(c.tags); err != nil {
		return fmt.Errorf("--tags: %w", err)
	}
	if name != "" {
		re, err := regexp.Compile(name)
		if err != nil {
			return fmt.Errorf("--name: %w", err)
		}
		c.name = re
	}
	switch {
	case c.concurrency < 1:
		return fmt.Errorf("--concurrency: %d: want at least 1", c.concurrency)
	case c.timeout <= 0:
		return fmt.Errorf("--timeout: %s: want a positive duration such as 10s", c.timeout)
	case c.repeat < 1:
		return fmt.Errorf("--repeat: %d: want 1 or more runs", c.repeat)
	case c.seed < -1:
		return fmt.Errorf("--seed: %d: want 0 (file order), -1 (random) or a positive seed", c.seed)
	case c.reportsDir == "":
		return errors.New("--reports: want a directory")
	case c.format != "progress" && c.format != "pretty":
		return fmt.Errorf("--format: %q: want progress or pretty", c.format)
	}
	return nil
}
