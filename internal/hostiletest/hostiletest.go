// Package hostiletest serves targets that misbehave at the HTTP level, as a
// broken staging deploy, a proxy or a load balancer does: one that never
// answers, one that answers a byte at a time, one that sends 64 MB of JSON,
// 100,000 nested brackets, invalid UTF-8, a reset, a short body, HTML, or
// something that is not HTTP at all.
//
// The servers speak raw TCP on 127.0.0.1, so that they can break HTTP in
// ways net/http's server never would, and they generate their answers as
// they send them: a 64 MB body costs the server a few kilobytes. They are
// for tests, and for measuring the harness by hand (cmd/hostileserve).
package hostiletest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Behaviour is how a server misbehaves.
type Behaviour string

// The behaviours, one per row of the table in the issue that asked for them.
const (
	Silent    Behaviour = "silent"     // accepts the connection, never answers
	Trickle   Behaviour = "trickle"    // answers one byte every 200 ms
	HugeJSON  Behaviour = "huge-json"  // 200 with a 64 MB JSON body (chunked, no Content-Length)
	LargeJSON Behaviour = "large-json" // 200 with a JSON body just under the harness's 1 MiB limit
	DeepJSON  Behaviour = "deep-json"  // 200 with 100,000 nested [
	BadUTF8   Behaviour = "bad-utf8"   // invalid UTF-8 and terminal escapes inside JSON strings
	Reset     Behaviour = "reset"      // resets the connection at once
	ShortBody Behaviour = "short-body" // Content-Length 1000, then 10 bytes and close
	HTML      Behaviour = "html"       // 200 text/html to everything
	NotHTTP   Behaviour = "not-http"   // an SSH banner instead of HTTP
	// Stalls answers its first StallAfter requests as a Kairos server
	// refusing them would (400), then never answers again: a target that
	// dies mid-run, past the probe.
	Stalls Behaviour = "stalls"
	// ProbeThenSilent answers its first request (the runner's start-up
	// probe) as a Kairos server refusing it would, then never answers
	// again: a target that dies between the probe and the preflight.
	ProbeThenSilent Behaviour = "probe-then-silent"
	// ProbeThenHTML answers its first request as a Kairos server would,
	// then 200 text/html to everything: a deploy that swapped the service
	// for a web page once the probe had passed.
	ProbeThenHTML Behaviour = "probe-then-html"
)

// Sizes of the hostile answers.
const (
	HugeJSONBytes   = 64 << 20
	LargeJSONBytes  = 1<<20 - 64
	DeepJSONLevels  = 100_000
	TrickleInterval = 200 * time.Millisecond
	ShortBodyLength = 1000 // announced
	ShortBodySent   = 10   // sent
	StallAfter      = 20
)

var descriptions = map[Behaviour]string{
	Silent:    "accepts the connection, never answers",
	Trickle:   "answers one byte every 200 ms",
	HugeJSON:  "answers 200 with a 64 MB JSON body",
	LargeJSON: "answers 200 with a JSON body just under 1 MiB",
	DeepJSON:  "answers 200 with 100,000 nested [",
	BadUTF8:   "answers with invalid UTF-8 inside a string",
	Reset:     "resets the connection at once",
	ShortBody: "sends Content-Length 1000 and 10 bytes",
	HTML:      "answers 200 text/html to everything",
	NotHTTP:   "answers with an SSH banner, not HTTP",
	Stalls:    "answers 20 requests, then never again",
	// Their first request is the runner's probe.
	ProbeThenSilent: "answers the probe, then dies (never answers again)",
	ProbeThenHTML:   "answers the probe, then answers text/html",
}

