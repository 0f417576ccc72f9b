package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/hostiletest"
	"github.com/kairos-conformance/kairos-conformance/internal/preflight"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
)

// TestPreflightAgainstMisbehavingTargets: with the preflight on (the
// default), a target that answers the probe cleanly and then misbehaves
// stops the run with exit 2, one line saying what the target did (never a
// profile field blamed), every scenario reported not run with that reason,
// and every report written and valid; no role is listed when that one line
// says it all (the stalling target's 19 "Bad Request" answers before it
// dies are inconclusive, not blamed on the public key). The one that dies
// after the probe
// costs one round of the preflight's requests, one --timeout, where it used
// to cost one --timeout per four roles and end without reports.
func TestPreflightAgainstMisbehavingTargets(t *testing.T) {
	t.Parallel()
	const timeout = 5 * time.Second
	for _, tc := range []struct {
		behaviour hostiletest.Behaviour
		stopped   string // after "runner: stopped: the preflight could not judge the credentials: "
	}{
		{hostiletest.ProbeThenSilent, "the target at URL stopped answering: 3 exchanges in a row got no answer (the last: timeout: no complete answer within 5s)"},
		// 19 roles answered "Bad Request" (inconclusive), then no answer.
		{hostiletest.Stalls, "the target at URL stopped answering: 3 exchanges in a row got no answer (the last: timeout: no complete answer within 5s)"},
		{hostiletest.ProbeThenHTML, "the target at URL is not speaking Kairos: 22 of 22 answers were text/html"},
		{hostiletest.BadUTF8, "22 of 22 roles got no usable answer from the target at URL (failing-dialer: HTTP 200 application/json, JSON that is not valid UTF-8 (RFC 8259 requires it))"},
		{hostiletest.LargeJSON, "22 of 22 roles got no usable answer from the target at URL (failing-dialer: HTTP 200 application/json, a JSON object with api-response-code 400 but no api-response-message string (section 4.1 requires both))"},
	} {
		t.Run(string(tc.behaviour), func(t *testing.T) {
			t.Parallel()
			srv, err := hostiletest.Start(tc.behaviour)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			start := time.Now()
			code, stdout, stderr := runRunner(t, context.Background(), "--target", srv.URL, "--timeout", timeout.String(),
				"--tags", hostileTags, "--reports", dir)
			took := time.Since(start)
			if code != exitUsage {
				t.Errorf("exit %d, want 2\n%s\n%s", code, tail(stdout, 20), stderr)
			}
			want := "runner: stopped: the preflight could not judge the credentials: " + strings.ReplaceAll(tc.stopped, "URL", srv.URL)
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, stderr)
			}
			if strings.Contains(stderr, "flows.") || strings.Contains(stderr, "preflight: FAIL") || strings.Contains(stderr, "preflight: ?") {
				t.Errorf("a profile field is blamed, or roles listed when one line says it all:\n%s", stderr)
			}
			checkCleanText(t, "stdout", []byte(stdout))
			checkCleanText(t, "stderr", []byte(stderr))
			run := readReports(t, dir, reporting.Meta{})
			for _, f := range []string{reporting.CucumberFile, reporting.JUnitFile, reporting.HTMLFile, reporting.SummaryFile} {
				data, _ := os.ReadFile(filepath.Join(dir, f))
				checkCleanText(t, f, data)
			}
			var summary struct{ Stopped string }
			data, _ := os.ReadFile(filepath.Join(dir, reporting.SummaryFile))
			if err := json.Unmarshal(data, &summary); err != nil || !strings.Contains(summary.Stopped, "the preflight could not judge the credentials") {
				t.Errorf("summary.json: %v, stopped %q", err, summary.Stopped)
			}
			c := run.Counts()
			if c.Total == 0 || c.NotRun != c.Total {
				t.Errorf("counts %+v: every scenario should be not run", c)
			}
			for _, sc := range run.Select(reporting.NotRun) {
				if !strings.Contains(sc.Reason, "the preflight could not judge the credentials") {
					t.Errorf("%s: not run for %q", sc.Name, sc.Reason)
					break
				}
			}
			if last := lastLine(stdout); !strings.HasPrefix(last, "STOPPED: 0 passed, 0 failed, 0 skipped, "+itoa(c.Total)+" not run") {
				t.Errorf("last line %q", last)
			}
			if tc.behaviour == hostiletest.ProbeThenSilent {
				// The probe, then one round of the preflight's requests:
				// each costs at most one --timeout, and they run at once.
				most := int64(1 + preflight.DefaultConcurrency + protocol.NoAnswerStreak - 1)
				if n := srv.Requests(); n > most {
					t.Errorf("the target got %d requests, want at most %d: the preflight went on after it stopped answering", n, most)
				}
				// The old preflight waited one --timeout per round of four
				// roles: six of them for the 22 roles.
				if took >= 4*timeout {
					t.Errorf("took %s with --timeout %s, want well under the old 6 × --timeout", took, timeout)
				}
			}
		})
	}
}

// TestCheckProfileAgainstMisbehavingTargets: runner check-profile says what
// a misbehaving target did, exits 2 and blames no profile field.
func TestCheckProfileAgainstMisbehavingTargets(t *testing.T) {
	t.Parallel()
	cs := startCountingServer(t)
	for _, tc := range []struct {
		behaviour hostiletest.Behaviour
		line      string // stderr's last line
		role      string // a role's "!" line
	}{
		{hostiletest.Silent, "runner check-profile: the preflight could not judge the credentials: the target at URL stopped answering: 3 exchanges in a row got no answer",
			"no answer: timeout"},
		{hostiletest.HTML, "runner check-profile: the preflight could not judge the credentials: the target at URL is not speaking Kairos: 22 of 22 answers were text/html",
			"not a JSON object but text/html"},
	} {
		t.Run(string(tc.behaviour), func(t *testing.T) {
			srv, err := hostiletest.Start(tc.behaviour)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			profile := writeProfile(t, cs.World, cs.URL, nil, nil)
			// Not runCommand (t.Setenv): --profile and --target are given.
			const timeout = 2 * time.Second
			var out, errOut bytes.Buffer
			start := time.Now()
			code := Run(context.Background(), []string{"check-profile", "--profile", profile, "--target", srv.URL, "--timeout", timeout.String()},
				strings.NewReader(""), &out, &errOut)
			took := time.Since(start)
			stdout, stderr := out.String(), errOut.String()
			// One round of requests: the first four, and one more for each
			// of the first timeouts before the breaker's third (they are
			// cancelled when it trips). The old check waited for six
			// rounds, one --timeout each.
			if n, most := srv.Accepted(), int64(preflight.DefaultConcurrency+protocol.NoAnswerStreak-1); tc.behaviour == hostiletest.Silent && n > most {
				t.Errorf("the target got %d connections, want at most %d", n, most)
			}
			if tc.behaviour == hostiletest.Silent && took >= 4*timeout {
				t.Errorf("took %s with --timeout %s: more than one round of the preflight", took, timeout)
			}
			if code != exitUsage {
				t.Errorf("exit %d, want 2\n%s\n%s", code, stdout, stderr)
			}
			if want := strings.ReplaceAll(tc.line, "URL", srv.URL); !strings.Contains(stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, stderr)
			}
			if !strings.Contains(stderr, "preflight: !    ") || !strings.Contains(stderr, tc.role) {
				t.Errorf("no role line naming %q:\n%s", tc.role, stderr)
			}
			if strings.Contains(stderr, "flows.") || strings.Contains(stderr, "preflight: FAIL") {
				t.Errorf("a profile field is blamed:\n%s", stderr)
			}
		})
	}
}
