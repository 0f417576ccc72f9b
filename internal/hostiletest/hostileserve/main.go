// Command hostileserve serves one hostile target (package hostiletest) for
// measuring the harness by hand:
//
//	go run ./internal/hostiletest/hostileserve -addr 127.0.0.1:9090 silent
//	/usr/bin/time -v runner --target http://127.0.0.1:9090
//
// With no behaviour it lists them.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"

	"github.com/kairos-conformance/kairos-conformance/internal/hostiletest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback only is wise)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: hostileserve [-addr HOST:PORT] BEHAVIOUR\n\nbehaviours:\n")
		width := 0
		for _, b := range hostiletest.Behaviours() {
			width = max(width, len(b))
		}
		for _, b := range hostiletest.Behaviours() {
			fmt.Fprintf(os.Stderr, "  %-*s %s\n", width, b, b.Describe())
		}
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	b := hostiletest.Behaviour(flag.Arg(0))
	if b.Describe() == "" {
		fmt.Fprintf(os.Stderr, "hostileserve: unknown behaviour %q\n", b)
		flag.Usage()
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "hostileserve: %v\n", err)
		os.Exit(1)
	}
	srv := hostiletest.Serve(ln, b)
	fmt.Printf("%s %s (%s)\n", srv.URL, b, b.Describe())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	srv.Close()
}
