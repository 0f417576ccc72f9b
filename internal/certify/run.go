package certify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/httpserve"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// DefaultTimeout is how long one run of the client command may take.
const DefaultTimeout = 10 * time.Second

// maxHungInARow is how many runs in a row may hang before later runs are
// not started: a client that never exits would otherwise cost a full
// timeout per request of the whole suite.
const maxHungInARow = 3

// Config is what a certification run needs.
type Config struct {
	ClientCmd string           // run with sh -c, once per request
	Profile   *profile.Profile // the flows (with private keys) and phones
	// Server answers requests no scenario forces a code for: the reference
	// server, opening envelopes with the profile's padding. Nil answers
	// every request with 200 SUCCESS.
	Server http.Handler
	// OptionalPaddings are the RSA paddings besides the profile's that the
	// vendor declares its client supports, each with the server that opens
	// envelopes sealed with it. The scenarios that ask for a padding not
	// here are skipped.
	OptionalPaddings map[envelope.Padding]http.Handler
	Timeout          time.Duration // per run of the client; 0 means DefaultTimeout
	// WorkDir holds payload and key files; empty means a temporary
	// directory that Close removes.
	WorkDir string
	Now     func() time.Time
}

// Run is one certification: what spans all its scenarios. It is safe for
// concurrent use by the scenarios.
type Run struct {
	cfg     Config
	workDir string
	ownDir  bool

	mu         sync.Mutex
	keys       map[string]string // keyB64 -> the request that first carried it
	secrets    []string          // key strings seen, for redaction
	hungInARow int
	sessions   int
	keyFiles   map[string]string // flow id -> public key file
	results    []*ScenarioResult
}

// NewRun checks cfg and prepares the work directory.
func NewRun(cfg Config) (*Run, error) {
	if cfg.ClientCmd == "" {
		return nil, errors.New("certify: no client command")
	}
	if cfg.Profile == nil {
		return nil, errors.New("certify: no profile")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Run{cfg: cfg, workDir: cfg.WorkDir, keys: map[string]string{}, keyFiles: map[string]string{}}
	if r.workDir == "" {
		dir, err := os.MkdirTemp("", "kairos-certify-")
		if err != nil {
			return nil, fmt.Errorf("certify: %w", err)
		}
		r.workDir, r.ownDir = dir, true
	}
	return r, nil
}

// Close removes the temporary work directory.
func (r *Run) Close() error {
	if r.ownDir {
		return os.RemoveAll(r.workDir)
	}
	return nil
}

// Config returns the run's configuration, defaults filled in.
func (r *Run) Config() Config { return r.cfg }

// Paddings lists the RSA paddings the run certifies: the profile's, then
// the declared optional ones.
func (r *Run) Paddings() []envelope.Padding {
	out := []envelope.Padding{r.cfg.Profile.Knobs.RSAPadding}
	for _, p := range []envelope.Padding{envelope.PKCS1v15, envelope.OAEPSHA1, envelope.OAEPSHA256} {
		if _, ok := r.cfg.OptionalPaddings[p]; ok && p != out[0] {
			out = append(out, p)
		}
	}
	return out
}

// ErrPaddingNotDeclared is UsePadding's error for a padding the vendor did
// not declare.
var ErrPaddingNotDeclared = errors.New("RSA padding not declared")

// Secrets lists what reports must not show: the profile's security ids
// and every key string seen (k and base64(k)).
func (r *Run) Secrets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append(r.cfg.Profile.Secrets(), r.secrets...)
}

// AddResult records a scenario's verdict.
func (r *Run) AddResult(res *ScenarioResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, res)
}

// Results returns the verdicts recorded so far, in order.
func (r *Run) Results() []*ScenarioResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*ScenarioResult(nil), r.results...)
}

// registerKey notes a key string and returns the request that carried it
// before, if any.
func (r *Run) registerKey(keyB64, where string) (earlier string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if first, ok := r.keys[keyB64]; ok {
		return first
	}
	r.keys[keyB64] = where
	r.secrets = append(r.secrets, keyB64)
	if k, err := envelope.DecodeStrict(keyB64); err == nil {
		r.secrets = append(r.secrets, string(k))
	}
	return ""
}

