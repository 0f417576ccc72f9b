package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

const envelopeUsage = `usage: runner envelope seal --public-key FILE --flow-id ID [flags] [PAYLOAD_FILE|-]
       runner envelope open --private-key FILE [flags] [ENVELOPE_FILE|-]
       runner envelope keygen --flow-id ID --out-dir DIR [--bits 4096]

Seal and open Kairos encrypted-API envelopes (spec section 3) and make flow
key pairs, to check a client's requests or build test vectors by hand.
Files default to standard input. Run "runner envelope COMMAND -h" for flags.

Exit status: 0 done, 1 the envelope does not open, 2 usage or input error.
`

// maxInputBytes bounds what seal and open read. The Kairos body limit is
// 256 KB; the margin leaves room for oversized negative vectors while
// keeping a mistaken path (a disk image, /dev/zero) from exhausting memory.
const maxInputBytes = 64 << 20

// runEnvelope dispatches `runner envelope seal|open|keygen`.
func runEnvelope(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "runner envelope: missing command (seal, open or keygen)\n"+envelopeUsage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, envelopeUsage)
		return exitOK
	case "seal":
		return runEnvelopeSeal(args[1:], stdin, stdout, stderr)
	case "open":
		return runEnvelopeOpen(args[1:], stdin, stdout, stderr)
	case "keygen":
		return runEnvelopeKeygen(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "runner envelope: unknown command %q (want seal, open or keygen)\n", args[0])
	return exitUsage
}

// envelopeCommand holds what every envelope subcommand shares: its flag set
// and where its messages go.
type envelopeCommand struct {
	flags    *flag.FlagSet
	synopsis string // the usage line and a description, for -h
	stdout   io.Writer
	stderr   io.Writer
}

func newEnvelopeCommand(name, synopsis string, stdout, stderr io.Writer) *envelopeCommand {
	fs := flag.NewFlagSet("runner envelope "+name, flag.ContinueOnError)
	// parse reports errors itself, prefixed with the command like every
	// other usage error, and prints help to stdout when it is asked for.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &envelopeCommand{flags: fs, synopsis: synopsis, stdout: stdout, stderr: stderr}
}

// parse parses args. When it returns ok false the command is over and
// code is its exit status: -h printed help (0) or a flag was bad (2).
func (c *envelopeCommand) parse(args []string) (code int, ok bool) {
	err := c.flags.Parse(args)
	switch {
	case err == nil:
		return exitOK, true
	case errors.Is(err, flag.ErrHelp):
		c.printHelp()
		return exitOK, false
	default:
		fmt.Fprintf(c.stderr, "%s: %v\nrun \"%s -h\" for its flags\n", c.flags.Name(), err, c.flags.Name())
		return exitUsage, false
	}
}

// printHelp lists the flags GNU-style (--name), the way errors name them.
func (c *envelopeCommand) printHelp() {
	fmt.Fprintf(c.stdout, "%s\nFlags:\n", c.synopsis)
	c.flags.VisitAll(func(f *flag.Flag) {
		argName, usage := flag.UnquoteUsage(f)
		if argName != "" {
			argName = " " + argName
		}
		fmt.Fprintf(c.stdout, "  --%s%s\n    \t%s", f.Name, argName, strings.ReplaceAll(usage, "\n", "\n    \t"))
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(c.stdout, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(c.stdout)
	})
}

// usageError reports a usage mistake and returns exitUsage.
func (c *envelopeCommand) usageError(format string, args ...any) int {
	fmt.Fprintf(c.stderr, "%s: %s\n", c.flags.Name(), fmt.Sprintf(format, args...))
	return exitUsage
}

// isSet says whether the flag was given on the command line, so an
// explicit empty value can be told from an absent one.
func (c *envelopeCommand) isSet(name string) bool {
	set := false
	c.flags.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// missing returns an error naming the first of the given flags left empty.
func (c *envelopeCommand) missing(names ...string) error {
	for _, name := range names {
		if f := c.flags.Lookup(name); f != nil && f.Value.String() == "" {
			return fmt.Errorf("--%s is required", name)
		}
	}
	return nil
}

// inputFile returns the one optional file argument ("" or "-": stdin), or
// an error naming any extra arguments (flags after the file land there).
func (c *envelopeCommand) inputFile(what string) (string, error) {
	switch rest := c.flags.Args(); len(rest) {
	case 0:
		return "-", nil
	case 1:
		return rest[0], nil
	default:
		return "", fmt.Errorf("unexpected arguments after %s: %q (flags go before the file)", what, rest[1:])
	}
}

// parsePadding reads --rsa-padding; its error names the flag.
func parsePadding(name string) (envelope.Padding, error) {
	p, err := envelope.ParsePadding(name)
	if err != nil {
		return 0, fmt.Errorf("--rsa-padding: %w", err)
	}
	return p, nil
}

// readInput reads a file, or stdin for "-", refusing more than maxInputBytes.
// It returns a label for messages ("stdin" or the path).
func readInput(path string, stdin io.Reader) ([]byte, string, error) {
	label, r := path, stdin
	if path == "-" {
		label = "stdin"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, path, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, label, fmt.Errorf("reading %s: %w", label, err)
	}
	if len(data) > maxInputBytes {
		return nil, label, fmt.Errorf("%s is larger than %d bytes", label, maxInputBytes)
	}
	return data, label, nil
}

// printKeyDetails shows the secrets behind an envelope, only on request
// (--show-key): with them a vendor can check each sealing step by hand.
func printKeyDetails(w io.Writer, keyB64 string) {
	key, err := envelope.DecodeStrict(keyB64)
	if err != nil {
		// Seal and Open only hand over canonical keyB64; say so if not.
		fmt.Fprintf(w, "key string base64: %s (does not decode: %v)\n", keyB64, err)
		return
	}
	fmt.Fprintf(w, "key string: %q\n", key)
	fmt.Fprintf(w, "key string base64 (the RSA-encrypted value): %s\n", keyB64)
	fmt.Fprintf(w, "AES-128 key (hex): %x\n", envelope.DeriveAESKeyFromB64(keyB64))
}
