package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// TestKnownFailingSemantics: a listed failure is "failed as expected" and
// passes the run; a listed scenario that passes fails it.
func TestKnownFailingSemantics(t *testing.T) {
	t.Parallel()
	fault, err := refserver.ParseFault("wrong-code-302")
	if err != nil {
		t.Fatal(err)
	}
	faultyURL, world := startReference(t, refserver.Options{Fault: fault})
	correctURL, _ := startReference(t, refserver.Options{})
	faulty, correct := writeProfile(t, world, faultyURL, nil, nil), writeProfile(t, world, correctURL, nil, nil)
	list := filepath.Join(t.TempDir(), "known-failing.txt")
	os.WriteFile(list, []byte("# the 302 fault\n*/an empty call list is refused with 302 (*)\n"), 0o644)

	// The faulty server answers the preflight's empty call lists with 500:
	// inconclusive, so the runs go on to the scenarios.
	dir := t.TempDir()
	code, stdout, stderr := runRunner(t, context.Background(), "--profile", faulty, "--tags", "@status-302",
		"--known-failing", list, "--reports", dir)
	if code != exitOK {
		t.Errorf("known failures failing: exit %d, want 0\n%s\n%s", code, tail(stdout, 30), stderr)
	}
	if !strings.Contains(stdout, "Failed as expected (known-failing list): 4") {
		t.Errorf("console does not list the expected failures:\n%s", tail(stdout, 30))
	}
	html, _ := os.ReadFile(filepath.Join(dir, reporting.HTMLFile))
	if !strings.Contains(string(html), "failed as expected") {
		t.Errorf("report.html does not show the expected failures")
	}

	code, stdout, _ = runRunner(t, context.Background(), "--profile", correct, "--tags", "@status-302",
		"--known-failing", list, "--reports", t.TempDir())
	if code != exitFailure || !strings.Contains(stdout, "KNOWN FAILURE PASSED") {
		t.Errorf("known failures passing: exit %d, want 1\n%s", code, tail(stdout, 30))
	}

	// Without the list the same faulty server fails the run.
	code, _, _ = runRunner(t, context.Background(), "--profile", faulty, "--tags", "@status-302", "--reports", t.TempDir())
	if code != exitFailure {
		t.Errorf("faulty server without a list: exit %d, want 1", code)
	}
}

// TestEnvironmentAimsTheRun: KAIROS_TARGET and KAIROS_PROFILE stand in for
// the flags (the same variables godog run reads).
func TestEnvironmentAimsTheRun(t *testing.T) {
	url, world := startReference(t, refserver.Options{})
	profile := writeProfile(t, world, "http://127.0.0.1:9", nil, nil) // the environment's target wins
	env := map[string]string{envProfile: profile, envTarget: url}
	var out, errOut bytes.Buffer
	cmd := suiteCommand{getenv: func(k string) string { return env[k] }, now: time.Now, runSuite: runConformanceSuite}
	dir := t.TempDir()
	code := cmd.run(context.Background(), []string{"--tags", "@status-302", "--reports", dir}, &out, &errOut)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, tail(out.String(), 20), errOut.String())
	}
	html, _ := os.ReadFile(filepath.Join(dir, reporting.HTMLFile))
	if !strings.Contains(string(html), url) || !strings.Contains(string(html), profile) {
		t.Errorf("report.html does not name the target %s and profile %s from the environment", url, profile)
	}
}

// TestNameSelectsScenarios: --name narrows a real run, not only --list. An
// outline runs whole (godog selects outlines by line) when a row matches.
func TestNameSelectsScenarios(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runRunner(t, context.Background(), "--name", "^an empty call list is refused with 302 \\(plain dialer", "--reports", dir)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, tail(stdout, 20), stderr)
	}
	run := readReports(t, dir, reporting.Meta{})
	if len(run.Scenarios) != 4 {
		t.Errorf("%d scenarios ran, want the outline's 4 rows", len(run.Scenarios))
	}
	for _, sc := range run.Scenarios {
		if !strings.HasPrefix(sc.Name, "an empty call list is refused with 302 (") {
			t.Errorf("ran %q", sc.Name)
		}
	}
	_, list, _ := runRunner(t, context.Background(), "--list", "--name", "^an empty call list is refused with 302 \\(plain dialer")
	if !strings.HasSuffix(strings.TrimSpace(list), "\n4 scenarios") {
		t.Errorf("--list disagrees with the run:\n%s", list)
	}
}

// Canaries planted where a run handles secrets: the flow's security id
// (through the profile) and an AES key string (through a step).
const (
	canarySecurityID = "CANARY5ecur1ty1d0000000000000000000000000000000000000000000CANARY"
	canaryAESKey     = "CanaryAesK3y"
)

