// Command brokenclient is a Kairos client that makes one deliberate mistake
// (or none: -mode reference), for the tests that prove certification fails
// each broken client with the right diagnosis. Test use only.
//
//	brokenclient -mode raw-aes-key
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/kairos-conformance/kairos-conformance/internal/certify/certifytest"
)

func main() {
	mode := flag.String("mode", certifytest.Reference, "the mistake to make: reference, leak-and-crash or one of certifytest.Mistakes")
	flag.Parse()
	if err := certifytest.RunClient(context.Background(), *mode, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "brokenclient:", err)
		os.Exit(certifytest.ExitCode(err))
	}
}
