package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

const openSynopsis = `usage: runner envelope open --private-key FILE [flags] [ENVELOPE_FILE|-]

Opens an envelope (a request body; standard input when ENVELOPE_FILE is - or
absent) as strictly as the reference server does and prints the payload
exactly as it was sealed. When it does not open, says which stage failed and
exits 1. (A server must never tell its callers that much.) When the RSA half
fails, it tries the other paddings and says which one opens the envelope, or
that none does with this key (the client used another key).
`

// The request body's fields (spec section 3), matched by exact name.
const (
	fieldEncryptedValue = "requestEncryptedValue"
	fieldSignatureValue = "requestDigitalSignatureValue"
	fieldFlowID         = "flow-id"
)

func runEnvelopeOpen(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newEnvelopeCommand("open", openSynopsis, stdout, stderr)
	privateKey := c.flags.String("private-key", "", "the flow's RSA private key, PEM `FILE` (PRIVATE KEY or RSA PRIVATE KEY)")
	paddingName := c.flags.String("rsa-padding", envelope.PKCS1v15.String(), "RSA padding `NAME`: "+envelope.PaddingNames)
	showKey := c.flags.Bool("show-key", false, "also print the recovered key string and AES key to stderr (secrets)")
	if code, ok := c.parse(args); !ok {
		return code
	}
	if err := c.missing("private-key"); err != nil {
		return c.usageError("%v", err)
	}
	padding, err := parsePadding(*paddingName)
	if err != nil {
		return c.usageError("%v", err)
	}
	envelopeFile, err := c.inputFile("ENVELOPE_FILE")
	if err != nil {
		return c.usageError("%v", err)
	}
	priv, err := envelope.LoadPrivateKey(*privateKey)
	if err != nil {
		return c.usageError("--private-key: %v", err)
	}
	data, _, err := readInput(envelopeFile, stdin)
	if err != nil {
		return c.usageError("envelope: %v", err)
	}
	env, err := parseEnvelopeJSON(data)
	if err != nil {
		fmt.Fprintf(stderr, "envelope does not open: envelope JSON: %v\n", err)
		return exitFailure
	}
	opened, err := envelope.OpenDetailed(env, priv, padding)
	if err != nil {
		var oe *envelope.OpenError
		if errors.As(err, &oe) {
			fmt.Fprintf(stderr, "envelope does not open: %s: %v\n", oe.Stage, oe.Err)
			if hint := rsaFailureHint(env, priv, padding, oe.Stage); hint != "" {
				fmt.Fprintln(stderr, hint)
			}
			return exitFailure
		}
		return c.usageError("%v", err)
	}
	if *showKey {
		printKeyDetails(stderr, opened.KeyB64)
	}
	if _, err := stdout.Write(opened.Payload); err != nil {
		fmt.Fprintf(stderr, "%s: writing the payload: %v\n", c.flags.Name(), err)
		return exitUsage
	}
	return exitOK
}

// parseEnvelopeJSON reads a request body the way the reference server does:
// one strict JSON object holding exactly the three envelope fields, each a
// string. Unknown fields are refused by name: they are usually a misspelt
// field (the names are case-sensitive) that would otherwise look missing.
func parseEnvelopeJSON(data []byte) (*envelope.Envelope, error) {
	if err := strictjson.CheckObject(data); err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	names := []string{fieldEncryptedValue, fieldSignatureValue, fieldFlowID}
	var unknown []string
	for name := range fields {
		if !slices.Contains(names, name) {
			unknown = append(unknown, fmt.Sprintf("%q", name))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown field(s) %s (want exactly %s)", strings.Join(unknown, ", "), strings.Join(names, ", "))
	}
	values := make(map[string]string, len(names))
	for _, name := range names {
		raw, ok := fields[name]
		if !ok {
			return nil, fmt.Errorf("missing field %q", name)
		}
		// json.Unmarshal would turn null into "" without complaint.
		var s string
		if !bytes.HasPrefix(raw, []byte(`"`)) || json.Unmarshal(raw, &s) != nil {
			return nil, fmt.Errorf("field %q is %s, want a string", name, raw)
		}
		values[name] = s
	}
	return &envelope.Envelope{
		RequestEncryptedValue:        values[fieldEncryptedValue],
		RequestDigitalSignatureValue: values[fieldSignatureValue],
		FlowID:                       values[fieldFlowID],
	}, nil
}
