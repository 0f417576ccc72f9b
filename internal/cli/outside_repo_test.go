package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/certify"
	"github.com/kairos-conformance/kairos-conformance/internal/repo"
)

// TestBinaryOutsideTheRepository builds the runner as a vendor would (go
// build -o kairos ./runner) and runs it in an empty directory, far from
// go.mod: the world, its keys and the feature files come from the binary.
func TestBinaryOutsideTheRepository(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner")
	}
	if runtime.GOOS == "windows" {
		t.Skip("stops `serve` with SIGINT")
	}
	t.Parallel()
	bin, _ := builtBinaries(t)
	root, err := repo.Root()
	if err != nil {
		t.Fatal(err)
	}
	// kairos runs the command in its own empty directory, with no KAIROS_*
	// variable aiming it elsewhere.
	kairos := func(t *testing.T, args ...string) *exec.Cmd {
		t.Helper()
		dir := t.TempDir()
		if rel, err := filepath.Rel(root, dir); err == nil && !strings.HasPrefix(rel, "..") {
			t.Skipf("the temporary directory %s is inside the repository", dir)
		}
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "KAIROS_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		return cmd
	}
	output := func(t *testing.T, cmd *exec.Cmd) (stdout string) {
		t.Helper()
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(cmd.Args, " "), err, out.String(), errOut.String())
		}
		return out.String()
	}

	t.Run("run", func(t *testing.T) {
		cmd := kairos(t, "--tags", "@status-302")
		stdout := output(t, cmd)
		if !strings.Contains(stdout, "reference world embedded:fixtures/world/reference.yaml (embedded server)") ||
			!strings.Contains(stdout, "PASSED: ") {
			t.Errorf("stdout:\n%s", stdout)
		}
		for _, f := range []string{"cucumber.json", "junit.xml", "report.html"} {
			data, err := os.ReadFile(filepath.Join(cmd.Dir, "reports", f))
			if err != nil || !bytes.Contains(data, []byte("features/status_request.feature")) {
				t.Errorf("reports/%s: %v, or it does not name features/status_request.feature", f, err)
			}
		}
	})

	t.Run("list", func(t *testing.T) {
		embedded := output(t, kairos(t, "--list"))
		code, disk, stderr := runRunner(t, context.Background(), "--list")
		if code != exitOK {
			t.Fatalf("--list in the repository: exit %d: %s", code, stderr)
		}
		// The same files in the same order: the suite tests count them.
		if embedded != disk || !strings.HasSuffix(disk, " scenarios\n") {
			t.Errorf("--list outside the repository:\n%s\nwant, as inside it:\n%s", lastLines(embedded), lastLines(disk))
		}
	})

	t.Run("serve", func(t *testing.T) {
		cmd := kairos(t, "serve", "--addr", "127.0.0.1:0", "--quiet")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		lines := bufio.NewScanner(stdout)
		var banner []string
		for len(banner) < 3 && lines.Scan() {
			banner = append(banner, lines.Text())
		}
		if len(banner) < 2 {
			t.Fatalf("banner %q; stderr: %s", banner, stderr.String())
		}
		url, ok := strings.CutPrefix(banner[0], "Kairos reference server on ")
		if !ok || banner[1] != "world: embedded:fixtures/world/reference.yaml" {
			t.Fatalf("banner %q; stderr: %s", banner, stderr.String())
		}
		resp, err := http.Post(url+"/kairos-apis/pull", "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		for lines.Scan() { // drain until the server exits
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v; stderr: %s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop on SIGINT")
		}
	})

	// The reference client certifies with every padding declared (OAEP is
	// judged only when declared).
	t.Run("certify-client", func(t *testing.T) {
		cmd := kairos(t, "certify-client", "--client-cmd", bin+" client-send", "--rsa-paddings", "pkcs1v15,oaep-sha1,oaep-sha256")
		stdout := output(t, cmd)
		if !strings.Contains(stdout, fmt.Sprintf("CERTIFIED: %d of %d scenarios passed in", clientSuiteSize, clientSuiteSize)) ||
			!strings.Contains(stdout, "RSA paddings pkcs1v15, oaep-sha1, oaep-sha256") {
			t.Errorf("stdout:\n%s", stdout)
		}
		raw, err := os.ReadFile(filepath.Join(cmd.Dir, "reports", certify.JSONReportFile))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(cmd.Dir, "reports", certify.HTMLReportFile)); err != nil {
			t.Error(err)
		}
		var r certify.Report
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Results) != clientSuiteSize || r.Passed != clientSuiteSize || !slices.Equal(r.RSAPaddings, []string{"pkcs1v15", "oaep-sha1", "oaep-sha256"}) {
			t.Errorf("report: %d scenarios, %d passed, paddings %v; want all %d passed with the three paddings", len(r.Results), r.Passed, r.RSAPaddings, clientSuiteSize)
		}
	})
}

// lastLines is the end of a long output.
func lastLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-3):], "\n")
}
