// Package refserver is the reference Kairos server: an http.Handler that
// serves every endpoint of the Kairos API spec (SPEC.md at the repository
// root, section 1) over a World loaded from a fixture file, answering each request
// with the first rule of spec section 5 that applies.
//
// The conformance suite runs against it in-process to prove itself, and
// `runner serve` runs it standalone. Options.Fault makes it misbehave in a
// named way, so that the suite can show each scenario catches the fault it
// is about.
package refserver

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// Bounds on the server's memory: the oldest entries go first.
const (
	maxChecksums = 1 << 18
	// maxConcurrentKeyGens bounds generateKeyPair's CPU: a 4096-bit key
	// takes seconds, and unbounded parallel rotations would starve every
	// other request. Requests beyond it wait their turn.
	maxConcurrentKeyGens = 2
	maxPullRecordsFlow   = 20000
	faultBodyLimit       = 16 << 20 // the no-body-limit fault still stops somewhere
)

// Options configure a Server. The zero value is a correct server on the
// real clock.
type Options struct {
	// Now is the clock (nil: time.Now). Tests move it to cross the checksum
	// window or a start-time's date.
	Now func() time.Time
	// Fault makes the server misbehave in one named way (zero: none).
	Fault Fault
	// Logger receives one line per request and, at debug level, the stage
	// at which an envelope failed to open (nil: discard). Secrets are
	// never logged.
	Logger *slog.Logger
	// KeyBits is the size of keys made by generateKeyPair (0: the size of
	// the key it replaces, 4096 bits for the flows of SPEC.md 3.3). Tests
	// use 2048 because 4096-bit keys take seconds to generate.
	KeyBits int
	// GenerateKey makes generateKeyPair's keys, of the size asked (KeyBits,
	// or the replaced key's) (nil: a fresh key from crypto/rand). Tests
	// that start many servers hand each the same few keys made once (a
	// 2048-bit key is a tenth of a second of CPU); the keys one server gets
	// must differ from each other and from its flows' own.
	GenerateKey func(bits int) (*rsa.PrivateKey, error)
	// RSAPadding is the padding of requestDigitalSignatureValue the
	// server opens and encryptdata seals with (zero: PKCS#1 v1.5, the
	// spec's). Client certification runs an OAEP server for a vendor who
	// declares OAEP.
	RSAPadding envelope.Padding
}

// Server is the reference Kairos server. It is safe for concurrent use; its
// state (rotated keys, checksums, accepted calls) is its own, so tests may
// run many servers over one World.
type Server struct {
	world     *World // read only
	now       func() time.Time
	fault     Fault
	log       *slog.Logger
	keyBits   int // 0: the size of the key replaced
	newKey    func(bits int) (*rsa.PrivateKey, error)
	padding   envelope.Padding
	flows     map[string]*flowState
	routes    map[string]route
	checksums *checksumStore
	pulls     *pullStore
	keyGens   chan struct{} // a slot per key generation under way
	// dummyAES keys the decryption run for envelopes whose RSA half fails,
	// so that every failure costs about the same (see openEnvelope).
	dummyAES []byte
	// pause waits under the delay-* faults (tests record it instead).
	pause func(ctx context.Context, d time.Duration)
}

// flowState is a world flow plus the server's mutable view of it.
type flowState struct {
	*Flow
	// key is replaced whole by generateKeyPair; readers load it once per
	// request, so a rotation never blocks them or other flows.
	key        atomic.Pointer[rsa.PrivateKey]
	testPhones map[string]bool
}

type route struct {
	kind   string // the flow kind a create endpoint serves; "" for others
	handle func(s *Server, x *exchange) *reply
}

// exchange is one request being answered.
type exchange struct {
	r         *http.Request
	requestID string
	path      string
	route     route
	body      []byte
}

