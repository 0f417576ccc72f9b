package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

// lockedBuffer is a stderr the server's goroutines may write while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs `runner serve` in-process with args and returns the URL
// of its first line; the server stops when the test ends. Its log goes to
// stderr.
func startServe(t *testing.T, stderr io.Writer, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		code := runServe(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), nil, outW, stderr)
		outW.Close()
		exit <- code
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-exit:
		case <-time.After(15 * time.Second):
			t.Error("runner serve did not stop")
		}
	})
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatalf("runner serve printed nothing")
	}
	url, ok := strings.CutPrefix(lines.Text(), "Kairos reference server on ")
	if !ok {
		t.Fatalf("first line %q", lines.Text())
	}
	go func() {
		for lines.Scan() {
		}
	}()
	return url
}

// TestServeExportThenSuiteGreen: `runner serve --tls --export DIR`, then the
// suite with DIR's profile alone, over HTTPS with the exported CA: green.
// (TestFullSuiteEmbeddedAndServedAgree runs the whole suite this way.)
func TestServeExportThenSuiteGreen(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "served") // made by serve
	url := startServe(t, io.Discard, "--quiet", "--tls", "--export", dir)
	if !strings.HasPrefix(url, "https://127.0.0.1:") {
		t.Fatalf("--tls: Expected an https URL, Actual %s", url)
	}
	path := filepath.Join(dir, exportProfileName)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("profile.yaml: Expected mode 0600 (it holds security ids), Actual %#o", info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# WARNING: THIS FILE HOLDS SECRETS") {
		t.Errorf("profile.yaml does not start with the secrets warning:\n%.300s", data)
	}
	prof, err := profile.Load(path)
	if err != nil {
		t.Fatalf("the exported profile does not load: %v", err)
	}
	world := referenceWorld(t)
	if prof.Target != url || prof.TLS.CAFile != filepath.Join(dir, exportCAName) || len(prof.Flows) != len(world.Roles()) {
		t.Errorf("profile: target %s, ca-file %q, %d flows; want %s, %s, %d", prof.Target, prof.TLS.CAFile, len(prof.Flows), url,
			filepath.Join(dir, exportCAName), len(world.Roles()))
	}
	for _, role := range world.Roles() {
		f, _ := world.FlowByRole(role)
		got, ok := prof.Flows[role]
		switch {
		case !ok:
			t.Errorf("%s: not in the exported profile", role)
		case got.FlowID != f.ID || got.SecurityID != f.SecurityID || !got.PublicKey.Equal(f.PublicKey):
			t.Errorf("%s: exported %s with another security id or key than the world's %s", role, got.FlowID, f.ID)
		case got.PrivateKeyFile != "" || got.PrivateKey != nil:
			t.Errorf("%s: the export holds a private key", role)
		case filepath.Dir(got.PublicKeyFile) != filepath.Join(dir, exportKeysDir):
			t.Errorf("%s: public key %s, not in DIR/keys", role, got.PublicKeyFile)
		}
		pub, err := envelope.LoadPublicKey(filepath.Join(dir, exportKeysDir, f.ID+envelope.PublicKeySuffix))
		if err != nil || !pub.Equal(f.PublicKey) {
			t.Errorf("%s: keys/%s%s: %v", role, f.ID, envelope.PublicKeySuffix, err)
		}
	}

	// Part of the suite with that profile alone (no --target, no private
	// keys), over HTTPS trusting only the exported CA: one family per kind
	// of check a profile's fields feed (the flows' ids, security ids and
	// public keys). TestFullSuiteEmbeddedAndServedAgree runs the whole suite
	// through such an export.
	reports := t.TempDir()
	code, stdout, stderr := runRunner(t, context.Background(), "--profile", path, "--reports", reports,
		"--tags", "@status-202,@status-302")
	if code != exitOK {
		t.Fatalf("the suite against the exported profile: exit %d\n%s\n%s", code, tail(stdout, 40), stderr)
	}
	run := readReports(t, reports, reporting.Meta{})
	if len(run.Scenarios) < 20 {
		t.Errorf("only %d scenarios ran", len(run.Scenarios))
	}
}

// Without the exported CA the same server is not trusted: the TLS setting
// is what made the run above work.
func TestServeTLSNeedsTheCA(t *testing.T) {
	dir := t.TempDir()
	url := startServe(t, io.Discard, "--quiet", "--tls", "--export", dir)
	path := filepath.Join(dir, exportProfileName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	untrusting := filepath.Join(dir, "no-ca.yaml")
	if err := os.WriteFile(untrusting, []byte(strings.Replace(string(data), "ca-file: ca.pem", `ca-file: ""`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runRunner(t, context.Background(), "--profile", untrusting, "--reports", t.TempDir(), "--tags", "@status-302")
	if code != exitUsage || !strings.Contains(stderr, "certificate") {
		t.Errorf("%s without its CA: Expected exit 2 naming the certificate, Actual %d: %s", url, code, stderr)
	}
}

func TestServeTLSNeedsExport(t *testing.T) {
	var stderr strings.Builder
	if code := runServe(context.Background(), []string{"--tls"}, nil, io.Discard, &stderr); code != exitUsage ||
		!strings.Contains(stderr.String(), "--tls: needs --export DIR") {
		t.Errorf("Expected exit 2 and --tls: needs --export DIR, Actual %d %q", code, stderr.String())
	}
}

// TestServeDebugLogsWhy: --log-level debug logs the rule and the field of a
// refusal; the default level does not.
func TestServeDebugLogsWhy(t *testing.T) {
	world := referenceWorld(t)
	f, _ := world.FlowByRole("healthy-multicast")
	body := `{"api-version":"1.0","security-id":"wrong","flow-id":"` + f.ID + `","calls":[]}`
	for _, level := range []string{"debug", "info"} {
		var logs lockedBuffer
		url := startServe(t, &logs, "--log-level", level)
		resp, err := http.Post(url+"/kairos-apis/outbound/create", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		const want = "rule=5.8 field=security-id"
		if got := strings.Contains(logs.String(), want); got != (level == "debug") {
			t.Errorf("--log-level %s: Expected %q logged: %v\nActual log:\n%s", level, want, level == "debug", logs.String())
		}
	}
}