// Behaviours lists every behaviour, sorted.
func Behaviours() []Behaviour {
	out := make([]Behaviour, 0, len(descriptions))
	for b := range descriptions {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Describe is the behaviour in words, as the table has it.
func (b Behaviour) Describe() string { return descriptions[b] }

// Server is one hostile target.
type Server struct {
	// URL is the base URL, http://127.0.0.1:PORT.
	URL       string
	behaviour Behaviour
	trickle   time.Duration // between two bytes of Trickle's answer
	ln        net.Listener
	done      chan struct{}
	wg        sync.WaitGroup
	mu        sync.Mutex
	conns     map[net.Conn]struct{}
	accepted  atomic.Int64
	requests  atomic.Int64
}

// Start serves b on a fresh port of 127.0.0.1.
func Start(b Behaviour) (*Server, error) {
	if _, ok := descriptions[b]; !ok {
		return nil, fmt.Errorf("hostiletest: unknown behaviour %q (one of %v)", b, Behaviours())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("hostiletest: %w", err)
	}
	return Serve(ln, b), nil
}

// Serve serves b on ln until Close.
func Serve(ln net.Listener, b Behaviour) *Server {
	return serve(ln, b, TrickleInterval)
}

// serve is Serve with the pause between two bytes of Trickle's answer: the
// server's own test trickles fast, to see the whole answer arrive.
func serve(ln net.Listener, b Behaviour, trickle time.Duration) *Server {
	s := &Server{URL: "http://" + ln.Addr().String(), behaviour: b, trickle: trickle, ln: ln, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.acceptLoop()
	return s
}

// Accepted is how many connections the server accepted.
func (s *Server) Accepted() int64 { return s.accepted.Load() }

// Requests is how many HTTP requests the server read (behaviours that
// read none count none).
func (s *Server) Requests() int64 { return s.requests.Load() }

// Close stops the server and closes every connection.
func (s *Server) Close() {
	select {
	case <-s.done:
		return
	default:
	}
	close(s.done)
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.accepted.Add(1)
		s.mu.Lock()
		select {
		case <-s.done:
			s.mu.Unlock()
			c.Close()
			return
		default:
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.handle(c)
		}()
	}
}

func (s *Server) handle(c net.Conn) {
	switch s.behaviour {
	case Silent:
		io.Copy(io.Discard, c) // until the client or Close hangs up
		return
	case Reset:
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // close sends RST, not FIN
		}
		return
	case NotHTTP:
		// The banner answers the client's request: sent before it, it would
		// race the client's write, and net/http would report an answer on
		// an idle connection instead of a malformed one (under load or
		// -race). The request is read whole, so that closing sends no RST.
		if req, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
			io.Copy(io.Discard, req.Body)
			req.Body.Close()
		}
		io.WriteString(c, "SSH-2.0-OpenSSH_9.6 hostile\r\n")
		return
	}
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
		n := s.requests.Add(1)
		if s.behaviour == Stalls && n > StallAfter || s.behaviour == ProbeThenSilent && n > 1 {
			<-s.done // hold the connection, answer nothing
			return
		}
		if (s.behaviour == ProbeThenSilent || s.behaviour == ProbeThenHTML) && n == 1 {
			w := bufio.NewWriter(c)
			writeResponse(w, "application/json", ProbeAnswer)
			w.Flush()
			continue
		}
		if !s.answer(c) {
			return
		}
	}
}

// answer writes one response; false closes the connection.
func (s *Server) answer(c net.Conn) bool {
	w := bufio.NewWriter(c)
	defer w.Flush()
	switch s.behaviour {
	case Trickle:
		body := `{"api-response-code": 400, "api-response-message": "slow"}`
		resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		for i := 0; i < len(resp); i++ {
			select {
			case <-s.done:
				return false
			case <-time.After(s.trickle):
			}
			if _, err := c.Write([]byte{resp[i]}); err != nil {
				return false
			}
		}
		return true
	case HugeJSON:
		fmt.Fprint(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
		cw := httputil.NewChunkedWriter(w)
		writeHugeJSON(cw, HugeJSONBytes)
		cw.Close()
		io.WriteString(w, "\r\n")
		return true
	case LargeJSON:
		writeResponse(w, "application/json", largeJSONBody())
		return true
	case DeepJSON:
		writeResponse(w, "application/json", deepJSONBody())
		return true
	case BadUTF8:
		writeResponse(w, "application/json", BadUTF8Body)
		return true
	case ShortBody:
		fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", ShortBodyLength)
		io.WriteString(w, `{"api-resp`[:ShortBodySent])
		return false
	case Stalls:
		writeResponse(w, "application/json", `{"api-response-code": 400, "api-response-message": "Bad Request"}`)
		return true
	case HTML, ProbeThenHTML:
		writeResponse(w, "text/html; charset=utf-8", "<!doctype html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>\n")
		return true
	}
	return false
}

// ProbeAnswer is how the probe-then servers answer their first request:
// as a Kairos server refuses an envelope that does not open (section 5).
const ProbeAnswer = `{"api-response-code": 400, "api-response-message": "Invalid Format", "request-id": "00000000-0000-4000-8000-000000000000"}`

// BadUTF8Body is the bad-utf8 server's answer: a Kairos-shaped body whose
// strings hold invalid bytes, a cut multi-byte sequence, terminal escapes
// (JSON-escaped, so the body stays JSON) and a bidi override.
const BadUTF8Body = "{\"api-response-code\": 400, \"api-response-message\": \"bad \xff\xfe bytes, a cut \xc3 sequence, " +
	"\\u001b[2J\\u001b[31mred\\u001b[0m and \u202eevil\", \"request-id\": \"\x9b31m\"}"

func writeResponse(w io.Writer, contentType, body string) {
	fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", contentType, len(body))
	io.WriteString(w, body)
}

// The large answers, made once: a run sends hundreds of requests, and the
// harness, not this server, is what its CPU should be spent on.
var (
	largeJSONBody = sync.OnceValue(func() string {
		const head, tail = `{"api-response-code": 400, "padding": [`, `0]}`
		return head + strings.Repeat("0,", (LargeJSONBytes-len(head)-len(tail))/2) + tail
	})
	deepJSONBody = sync.OnceValue(func() string {
		return strings.Repeat("[", DeepJSONLevels) + strings.Repeat("]", DeepJSONLevels)
	})
)

// writeHugeJSON writes a JSON object of about size bytes without holding it.
func writeHugeJSON(w io.Writer, size int) {
	const head, tail = `{"api-response-code": 400, "padding": [`, `0]}`
	io.WriteString(w, head)
	chunk := []byte(strings.Repeat("0,", 16<<10))
	for n := len(head) + len(tail); n < size; n += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	io.WriteString(w, tail)
}
