package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/hostiletest"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// wrongSecurityID replaces healthy-dialer's security-id in a profile: a
// value that must appear in no output and no report.
const wrongSecurityID = "5ec2e7000000000000000000000000000000000000000000000000000000dead"

func wrongHealthyDialer(role, real string) string {
	if role == "healthy-dialer" {
		return wrongSecurityID
	}
	return real
}

// reportFiles are the files a run writes, summary.json included.
var reportFiles = []string{reporting.CucumberFile, reporting.JUnitFile, reporting.HTMLFile, reporting.SummaryFile}

// checkNoSecret fails if the wrong security-id shows anywhere.
func checkNoSecret(t *testing.T, dir string, outputs ...string) {
	t.Helper()
	for _, out := range outputs {
		if strings.Contains(out, wrongSecurityID) {
			t.Errorf("the console shows the security-id")
		}
	}
	for _, f := range reportFiles {
		if data, _ := os.ReadFile(filepath.Join(dir, f)); strings.Contains(string(data), wrongSecurityID) {
			t.Errorf("%s shows the security-id", f)
		}
	}
}

// readSummary reads summary.json's stopped reason and notes.
func readSummary(t *testing.T, dir string) (stopped string, notes []string) {
	t.Helper()
	var s struct {
		Stopped string
		Notes   []string
	}
	data, err := os.ReadFile(filepath.Join(dir, reporting.SummaryFile))
	if err == nil {
		err = json.Unmarshal(data, &s)
	}
	if err != nil {
		t.Fatalf("summary.json: %v", err)
	}
	return s.Stopped, s.Notes
}

// TestRefusedPreflightWritesEveryReport: a run whose preflight finds one
// wrong security-id stops before any scenario with exit 2 and one FAIL
// line naming the role and the field, as before, and now also writes
// every report (CI gates on them in every exit path): each scenario not
// run, for a reason naming the role and the field, never the value; the
// refusal itself in the notes; no call placed.
func TestRefusedPreflightWritesEveryReport(t *testing.T) {
	t.Parallel()
	cs := startCountingServer(t)
	profile := writeProfile(t, cs.World, cs.URL, nil, wrongHealthyDialer)
	roles := len(cs.World.Profile(cs.URL).Roles())
	dir := t.TempDir()
	code, stdout, stderr := runRunner(t, context.Background(), "--profile", profile, "--tags", "@status-302", "--reports", dir)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, tail(stdout, 20), stderr)
	}
	var fails []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "preflight: FAIL ") {
			fails = append(fails, l)
		}
	}
	if len(fails) != 1 || !strings.Contains(fails[0], "healthy-dialer") || !strings.Contains(fails[0], "flows.healthy-dialer.security-id") {
		t.Errorf("FAIL lines %q: want one, naming healthy-dialer and its security-id", fails)
	}
	reason := "the preflight refused the profile's credentials (1 of " + itoa(roles) + " roles): healthy-dialer got 202 INVALID_SECURITY_ID (check flows.healthy-dialer.security-id)"
	if !strings.Contains(stderr, "runner: stopped: "+reason+"\n") {
		t.Errorf("stderr does not say %q:\n%s", reason, stderr)
	}
	run := readReports(t, dir, reporting.Meta{})
	c := run.Counts()
	if c.Total != 4 || c.NotRun != c.Total {
		t.Errorf("counts %+v: want the 4 selected scenarios, every one not run", c)
	}
	for _, sc := range run.Scenarios {
		if sc.Reason != reason {
			t.Errorf("%s: not run for %q, want %q", sc.Name, sc.Reason, reason)
		}
	}
	stopped, notes := readSummary(t, dir)
	if stopped != reason || len(notes) != 1 || notes[0] != fails[0] {
		t.Errorf("summary.json: stopped %q, notes %q: want the reason and the FAIL line", stopped, notes)
	}
	if last := lastLine(stdout); last != "STOPPED: 0 passed, 0 failed, 0 skipped, 4 not run" {
		t.Errorf("last line %q", last)
	}
	checkNoSecret(t, dir, stdout, stderr)
	// The probe and one request per role; no scenario sent anything.
	if requests, accepted := cs.counts(); requests != 1+roles || accepted != 0 {
		t.Errorf("the server got %d requests (want %d) and accepted %d calls", requests, 1+roles, accepted)
	}
}

