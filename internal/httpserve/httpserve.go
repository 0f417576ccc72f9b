// Package httpserve starts and stops the harness's HTTP servers, one way:
// the reference server in-process (package target) and under `runner
// serve`, and each certification scenario's recorder (package certify):
// bounded reads and writes, and a graceful shutdown that still ends when a
// request hangs.
package httpserve

import (
	"context"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// The servers' timeouts. Writes allow for generateKeyPair, which makes a
// 4096-bit key, for as long as the harness waits for it.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = protocol.KeyGenerationTimeout + 15*time.Second
	IdleTimeout       = 2 * time.Minute
	// ShutdownTimeout is how long Stop lets requests in flight finish.
	ShutdownTimeout = 5 * time.Second
)

// Server is handler served on a listener until Stop.
type Server struct {
	hs   *http.Server
	done chan struct{}
	err  error // why Serve returned; set before done is closed
}

// Start serves handler on ln in the background. errorLog receives the HTTP
// server's own errors (nil: the log package's standard logger).
func Start(ln net.Listener, handler http.Handler, errorLog *log.Logger) *Server {
	s := &Server{
		hs: &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: ReadHeaderTimeout,
			ReadTimeout:       ReadTimeout,
			WriteTimeout:      WriteTimeout,
			IdleTimeout:       IdleTimeout,
			ErrorLog:          errorLog,
		},
		done: make(chan struct{}),
	}
	go func() {
		s.err = s.hs.Serve(ln)
		close(s.done)
	}()
	return s
}

// Done is closed when the server has stopped serving: after Stop, or on its
// own (Err says why).
func (s *Server) Done() <-chan struct{} { return s.done }

// Err is why the server stopped serving (http.ErrServerClosed after Stop);
// nil until Done is closed.
func (s *Server) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Stop shuts the server down: requests in flight get ShutdownTimeout to
// finish, then every connection is closed. It returns once the server has
// stopped serving; the error says that requests were still running.
func (s *Server) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := s.hs.Shutdown(ctx)
	if err != nil {
		s.hs.Close() // requests still running after the grace period
	}
	<-s.done
	return err
}
