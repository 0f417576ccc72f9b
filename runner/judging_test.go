package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// runWithKnobs runs the tagged scenarios against a reference server with
// fault, through a profile that sets knobs, and returns the exit code, the
// console and junit.xml and report.html.
func runWithKnobs(t *testing.T, fault, tags string, knobs ...string) (code int, stdout, reports string) {
	t.Helper()
	f, err := refserver.ParseFault(fault)
	if err != nil {
		t.Fatal(err)
	}
	url, world := startReference(t, refserver.Options{Fault: f})
	profile := writeProfile(t, world, url, nil, nil, knobs...)
	dir := t.TempDir()
	code, stdout, stderr := runRunner(t, context.Background(), "--profile", profile, "--reports", dir, "--tags", tags)
	if stderr != "" {
		t.Logf("stderr: %s", stderr)
	}
	readReports(t, dir, reporting.Meta{})
	junit, err := os.ReadFile(filepath.Join(dir, reporting.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, reporting.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	return code, stdout, string(junit) + "\n" + string(html)
}

// TestStrictnessKnobDecidesTheExitCode: against a server that answers an
// empty call list with 210 (a [ref] rule read otherwise), strictness
// reference fails the run; documented passes it, with the deviations in the
// console, junit.xml and report.html. The selection is the scenarios the
// fault fails and a family it leaves passing: the suite package's
// whole-suite test shows that no other scenario deviates.
func TestStrictnessKnobDecidesTheExitCode(t *testing.T) {
	t.Parallel()
	const tags = "@status-302,@status-304"
	code, out, _ := runWithKnobs(t, "empty-call-list-as-210", tags)
	if code != exitFailure {
		t.Errorf("strictness reference (default): exit %d, want %d\n%s", code, exitFailure, tail(out, 40))
	}
	code, _, _ = runWithKnobs(t, "empty-call-list-as-210", tags, "strictness: reference")
	if code != exitFailure {
		t.Errorf("strictness: reference: exit %d, want %d", code, exitFailure)
	}
	code, out, reports := runWithKnobs(t, "empty-call-list-as-210", tags, "strictness: documented")
	if code != exitOK {
		t.Errorf("strictness: documented: exit %d, want %d\n%s", code, exitOK, tail(out, 60))
	}
	out += reports
	for _, want := range []string{
		"DEVIATION  features/status_request.feature:",
		"PASSED: ", " from this project's reading\n",
		"DEVIATION (strictness: documented; not a failure)",
		`<section id="deviations">`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the reports lack %q", want)
		}
	}
	// A @doc rule broken the same way still fails under documented.
	code, out, _ = runWithKnobs(t, "wrong-code-202", "@status-202", "strictness: documented")
	if code != exitFailure {
		t.Errorf("a @doc failure under strictness documented: exit %d, want %d\n%s", code, exitFailure, tail(out, 40))
	}
}

// TestMessageCheckKnob: a server whose messages are Phonon's in upper case
// fails under message-check exact (the default) and passes under
// case-insensitive and off; off still checks the code.
func TestMessageCheckKnob(t *testing.T) {
	t.Parallel()
	const tags = "@status-202"
	for _, c := range []struct {
		fault, knob string
		want        int
	}{
		{"upper-case-messages", "", exitFailure},
		{"upper-case-messages", "message-check: exact", exitFailure},
		{"upper-case-messages", "message-check: case-insensitive", exitOK},
		{"upper-case-messages", "message-check: off", exitOK},
		{"wrong-code-202", "message-check: off", exitFailure},
		{"none", "message-check: exact", exitOK},
	} {
		var knobs []string
		if c.knob != "" {
			knobs = append(knobs, c.knob)
		}
		code, out, _ := runWithKnobs(t, c.fault, tags, knobs...)
		if code != c.want {
			t.Errorf("%s, %q: exit %d, want %d\n%s", c.fault, c.knob, code, c.want, tail(out, 40))
		}
		if c.fault == "upper-case-messages" && code == exitFailure && !strings.Contains(out, fmt.Sprintf(`Expected: api-response-message %q for 202, character for character (SPEC.md section 5's table)`, protocol.InvalidSecurityID.Message())) {
			t.Errorf("%q: the failure does not cite SPEC.md section 5:\n%s", c.knob, tail(out, 40))
		}
	}
}