func (r *Run) publicKeyFile(flow profile.Flow) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if path, ok := r.keyFiles[flow.FlowID]; ok {
		return path, nil
	}
	pemBytes, err := envelope.MarshalPublicKeyPEM(flow.PublicKey)
	if err != nil {
		return "", err
	}
	path := filepath.Join(r.workDir, flow.FlowID+envelope.PublicKeySuffix)
	if err := os.WriteFile(path, pemBytes, 0o644); err != nil {
		return "", fmt.Errorf("certify: %w", err)
	}
	r.keyFiles[flow.FlowID] = path
	return path, nil
}

// Session is one scenario: its own loopback server and the requests the
// client sent to it. One goroutine uses it.
type Session struct {
	run  *Run
	id   string
	name string
	dir  string
	rec  *Recorder
	srv  *httpserve.Server
	url  string // http://127.0.0.1:PORT

	Flow     profile.Flow
	Endpoint string
	Payload  []byte
	Attempts []*Attempt
	// Locale, when set (CLocale), runs the client with LC_ALL and LANG set
	// to C: a client whose bytes depend on the platform's charset shows it.
	Locale string

	padding    envelope.Padding
	paddingSet bool
	timeout    time.Duration // told to the client; 0: the run's timeout
}

// NewSession starts a scenario's server on loopback.
func (r *Run) NewSession(name string) (*Session, error) {
	r.mu.Lock()
	r.sessions++
	n := r.sessions
	r.mu.Unlock()
	dir := filepath.Join(r.workDir, fmt.Sprintf("scenario-%03d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("certify: %w", err)
	}
	rec := &Recorder{Next: r.cfg.Server}
	id := fmt.Sprintf("cert-%03d-%s", n, uuid.NewString()[:6])
	// The same bounded server as the reference server's: a client that
	// never finishes its request cannot hold the session open.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("certify: %w", err)
	}
	srv := httpserve.Start(ln, rec, nil)
	return &Session{run: r, id: id, name: name, dir: dir, rec: rec, srv: srv, url: "http://" + ln.Addr().String()}, nil
}

// ID is unique to the session, run-wide and across runs: a prefix for
// client-identifiers, so that no two scenarios send the same payload.
func (s *Session) ID() string { return s.id }

// Close stops the session's server.
func (s *Session) Close() { s.srv.Stop() }

// Ask sets what the client is asked to send: payload for the flow playing
// role, to the encrypted create endpoint of the flow's kind.
func (s *Session) Ask(role string, payload []byte) error {
	flow, err := s.run.cfg.Profile.Flow(role)
	if err != nil {
		return err
	}
	if flow.PublicKey == nil || flow.PrivateKey == nil {
		return fmt.Errorf("flow %s (%s) has no key pair: certification needs both halves", flow.FlowID, role)
	}
	s.Flow, s.Payload = flow, payload
	s.Endpoint = protocol.CreatePath(profile.KindOf(role), true)
	return nil
}

// Force makes the server answer the following requests with code.
func (s *Session) Force(code protocol.Code) { s.rec.Force(code, ClientIDs(s.Payload)) }

// ForceHTTP makes the server answer the following requests with an HTTP
// status other than 200 and a body carrying code.
func (s *Session) ForceHTTP(status int, code protocol.Code) {
	s.rec.ForceHTTP(status, code, ClientIDs(s.Payload))
}

// Padding is the RSA padding the server expects: the profile's, unless
// UsePadding chose another.
func (s *Session) Padding() envelope.Padding {
	if s.paddingSet {
		return s.padding
	}
	return s.run.cfg.Profile.Knobs.RSAPadding
}

// UsePadding makes the client be asked for, and the server expect, the
// RSA padding p: the profile's, or one the vendor declared
// (ErrPaddingNotDeclared otherwise).
func (s *Session) UsePadding(p envelope.Padding) error {
	if p != s.run.cfg.Profile.Knobs.RSAPadding {
		h, ok := s.run.cfg.OptionalPaddings[p]
		if !ok {
			return fmt.Errorf("%w: %s", ErrPaddingNotDeclared, p)
		}
		s.rec.SetNext(h)
	}
	s.padding, s.paddingSet = p, true
	return nil
}

