package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/kairos-conformance/kairos-conformance/internal/certify"
)

// runClientSend is the reference Kairos client, built on the envelope
// package: it reads the certification contract's environment (KAIROS_URL,
// KAIROS_FLOW_ID, KAIROS_PUBLIC_KEY_FILE, KAIROS_PAYLOAD_FILE, ...), seals
// the payload with a fresh key string, POSTs it and prints the response
// body. `runner certify-client --client-cmd "runner client-send"` certifies
// it.
func runClientSend(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "usage: runner client-send (no arguments: it reads the KAIROS_* environment, see internal/certify/README.md)\n")
		if args[0] == "-h" || args[0] == "--help" {
			return exitOK
		}
		return exitUsage
	}
	req, err := certify.LoadClientRequest(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "runner client-send: %v\n", err)
		return exitUsage
	}
	if err := certify.Send(ctx, req, stdout); err != nil {
		fmt.Fprintf(stderr, "runner client-send: %v\n", err)
		return exitFailure
	}
	return exitOK
}
