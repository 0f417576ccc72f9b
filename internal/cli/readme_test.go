package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const readmePath = "../../README.md"

// readmeNotRun are the README's runner commands this test does not run,
// each with the reason (and where it is tested instead). Their flags are
// still checked. A key that matches no README command fails the test, so
// the list cannot go stale.
var readmeNotRun = map[string]string{
	"--repeat 20":                    "twenty full runs (the --repeat tests run a small selection)",
	"kairos.staging.example":         "needs your server and your profile",
	"serve --addr 127.0.0.1:8080":    "serves until interrupted (TestServe)",
	"--target http://127.0.0.1:8080": "needs the server of the line before",
	"serve --export served/ --tls":   "serves until interrupted (TestServeExportThenSuiteGreen runs it, then the suite through its profile)",
	"--profile served/profile.yaml":  "needs the server of the line before (TestServeExportThenSuiteGreen)",
	"serve --log-level debug":        "serves until interrupted (TestServeDebugLogsWhy)",
	"kairos-client.jar":              "needs a vendor's client",
	"examples/client-openssl.sh":     "the whole client suite (.ci/run runs it)",
}

// readmeCommand is one runner command of a README code block.
type readmeCommand struct {
	line string   // as written (a for loop expanded)
	args []string // after "go run ./runner", or the image name of docker run
}

// readmeCommands reads the runner commands from README.md's sh blocks:
// "go run ./runner ..." lines (continuations joined, "for i in ...; do
// ...; done" expanded) and the arguments "docker run" hands the image.
func readmeCommands(t *testing.T) (runner, docker []readmeCommand) {
	t.Helper()
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	forLoop := regexp.MustCompile(`^for (\w+) in ([^;]+); do (.*); done`)
	for _, b := range blocks {
		text := strings.ReplaceAll(b[1], "\\\n", " ")
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			lines := []string{line}
			if m := forLoop.FindStringSubmatch(line); m != nil {
				lines = nil
				for _, v := range strings.Fields(m[2]) {
					lines = append(lines, strings.ReplaceAll(m[3], "$"+m[1], v))
				}
			}
			for _, l := range lines {
				words, err := shellWords(l)
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == "./runner":
					runner = append(runner, readmeCommand{line: l, args: words[3:]})
				case len(words) >= 2 && words[0] == "docker" && words[1] == "run":
					for i, w := range words {
						if w == "kairos-conformance" {
							docker = append(docker, readmeCommand{line: l, args: words[i+1:]})
						}
					}
				}
			}
		}
	}
	return runner, docker
}

// TestREADMECommandsRun runs the README's cheap runner commands as written,
// in process, in a temporary directory outside the repository (the
// binary's embedded features and world, and copies of the files the
// commands name: a fresh clone's), in the README's order, so that each
// finds what the ones before it made (keys/, envelope.json, the slices).
// Every command's subcommand and flags must exist; the whole suite, the
// servers and the commands that need your server are only checked.
func TestREADMECommandsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a few small selections and makes a 4096-bit key; -short skips it")
	}
	commands, docker := readmeCommands(t)
	if len(commands) < 10 {
		t.Fatalf("found %d runner commands in README.md", len(commands))
	}
	repoRoot, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	t.Setenv(envTarget, "")
	t.Setenv(envProfile, "")
	used := map[string]bool{}
	ran := 0
	for _, c := range commands {
		flagArgs, _ := cutRedirect(c.args)
		checkRunnerFlags(t, "README.md: "+c.line, flagArgs)
		if reason := notRunReason(c, used); reason != "" {
			t.Logf("not run: %s\n    (%s)", c.line, reason)
			continue
		}
		args := c.args
		if isWholeSelectionRun(args) {
			args = append(args, "--list") // a selection this large is only listed
		}
		args, redirect := cutRedirect(args)
		copyNamedFiles(t, repoRoot, args)
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
		if code != exitOK {
			t.Errorf("README.md: %s\nExpected exit 0, Actual %d\n%s\n%s", c.line, code, tail(stdout.String(), 15), stderr.String())
			continue
		}
		if redirect != "" {
			if err := os.WriteFile(redirect, stdout.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		ran++
		t.Logf("ran: %s", strings.Join(args, " "))
	}
	for key := range readmeNotRun {
		if !used[key] {
			t.Errorf("readmeNotRun: %q matches no README command: remove it", key)
		}
	}
	for _, c := range docker {
		checkRunnerFlags(t, "README.md: "+c.line, c.args)
	}
	t.Logf("%d of %d README runner commands ran", ran, len(commands))
}

func notRunReason(c readmeCommand, used map[string]bool) string {
	if len(c.args) == 0 {
		return "the whole suite: .ci/run's main job and TestFullSuiteEmbeddedAndServedAgree run it"
	}
	for key, reason := range readmeNotRun {
		if strings.Contains(c.line, key) {
			used[key] = true
			return reason
		}
	}
	return ""
}

// isWholeSelectionRun: a suite run selected by tags alone (no --list,
// --name or --shard), which may be most of the suite.
func isWholeSelectionRun(args []string) bool {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return false // a subcommand
	}
	for _, a := range args {
		switch a {
		case "--list", "--name", "--shard":
			return false
		}
	}
	return true
}

// cutRedirect takes "> FILE" off a command: the shell's, done by the test.
func cutRedirect(args []string) ([]string, string) {
	for i, a := range args {
		if a == ">" && i+1 < len(args) {
			return append(append([]string(nil), args[:i]...), args[i+2:]...), args[i+1]
		}
	}
	return args, ""
}

// copyNamedFiles copies every file of the repository an argument names
// (examples/payload.json) into the working directory, at the same path, as
// a fresh clone has it.
func copyNamedFiles(t *testing.T, repoRoot string, args []string) {
	t.Helper()
	for _, a := range args {
		if a == "" || filepath.IsAbs(a) || strings.HasPrefix(a, "-") {
			continue
		}
		src := filepath.Join(repoRoot, a)
		info, err := os.Stat(src)
		if err != nil || info.IsDir() {
			continue
		}
		if _, err := os.Stat(a); err == nil {
			continue // made by an earlier command
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(a), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(a, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