// TestCheckProfileReports: check-profile writes no report unless asked
// (it is the quick check before a run, and must not replace the last run's
// reports/); with --reports DIR it writes the files a run writes, one
// testcase per role, judged and redacted as a run's: a refused role failed
// with Expected / Actual and the field to check, and a target that
// misbehaves leaves every role not run, with what it did.
func TestCheckProfileReports(t *testing.T) {
	cs := startCountingServer(t)
	profile := writeProfile(t, cs.World, cs.URL, nil, wrongHealthyDialer)
	roles := len(cs.World.Profile(cs.URL).Roles())

	cwd := t.TempDir()
	t.Chdir(cwd)
	if code, stdout, stderr := runCommand(t, "check-profile", "--profile", profile); code != exitUsage || strings.Contains(stdout, "Reports:") {
		t.Fatalf("exit %d, want 2 and no reports\n%s\n%s", code, stdout, stderr)
	}
	if entries, _ := os.ReadDir(cwd); len(entries) != 0 {
		t.Errorf("check-profile without --reports wrote %v", entries)
	}

	dir := filepath.Join(t.TempDir(), "preflight")
	code, stdout, stderr := runCommand(t, "check-profile", "--profile", profile, "--reports", dir)
	if code != exitUsage || !strings.Contains(stdout, "Reports: "+filepath.Join(dir, reporting.CucumberFile)) {
		t.Fatalf("exit %d, want 2 and the reports' paths\n%s\n%s", code, stdout, stderr)
	}
	run := readReports(t, dir, reporting.Meta{})
	if c := run.Counts(); c.Total != roles || c.Passed != roles-1 || c.Failed != 1 {
		t.Errorf("counts %+v: want %d roles, one failed", c, roles)
	}
	for _, sc := range run.Select(reporting.Failed) {
		msg := ""
		if st := sc.FailedStep(); st != nil {
			msg = st.Error
		}
		if !strings.HasPrefix(sc.Name, "healthy-dialer ") || !strings.Contains(msg, "Expected: 302 EMPTY_CALL_LIST\nActual:   202 INVALID_SECURITY_ID (HTTP 200)\nCheck:    flows.healthy-dialer.security-id") {
			t.Errorf("failed %q:\n%s", sc.Name, msg)
		}
	}
	checkNoSecret(t, dir, stdout, stderr)

	srv, err := hostiletest.Start(hostiletest.HTML)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir = t.TempDir()
	code, stdout, stderr = runCommand(t, "check-profile", "--profile", profile, "--target", srv.URL, "--reports", dir)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, stdout, stderr)
	}
	run = readReports(t, dir, reporting.Meta{})
	if c := run.Counts(); c.Total != roles || c.NotRun != roles {
		t.Errorf("counts %+v: want every role not run", c)
	}
	for _, sc := range run.Scenarios {
		if !strings.Contains(sc.Reason, "not a JSON object but text/html") || strings.Contains(sc.Reason, "flows.") {
			t.Errorf("%s: not run for %q: want what came back, no profile field", sc.Name, sc.Reason)
			break
		}
	}
	if stopped, _ := readSummary(t, dir); !strings.Contains(stopped, "is not speaking Kairos: "+itoa(roles)+" of "+itoa(roles)+" answers were text/html") {
		t.Errorf("summary.json stopped %q", stopped)
	}
}

// TestPreflightHiccupDoesNotStopTheRun: one request of the preflight's
// that gets no answer (a reset, or silence until --timeout) is sent again,
// and the run goes on and passes; the preflight's line says so.
// check-profile lists the role as ok, sent again.
func TestPreflightHiccupDoesNotStopTheRun(t *testing.T) {
	t.Parallel()
	said := map[hostiletest.Hiccup]string{
		hostiletest.HiccupReset:   "connection reset by the target",
		hostiletest.HiccupSilence: "timeout: no complete answer within 2s",
	}
	for _, how := range []hostiletest.Hiccup{hostiletest.HiccupReset, hostiletest.HiccupSilence} {
		t.Run(string(how), func(t *testing.T) {
			t.Parallel()
			world := smallWorld(t)
			h, err := refserver.New(world, refserver.Options{KeyBits: 2048})
			if err != nil {
				t.Fatal(err)
			}
			// Request 1 is the probe; 2 is the preflight's first.
			hs := hostiletest.NewHiccups(h, how, 2)
			ts := httptest.NewServer(hs)
			t.Cleanup(ts.Close)
			t.Cleanup(hs.Close)
			profile := writeProfile(t, world, ts.URL, nil, nil)
			dir := t.TempDir()
			code, stdout, stderr := runRunner(t, context.Background(), "--profile", profile, "--tags", "@status-302",
				"--reports", dir, "--timeout", (2 * time.Second).String())
			if code != exitOK || hs.Failed() != 1 {
				t.Fatalf("exit %d, %d requests unanswered: want 0 after one\n%s\n%s", code, hs.Failed(), tail(stdout, 20), stderr)
			}
			if !strings.Contains(stdout, "1 sent again after no answer).") || strings.Contains(stderr, "stopped") {
				t.Errorf("the preflight's line does not say one request was sent again, or the run stopped:\n%s\n%s", tail(stdout, 30), stderr)
			}
			if c := readReports(t, dir, reporting.Meta{}).Counts(); c.Passed != 4 {
				t.Errorf("counts %+v, want the 4 scenarios passed", c)
			}

			// check-profile sends no probe: its first request hiccups.
			// Not runCommand (t.Setenv): --profile and --target are given.
			hs2 := hostiletest.NewHiccups(h, how, 1)
			ts2 := httptest.NewServer(hs2)
			t.Cleanup(ts2.Close)
			t.Cleanup(hs2.Close)
			var out, errOut bytes.Buffer
			code = Run(context.Background(), []string{"check-profile", "--profile", profile, "--target", ts2.URL, "--timeout", "2s"}, strings.NewReader(""), &out, &errOut)
			if code != exitOK || !strings.Contains(out.String(), "as expected (sent again: the first attempt got "+said[how]) {
				t.Errorf("check-profile: exit %d, want 0 and a role sent again after %q\n%s\n%s", code, said[how], out.String(), errOut.String())
			}
		})
	}
}
