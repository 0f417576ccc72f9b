package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

const keygenSynopsis = `usage: runner envelope keygen --flow-id ID --out-dir DIR [--bits 4096]

Makes an RSA key pair for a flow and writes DIR/<ID>_public.key (SPKI PEM)
and DIR/<ID>_private.key (PKCS#8 PEM, mode 0600), Phonon's file names, then
prints the two paths. DIR is made (mode 0700) if it does not exist. Existing
files are never replaced.
`

// maxKeygenBits caps --bits: an 8192-bit key already takes tens of seconds
// to generate, and no Kairos flow uses more than 4096.
const maxKeygenBits = 8192

func runEnvelopeKeygen(args []string, stdout, stderr io.Writer) int {
	c := newEnvelopeCommand("keygen", keygenSynopsis, stdout, stderr)
	flowID := c.flags.String("flow-id", "", "the flow `ID`: 8 letters or digits (spec section 2); it names the files")
	outDir := c.flags.String("out-dir", "", "`DIR` to write the key files into (made, mode 0700, if missing)")
	bits := c.flags.Int("bits", envelope.FlowKeyBits, fmt.Sprintf("RSA key size in `BITS`, %d-%d", envelope.MinKeyBits, maxKeygenBits))
	anyFlowID := c.flags.Bool("any-flow-id", false, "accept a flow id that is not 8 letters or digits (for negative tests)")
	if code, ok := c.parse(args); !ok {
		return code
	}
	if err := c.missing("flow-id", "out-dir"); err != nil {
		return c.usageError("%v", err)
	}
	if len(c.flags.Args()) > 0 {
		return c.usageError("unexpected arguments %q (keygen takes flags only)", c.flags.Args())
	}
	if !*anyFlowID && !isFlowID(*flowID) {
		return c.usageError("--flow-id: %q is not 8 letters or digits (spec section 2; --any-flow-id allows it)", *flowID)
	}
	// Checked before the slow key generation; WriteKeyPair checks it again.
	if filepath.Base(*flowID) != *flowID {
		return c.usageError("--flow-id: %q cannot name a file", *flowID)
	}
	if *bits < envelope.MinKeyBits || *bits > maxKeygenBits {
		return c.usageError("--bits: %d is outside %d-%d", *bits, envelope.MinKeyBits, maxKeygenBits)
	}
	// Made before the slow key generation, so that a bad path fails fast.
	// 0700: it is about to hold a private key.
	if err := os.MkdirAll(*outDir, 0o700); err != nil {
		return c.usageError("--out-dir: %v", err)
	}
	priv, err := envelope.GenerateKey(*bits)
	if err != nil {
		return c.usageError("%v", err)
	}
	publicPath, privatePath, err := envelope.WriteKeyPair(*outDir, *flowID, priv)
	if err != nil {
		return c.usageError("%v", err)
	}
	fmt.Fprintln(stdout, publicPath)
	fmt.Fprintln(stdout, privatePath)
	return exitOK
}

// isFlowID says whether id has the spec's flow-id shape: 8 ASCII
// letters or digits.
func isFlowID(id string) bool {
	if len(id) != 8 {
		return false
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
