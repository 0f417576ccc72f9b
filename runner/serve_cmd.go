package main

import (
	"context"
	"fmt"
	"io"
)

// runServe is being written (see the open issues); until then it says so.
func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "runner: this command is not built yet")
	return exitUsage
}