const canaryFeature = `Feature: Canary

  @status-200 @endpoint-encryptdata
  Scenario: encryptdata with a planted key string
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And an encryptdata request for the payload
    And the encryptdata request's "aesKey" is "` + canaryAESKey + `"
    When the encryptdata request is sent
    Then the response code is 200 SUCCESS
    And the envelope encryptdata returned is sent to the encrypted endpoint
    Then the response code is 200 SUCCESS
`

// TestCanarySecretsStayOutOfReports: the payload carries a security id the
// server does not know (so the scenario fails and every piece of evidence
// is attached) sealed with a planted key string; no report, nor the
// console, may carry either. The same run with --no-redact does, which
// proves the canaries reached the reporting path.
func TestCanarySecretsStayOutOfReports(t *testing.T) {
	url, world := startReference(t, refserver.Options{})
	profile := writeProfile(t, world, url, nil, func(role, real string) string {
		if role == "healthy-multicast" {
			return canarySecurityID
		}
		return real
	})
	features := filepath.Join(t.TempDir(), "features")
	os.MkdirAll(features, 0o755)
	os.WriteFile(filepath.Join(features, "canary.feature"), []byte(canaryFeature), 0o644)

	texts := func(noRedact bool) map[string]string {
		dir := t.TempDir()
		// The preflight would refuse the canary security id before the
		// scenario could attach its evidence (TestCheckProfileWrongSecurityID covers that).
		args := []string{"--profile", profile, "--features", features, "--reports", dir, "--no-preflight"}
		if noRedact {
			args = append(args, "--no-redact")
		}
		code, stdout, stderr := runRunner(t, context.Background(), args...)
		if code != exitFailure {
			t.Fatalf("exit %d, want 1 (the canary security id is refused)\n%s\n%s", code, tail(stdout, 30), stderr)
		}
		out := map[string]string{"stdout": stdout, "stderr": stderr}
		for _, name := range []string{reporting.CucumberFile, reporting.JUnitFile, reporting.HTMLFile} {
			data, _ := os.ReadFile(filepath.Join(dir, name))
			out[name] = string(data)
		}
		out["cucumber.json attachments"] = decodedAttachments(t, []byte(out[reporting.CucumberFile]))
		return out
	}
	forms := []string{canarySecurityID, canaryAESKey, base64.StdEncoding.EncodeToString([]byte(canaryAESKey))}
	for where, text := range texts(false) {
		for _, c := range forms {
			if strings.Contains(text, c) {
				t.Errorf("%s carries the canary %q", where, c)
			}
		}
	}
	plain := texts(true)
	for _, c := range []string{canarySecurityID, canaryAESKey} {
		if !strings.Contains(plain["cucumber.json attachments"]+plain[reporting.HTMLFile], c) {
			t.Errorf("with --no-redact the reports lack %q: the canary never reached them", c)
		}
	}
}

func decodedAttachments(t *testing.T, cucumber []byte) string {
	t.Helper()
	var doc []struct {
		Elements []struct {
			Steps []struct {
				Embeddings []struct{ Data string } `json:"embeddings"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(cucumber, &doc); err != nil {
		t.Fatalf("cucumber.json: %v", err)
	}
	var b strings.Builder
	for _, f := range doc {
		for _, e := range f.Elements {
			for _, s := range e.Steps {
				for _, em := range s.Embeddings {
					data, _ := base64.StdEncoding.DecodeString(em.Data)
					b.Write(data)
					b.WriteString("\n")
				}
			}
		}
	}
	return b.String()
}

// TestTLS: a certificate the harness cannot verify is an infrastructure
// error (exit 2, one message, every scenario not run); the profile's
// tls.ca-file makes it trusted.
func TestTLS(t *testing.T) {
	world := referenceWorld(t)
	srv, err := refserver.New(world, refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv)
	hs.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake the harness refuses is expected
	hs.StartTLS()
	t.Cleanup(hs.Close)

	code, stdout, stderr := runRunner(t, context.Background(), "--target", hs.URL, "--tags", "@status-302", "--reports", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, "did not answer the probe: TLS error") || !strings.Contains(stderr, "set tls.ca-file in the profile") ||
		strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stdout, "STOPPED: 0 passed, 0 failed, 0 skipped, 4 not run\n") {
		t.Errorf("untrusted certificate: exit %d, stderr %q\n%s", code, stderr, tail(stdout, 5))
	}

	profile := writeProfile(t, world, hs.URL, nil, nil)
	ca := filepath.Join(filepath.Dir(profile), "ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw})
	if err := os.WriteFile(ca, cert, 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(profile, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("tls:\n  ca-file: ca.pem\n") // relative to the profile
	f.Close()
	code, stdout, stderr = runRunner(t, context.Background(), "--profile", profile, "--tags", "@status-302", "--reports", t.TempDir())
	if code != exitOK {
		t.Errorf("trusted through tls.ca-file: exit %d\n%s\n%s", code, tail(stdout, 20), stderr)
	}
}
