package certify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/kairos-conformance/kairos-conformance/envelope"
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
	// server. Nil answers every request with 200 SUCCESS.
	Server  http.Handler
	Timeout time.Duration // per run of the client; 0 means DefaultTimeout
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
	srv  *httptest.Server

	Flow     profile.Flow
	Endpoint string
	Payload  []byte
	Attempts []*Attempt
}

// Attempt is one run of the client command and what it sent.
type Attempt struct {
	N           int // 1-based within the session
	Exec        *ExecResult
	Inspections []*Inspection
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
	return &Session{run: r, id: id, name: name, dir: dir, rec: rec, srv: httptest.NewServer(rec)}, nil
}

// ID is unique to the session, run-wide and across runs: a prefix for
// client-identifiers, so that no two scenarios send the same payload.
func (s *Session) ID() string { return s.id }

// Close stops the session's server.
func (s *Session) Close() { s.srv.Close() }

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

// Padding is the RSA padding the profile says the server expects.
func (s *Session) Padding() envelope.Padding { return s.run.cfg.Profile.Knobs.RSAPadding }

// Send runs the client command once and inspects what arrived.
func (s *Session) Send(ctx context.Context) (*Attempt, error) {
	if s.Payload == nil {
		return nil, errors.New("no payload: a Given step must say what the client sends")
	}
	a := &Attempt{N: len(s.Attempts) + 1}
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
	return append(os.Environ(),
		EnvURL+"="+s.srv.URL+s.Endpoint,
		EnvBaseURL+"="+s.srv.URL,
		EnvEndpoint+"="+s.Endpoint,
		EnvFlowID+"="+s.Flow.FlowID,
		EnvPublicKeyFile+"="+keyFile,
		EnvPayloadFile+"="+payloadFile,
		EnvRSAPadding+"="+s.Padding().String(),
		EnvTimeout+"="+strconv.FormatFloat(s.run.cfg.Timeout.Seconds(), 'f', -1, 64),
		EnvWorkDir+"="+work,
	), nil
}

// ClientProblem says how this run of the client broke the contract (hung,
// crashed, printed nothing or garbage), or nil if it exited 0 and printed
// JSON. Whether that JSON is the body the server sent is CheckOutput's job.
func (a *Attempt) ClientProblem() error {
	f := a.clientProblem()
	if f == nil {
		return nil
	}
	if n := len(a.Inspections); n != 1 && a.Exec.Outcome != NotRun {
		if f.Mistake == "client-garbage" || f.Mistake == "client-silent" {
			f.Want = "each run of the client must send exactly one request and print the response body (JSON) on stdout"
			f.Got = fmt.Sprintf("the server received %d requests, and %s", n, f.Got)
		} else {
			f.Got += fmt.Sprintf(" (the server received %d requests)", n)
		}
	}
	return f
}

func (a *Attempt) clientProblem() *Finding {
	const rule = "client contract"
	if p := a.Exec.Problem(); p != "" {
		mistake := map[Outcome]string{Hung: "client-hung", Failed: "client-not-run", NotRun: "client-not-run"}[a.Exec.Outcome]
		if mistake == "" {
			mistake = "client-crashed"
		}
		return &Finding{Rule: rule, Want: "the client must exit 0 once it has printed the response body", Got: p, Mistake: mistake}
	}
	out := bytes.TrimSpace(a.Exec.Stdout)
	want := "the client must print the response body the server sent (JSON) on stdout"
	switch {
	case len(out) == 0:
		return &Finding{Rule: rule, Want: want, Got: "the client printed nothing", Mistake: "client-silent"}
	case a.Exec.StdoutTruncated:
		return &Finding{Rule: rule, Want: want, Got: fmt.Sprintf("the client printed garbage: over %d bytes", maxStdout), Mistake: "client-garbage"}
	case !json.Valid(out):
		return &Finding{Rule: rule, Want: want, Got: "the client printed garbage, not JSON: " + quoteStart(out), Mistake: "client-garbage"}
	}
	return nil
}

// Summary is one line about the attempt for the report: how the client
// ended and what each request got.
func (a *Attempt) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "run %d: ", a.N)
	switch {
	case a.Exec.Outcome == Exited && a.Exec.Signal != "":
		fmt.Fprintf(&b, "killed by signal %s after %s", a.Exec.Signal, a.Exec.Duration.Round(time.Millisecond))
	case a.Exec.Outcome == Exited:
		fmt.Fprintf(&b, "exit %d after %s", a.Exec.ExitCode, a.Exec.Duration.Round(time.Millisecond))
	case a.Exec.Outcome == Hung:
		fmt.Fprintf(&b, "hung, killed after %s", a.Exec.Timeout)
	default:
		b.WriteString("not run")
	}
	if len(a.Inspections) == 0 {
		b.WriteString("; no request")
	}
	for _, in := range a.Inspections {
		ex := in.Exchange
		fmt.Fprintf(&b, "; %s %s -> HTTP %d", ex.Method, ex.Path, ex.Status)
		var body struct {
			Code json.Number `json:"api-response-code"`
		}
		if json.Unmarshal(ex.ResponseBody, &body) == nil && body.Code != "" {
			fmt.Fprintf(&b, ", api-response-code %s", body.Code)
		}
		if ex.Forced {
			b.WriteString(" (forced)")
		}
	}
	return b.String()
}
