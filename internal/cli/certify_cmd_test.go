package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/certify"
	"github.com/kairos-conformance/kairos-conformance/internal/spec"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// clientSuiteSize is the number of client scenarios, with the second run
// of those with non-ASCII payloads under LC_ALL=C: certification is all of
// them, so a change to it must be deliberate. optionalScenarios of them
// are OAEP, skipped unless --rsa-paddings declares it.
const (
	clientSuiteSize   = 54
	optionalScenarios = 2
)

// certifyResult is one certify-client run: its exit code, console and report.
type certifyResult struct {
	code           int
	stdout, stderr string
	report         certify.Report
	raw            string // certification.json as written
	html           string
	elapsed        time.Duration
}

func runCertify(t *testing.T, args ...string) certifyResult {
	t.Helper()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := Run(t.Context(), append([]string{"certify-client", "--reports", dir}, args...), strings.NewReader(""), &stdout, &stderr)
	res := certifyResult{code: code, stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	raw, err := os.ReadFile(filepath.Join(dir, certify.JSONReportFile))
	if err != nil {
		t.Fatalf("exit %d, no JSON report: %v\nstdout:\n%s\nstderr:\n%s", code, err, res.stdout, res.stderr)
	}
	html, err := os.ReadFile(filepath.Join(dir, certify.HTMLReportFile))
	if err != nil {
		t.Fatalf("no HTML report: %v", err)
	}
	res.raw, res.html = string(raw), string(html)
	if err := json.Unmarshal(raw, &res.report); err != nil {
		t.Fatal(err)
	}
	if n := len(res.report.Results); n != clientSuiteSize {
		t.Errorf("the report has %d scenarios, want %d", n, clientSuiteSize)
	}
	return res
}

// TestCertifyClient certifies, through the command and against the real
// world's 4096-bit flow keys, the reference client, the shell example, a
// test-only broken client and misbehaving commands, side by side (each
// certification mostly waits on the client processes it starts).
func TestCertifyClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and certifies clients")
	}
	t.Parallel()
	runnerBin, brokenBin := builtBinaries(t)

	// The longest first: the example's openssl and curl processes.
	// One certification, with oaep-sha256 declared: its scenarios are those
	// of the run without the declaration, each run the same way, plus the
	// one that seals with oaep-sha256 (a skipped scenario never fails a
	// certification), so it proves both: README's command (.ci/run runs it
	// as written) and the example's OAEP. OAEP skipped when not declared is
	// the reference client's certification below.
	t.Run("shell example with oaep-sha256", func(t *testing.T) {
		t.Parallel()
		for _, tool := range []string{"sh", "openssl", "curl"} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Skipf("the example needs %s: %v", tool, err)
			}
		}
		script, err := filepath.Abs("../../examples/client-openssl.sh")
		if err != nil {
			t.Fatal(err)
		}
		res := runCertify(t, "--client-cmd", "sh '"+script+"'", "--vendor", "Example", "--client-version", "sh+openssl", "--rsa-paddings", "pkcs1v15,oaep-sha256")
		if res.code != exitOK || res.report.Skipped != 1 {
			t.Fatalf("with oaep-sha256: exit %d, %d skipped, want 0 and 1 (oaep-sha1)\n%s\n%s", res.code, res.report.Skipped, res.stdout, res.stderr)
		}
	})

	t.Run("reference client certifies", func(t *testing.T) {
		t.Parallel()
		res := runCertify(t, "--client-cmd", runnerBin+" client-send", "--vendor", "Phonon", "--client-version", "reference")
		t.Logf("reference client certified in %s", res.elapsed.Round(time.Millisecond))
		if res.code != exitOK {
			t.Fatalf("exit %d, want 0\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		r := res.report
		if !r.Certified || r.Verdict != "certified" || r.Passed != clientSuiteSize-optionalScenarios || r.Failed != 0 || r.Skipped != optionalScenarios {
			t.Errorf("report: certified %v, verdict %q, %d passed, %d failed, %d skipped", r.Certified, r.Verdict, r.Passed, r.Failed, r.Skipped)
		}
		if r.Vendor != "Phonon" || r.ClientVersion != "reference" || r.HarnessVersion == "" || r.SpecDigest != spec.Digest() || r.Date.IsZero() || !r.Redacted {
			t.Errorf("report header: %+v", r)
		}
		if !strings.Contains(res.stdout, "CERTIFIED: 52 of 54 scenarios passed (2 skipped: optional, not declared)") || !strings.Contains(res.html, "certified") {
			t.Errorf("console:\n%s", res.stdout)
		}
	})

	// The reference client certifying OAEP when declared: the runner binary
	// does it outside the repository (TestBinaryOutsideTheRepository).

	// A broken client through the command: its exit code, console and
	// report files, and this mode's diagnosis. Every other broken mode is
	// judged in internal/certify (TestBrokenClientsFailWithTheirDiagnosis),
	// in-process, on the report this command writes and the summary it
	// prints.
	t.Run("broken client raw-aes-key", func(t *testing.T) {
		t.Parallel()
		const (
			mistake   = "aes-key-raw"
			diagnosis = "spec 3 step 4: the AES key must be SHA-256(base64(k))[:16], base64(k) being exactly what the RSA value carries; the ciphertext decrypts with the raw key string k instead"
		)
		res := runCertify(t, "--client-cmd", brokenBin+" -mode raw-aes-key")
		if res.code != exitFailure {
			t.Fatalf("exit %d, want 1\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		if res.report.Certified || !strings.Contains(res.stdout, "NOT CERTIFIED") {
			t.Errorf("not reported as not certified:\n%s", res.stdout)
		}
		if !strings.Contains(res.stdout, diagnosis) {
			t.Errorf("the console lacks the diagnosis %q:\n%s", diagnosis, res.stdout)
		}
		var diagnosed, otherMistakes int
		for _, sc := range res.report.Results {
			switch {
			case sc.Verdict == certify.VerdictPassed, sc.Verdict == certify.VerdictSkipped:
			case slices.Contains(sc.Mistakes, mistake) && strings.Contains(sc.Diagnosis, diagnosis):
				diagnosed++
			default:
				otherMistakes++
				t.Errorf("%s failed otherwise: %v\n%s", sc.Name, sc.Mistakes, sc.Diagnosis)
			}
		}
		if diagnosed == 0 || otherMistakes > 0 {
			t.Errorf("%d scenarios diagnosed %s, %d otherwise", diagnosed, mistake, otherMistakes)
		}
		if !strings.Contains(res.html, htmlEscape(diagnosis)) {
			t.Errorf("the HTML report lacks the diagnosis")
		}
	})

	misbehaving := []struct {
		name, cmd, timeout string
		diagnosis          []string
	}{
		{"hanging client", "sleep 60", "300ms", []string{"the client hung: no exit within 300ms (killed)"}},
		{"crashing client", "echo 'NullPointerException at Client.seal' >&2; exit 3", "10s", []string{"the client crashed: exit status 3; its stderr ends:", "NullPointerException at Client.seal"}},
		{"garbage client", "echo hello", "10s", []string{`the client printed garbage, not JSON: "hello"`}},
	}
	for _, mc := range misbehaving {
		t.Run(mc.name, func(t *testing.T) {
			t.Parallel()
			res := runCertify(t, "--client-cmd", mc.cmd, "--timeout", mc.timeout)
			if res.code != exitFailure {
				t.Fatalf("exit %d, want 1\n%s\n%s", res.code, res.stdout, res.stderr)
			}
			for _, d := range mc.diagnosis {
				if !strings.Contains(res.stdout, d) || !strings.Contains(res.raw, jsonEscape(d)) {
					t.Errorf("console or report lacks %q:\n%s", d, res.stdout)
				}
			}
			for _, sc := range res.report.Results {
				if sc.Verdict == certify.VerdictSkipped {
					continue // the optional OAEP scenarios
				}
				if sc.Verdict == certify.VerdictPassed || sc.Diagnosis == "" {
					t.Errorf("%s: %s with diagnosis %q", sc.Name, sc.Verdict, sc.Diagnosis)
				}
			}
			// A misbehaving client must not stall the run: a crash or
			// garbage ends its run at once, and after a few hangs the
			// client's later runs are not started. Counted from the runs'
			// lines rather than timed, which would measure the machine;
			// the bound on the whole is only a backstop, far above any
			// machine's time for a run that does not stall.
			hung, notRun := 0, 0
			for _, sc := range res.report.Results {
				for _, r := range sc.Runs {
					if strings.Contains(r, ": hung, killed after ") {
						hung++
					}
					if strings.Contains(r, ": not run") {
						notRun++
					}
				}
			}
			switch {
			case mc.name == "hanging client" && (hung == 0 || notRun == 0 || hung > notRun):
				t.Errorf("%d client runs hung, %d were not started: after a few hangs the later runs must not be started", hung, notRun)
			case mc.name != "hanging client" && hung > 0:
				t.Errorf("%d client runs hung: a client that exits must not be waited for", hung)
			}
			if res.elapsed > 2*time.Minute {
				t.Errorf("took %s: a misbehaving client must not stall the run", res.elapsed)
			}
		})
	}

	t.Run("secrets stay out of the reports", func(t *testing.T) {
		t.Parallel()
		// The leaky client prints its key string and the payload (security
		// id, phone numbers) to stderr and crashes: the crash is reported,
		// the secrets are not.
		path, err := refserver.FindWorld()
		if err != nil {
			t.Fatal(err)
		}
		world, err := refserver.LoadWorld(path)
		if err != nil {
			t.Fatal(err)
		}
		prof := world.Profile("")
		canaries := append(prof.Secrets(), "leaky-key-string-", "bGVha3kta2V5LXN0cmluZy", "PRIVATE KEY")
		canaries = append(canaries, prof.Phones.Whitelisted...)
		res := runCertify(t, "--client-cmd", brokenBin+" -mode leak-and-crash")
		if res.code != exitFailure || !strings.Contains(res.stdout, "the client crashed: exit status 3") {
			t.Fatalf("exit %d, want 1 with the crash reported\n%s", res.code, res.stdout)
		}
		for _, c := range canaries {
			for name, text := range map[string]string{"console": res.stdout + res.stderr, "JSON": res.raw, "HTML": res.html} {
				if strings.Contains(text, c) {
					t.Errorf("the %s report shows the secret %q", name, c)
				}
			}
		}
		// Without redaction the same run shows them: the canaries are real.
		res = runCertify(t, "--client-cmd", brokenBin+" -mode leak-and-crash", "--no-redact")
		if !strings.Contains(res.raw, "leaky-key-string-") || !strings.Contains(res.raw, prof.Flows["healthy-multicast"].SecurityID) || res.report.Redacted {
			t.Errorf("--no-redact: the key string or security id is missing from the report")
		}
	})
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "+", "&#43;").Replace(s)
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func TestCertifyClientUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--client-cmd", "true", "--tags", "@client"}, exitUsage, "--tags is not allowed: certification is the whole client suite or nothing"},
		{[]string{"--client-cmd", "true", "--known-failing", "known.txt"}, exitUsage, "--known-failing is not allowed"},
		{[]string{"--client-cmd", "true", "--name", "One call"}, exitUsage, "--name is not allowed"},
		{[]string{}, exitUsage, "--client-cmd is required"},
		{[]string{"--client-cmd", "java", "-jar", "x.jar"}, exitUsage, `flag provided but not defined: -jar (if it belongs to the client command, quote the command`},
		{[]string{"--client-cmd", "java", "client.jar"}, exitUsage, `unexpected argument "client.jar"`},
		{[]string{"--client-cmd", "true", "--timeout", "0s"}, exitUsage, "--timeout"},
		{[]string{"--client-cmd", "true", "--rsa-paddings", "oaep-sha256"}, exitUsage, `--rsa-paddings: "oaep-sha256" lacks pkcs1v15: the spec's padding is required of every client`},
		{[]string{"--client-cmd", "true", "--rsa-paddings", "pkcs1v15,oaep"}, exitUsage, `--rsa-paddings: unknown RSA padding "oaep"`},
		{[]string{"--client-cmd", "true", "--rsa-paddings", "pkcs1v15,pkcs1v15"}, exitUsage, "--rsa-paddings: pkcs1v15 is listed twice"},
		{[]string{"-h"}, exitOK, "Certification is the whole client suite or nothing"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := Run(t.Context(), append([]string{"certify-client"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit %d and %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
	}
}

func TestClientSendNeedsItsEnvironment(t *testing.T) {
	for _, name := range []string{certify.EnvURL, certify.EnvBaseURL, certify.EnvFlowID, certify.EnvPublicKeyFile, certify.EnvPayloadFile} {
		t.Setenv(name, "")
	}
	var stdout, stderr bytes.Buffer
	code := Run(t.Context(), []string{"client-send"}, strings.NewReader(""), &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "KAIROS_FLOW_ID, KAIROS_PUBLIC_KEY_FILE, KAIROS_PAYLOAD_FILE, KAIROS_URL not set") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestCertifyClientInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // Ctrl-C before the first scenario
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := Run(ctx, []string{"certify-client", "--client-cmd", "true", "--reports", dir}, strings.NewReader(""), &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "the run was interrupted") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	var r certify.Report
	raw, err := os.ReadFile(filepath.Join(dir, certify.JSONReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &r); err != nil || r.Certified || r.Problem == "" {
		t.Errorf("report: certified %v, problem %q (%v)", r.Certified, r.Problem, err)
	}
}