// New makes a server for world. The world is only read.
func New(world *World, opts Options) (*Server, error) {
	if world == nil || len(world.Flows) == 0 {
		return nil, errors.New("refserver: a world with at least one flow is needed")
	}
	if _, err := envelope.ParsePadding(opts.RSAPadding.String()); err != nil {
		return nil, fmt.Errorf("refserver: %w", err)
	}
	s := &Server{
		world: world, now: opts.Now, fault: opts.Fault, log: opts.Logger, keyBits: opts.KeyBits, newKey: opts.GenerateKey, padding: opts.RSAPadding,
		flows:     map[string]*flowState{},
		checksums: newChecksumStore(protocol.ChecksumWindow, maxChecksums),
		pulls:     newPullStore(maxPullRecordsFlow),
		keyGens:   make(chan struct{}, maxConcurrentKeyGens),
		dummyAES:  envelope.DeriveAESKey(uuid.NewString()),
		pause:     sleep,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opts.Fault.is(faultChecksumNeverExpires) {
		s.checksums.window = 100 * 365 * 24 * time.Hour
	}
	if s.newKey == nil {
		s.newKey = freshKey
	}
	if s.keyBits != 0 && s.keyBits < envelope.MinKeyBits {
		return nil, fmt.Errorf("refserver: KeyBits %d: want at least %d", s.keyBits, envelope.MinKeyBits)
	}
	if opts.Fault.name != "" {
		if _, err := ParseFault(opts.Fault.name); err != nil {
			return nil, fmt.Errorf("refserver: %w", err)
		}
	}
	for _, f := range world.Flows {
		if f.PrivateKey == nil || f.Account == nil {
			return nil, fmt.Errorf("refserver: flow %q has no private key or account", f.ID)
		}
		fs := &flowState{Flow: f, testPhones: map[string]bool{}}
		fs.key.Store(f.PrivateKey)
		for _, n := range f.TestPhones {
			fs.testPhones[n] = true
		}
		s.flows[f.ID] = fs
	}
	s.routes = map[string]route{}
	for _, e := range protocol.Endpoints() {
		rt := route{kind: e.Kind}
		switch {
		case e.Kind != "" && e.Encrypted:
			rt.handle = (*Server).createEncrypted
		case e.Kind != "":
			rt.handle = (*Server).createPlain
		case e.Path == protocol.PathGenerateKeyPair:
			rt.handle = (*Server).generateKeyPair
		case e.Path == protocol.PathEncryptData:
			rt.handle = (*Server).encryptData
		case e.Path == protocol.PathPull:
			rt.handle = (*Server).pull
		default:
			return nil, fmt.Errorf("refserver: no handler for %s", e.Path)
		}
		s.routes[e.Path] = rt
	}
	return s, nil
}

// World is the world the server serves (never changed by it).
func (s *Server) World() *World { return s.world }

// Fault is the fault the server was made with.
func (s *Server) Fault() Fault { return s.fault }

// ServeHTTP answers one request. A panic anywhere below is answered as
// HTTP 200 with body code 500 FAILURE (spec section 4).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{r: r, requestID: uuid.NewString(), path: r.URL.Path}
	start := time.Now()
	written := false
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p)
		}
		s.log.Error("panic answered as 500 FAILURE", "request-id", x.requestID, "path", x.path, "panic", fmt.Sprint(p))
		if !written {
			s.write(w, x, &reply{code: protocol.Failure})
		}
	}()
	rep := s.serve(w, x)
	written = true
	status := s.write(w, x, rep)
	s.log.Info("request", "request-id", x.requestID, "path", x.path, "remote", r.RemoteAddr,
		"http-status", status, "code", int(rep.code), "flow-id", rep.logFlow, "took", time.Since(start))
	s.logRefusal(x, rep)
}

// serve applies the transport checks of spec section 4 in the order a
// client can fix them (path, method, content type, size) and hands the body
// to the endpoint.
func (s *Server) serve(w http.ResponseWriter, x *exchange) *reply {
	rt, ok := s.routes[x.path]
	if !ok {
		return transportError(http.StatusNotFound).because("4.3", "path", "no such endpoint")
	}
	x.route = rt
	if x.r.Method != http.MethodPost {
		rep := transportError(http.StatusMethodNotAllowed)
		rep.allow = http.MethodPost
		return rep.because("4.3", "method", "not POST")
	}
	if !s.fault.is(faultIgnoreContentType) && !isJSONContentType(x.r.Header.Get("Content-Type")) {
		return transportError(http.StatusUnsupportedMediaType).because("4.3", "Content-Type", "not application/json (charset utf-8 or none)")
	}
	limit := s.bodyLimit()
	tooLarge := fmt.Sprintf("over %d bytes (2.10)", limit)
	if x.r.ContentLength > limit {
		return transportError(http.StatusRequestEntityTooLarge).because("4.3", "Content-Length", tooLarge)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, x.r.Body, limit))
	if err != nil {
		var maxBytes *http.MaxBytesError
		if errors.As(err, &maxBytes) {
			return transportError(http.StatusRequestEntityTooLarge).because("4.3", "body", tooLarge)
		}
		// The client went away mid-body.
		return (&reply{code: protocol.InvalidFormat}).because("5.1", "body", "not read whole: "+err.Error())
	}
	x.body = body
	return rt.handle(s, x)
}

// isJSONContentType accepts application/json with no charset or utf-8.
func isJSONContentType(v string) bool {
	mediaType, params, err := mime.ParseMediaType(v)
	if err != nil || mediaType != "application/json" {
		return false
	}
	charset, ok := params["charset"]
	return !ok || strings.EqualFold(charset, "utf-8")
}

func transportError(status int) *reply {
	return &reply{httpStatus: status, code: protocol.InvalidFormat}
}