// UseFractionalTimeout tells the client a KAIROS_TIMEOUT_SECONDS with a
// fraction (7/8 of the run's timeout, never a whole number of seconds);
// the client is still killed at the run's timeout.
func (s *Session) UseFractionalTimeout() {
	t := (s.run.cfg.Timeout * 7 / 8).Truncate(time.Millisecond)
	if t%time.Second == 0 && t > time.Second {
		t -= 250 * time.Millisecond
	}
	s.timeout = t
}

// clientTimeout is the KAIROS_TIMEOUT_SECONDS value.
func (s *Session) clientTimeout() string {
	t := s.run.cfg.Timeout
	if s.timeout > 0 {
		t = s.timeout
	}
	return strconv.FormatFloat(t.Seconds(), 'f', -1, 64)
}

// Send runs the client command once and inspects what arrived.
func (s *Session) Send(ctx context.Context) (*Attempt, error) {
	if s.Payload == nil {
		return nil, errors.New("no payload: a Given step must say what the client sends")
	}
	a := &Attempt{N: len(s.Attempts) + 1, TimeoutEnv: s.clientTimeout(), Locale: s.Locale}
	s.Attempts = append(s.Attempts, a)
	env, err := s.environment(a.N)
	if err != nil {
		return nil, err
	}
	r := s.run
	r.mu.Lock()
	skip := r.hungInARow >= maxHungInARow
	r.mu.Unlock()
	if skip {
		a.Exec = &ExecResult{Outcome: NotRun, Err: fmt.Errorf("the client hung on its last %d runs (no exit within %s), so this run was not started", maxHungInARow, r.cfg.Timeout)}
	} else {
		a.Exec = Exec(ctx, r.cfg.ClientCmd, env, r.cfg.Timeout)
		r.mu.Lock()
		if a.Exec.Outcome == Hung {
			r.hungInARow++
		} else {
			r.hungInARow = 0
		}
		r.mu.Unlock()
	}
	for i, ex := range s.rec.Take() {
		in := Inspect(ex, s.Flow.PrivateKey, s.Padding())
		in.Locale = s.Locale
		if in.Opened != nil {
			where := fmt.Sprintf("scenario %q, run %d of the client, request %d", s.name, a.N, i+1)
			in.KeyReusedFrom = r.registerKey(in.Opened.KeyB64, where)
		}
		a.Inspections = append(a.Inspections, in)
	}
	return a, nil
}

// environment writes the request's files and returns the client's
// environment: the harness's own plus the contract's variables.
func (s *Session) environment(n int) ([]string, error) {
	keyFile, err := s.run.publicKeyFile(s.Flow)
	if err != nil {
		return nil, err
	}
	payloadFile := filepath.Join(s.dir, fmt.Sprintf("payload-%d.json", n))
	if err := os.WriteFile(payloadFile, s.Payload, 0o600); err != nil {
		return nil, fmt.Errorf("certify: %w", err)
	}
	work := filepath.Join(s.dir, fmt.Sprintf("work-%d", n))
	if err := os.MkdirAll(work, 0o700); err != nil {
		return nil, fmt.Errorf("certify: %w", err)
	}
	env := os.Environ()
	if s.Locale != "" {
		env = slices.DeleteFunc(env, func(kv string) bool {
			return strings.HasPrefix(kv, "LANG=") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANGUAGE=")
		})
		env = append(env, "LC_ALL=C", "LANG=C")
	}
	return append(env,
		EnvURL+"="+s.url+s.Endpoint,
		EnvBaseURL+"="+s.url,
		EnvEndpoint+"="+s.Endpoint,
		EnvFlowID+"="+s.Flow.FlowID,
		EnvPublicKeyFile+"="+keyFile,
		EnvPayloadFile+"="+payloadFile,
		EnvRSAPadding+"="+s.Padding().String(),
		EnvTimeout+"="+s.clientTimeout(),
		EnvWorkDir+"="+work,
	), nil
}
