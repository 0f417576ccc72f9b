package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const (
	ciExamplesDir = "../../examples/ci"
	dockerfile    = "../../Dockerfile"
	runnerPackage = "./runner" // as the repository root names this package
)

// ciSamples stand in for the CI systems' expansions, so that the runner
// sees what it would see in a job.
var ciSamples = strings.NewReplacer(
	"${{ matrix.shard }}", "2",
	"${CI_NODE_INDEX}", "2", "${CI_NODE_TOTAL}", "4",
	"$CI_NODE_INDEX", "2", "$CI_NODE_TOTAL", "4",
)

// TestCIExamplesParseAndNameRealFlags: the GitHub Actions workflow and the
// GitLab CI file are YAML; they build the runner's package once; every
// runner command in them names a subcommand and flags that exist, with
// values the runner accepts; the slices they run are 1..N of N, and the
// merge names every one.
func TestCIExamplesParseAndNameRealFlags(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(ciExamplesDir, "*.yml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("examples/ci: Expected the GitHub and GitLab files, Actual %v %v", files, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("not YAML: %v", err)
			}
			scripts := collectScripts(doc)
			builds, runs, merges := 0, 0, 0
			for _, script := range scripts {
				for _, line := range strings.Split(script, "\n") {
					line = ciSamples.Replace(strings.TrimSpace(line))
					if i := strings.Index(line, "go build"); i >= 0 {
						builds++
						checkBuildsRunner(t, line[i:])
					}
					i := strings.Index(line, "./kairos ")
					if i < 0 {
						continue
					}
					args, err := shellWords(line[i+len("./kairos "):])
					if err != nil {
						t.Fatal(err)
					}
					checkRunnerFlags(t, filepath.Base(file), args)
					switch args[0] {
					case "run":
						runs++
						if _, err := parseSuiteFlags(args[1:], func(string) string { return "" }, &strings.Builder{}); err != nil {
							t.Errorf("%q: the runner refuses it: %v", line, err)
						}
						if !strings.Contains(line, "--shard") {
							t.Errorf("%q: a matrix job that runs no slice", line)
						}
					case "merge-reports":
						merges++
						for n := 1; n <= 4; n++ {
							if !strings.Contains(line, "shard-"+strconv.Itoa(n)) {
								t.Errorf("%q: the merge does not name slice %d", line, n)
							}
						}
					}
				}
			}
			if builds != 1 || runs != 1 || merges != 1 {
				t.Errorf("Expected one build, one slice command and one merge, Actual %d, %d, %d", builds, runs, merges)
			}
			if !strings.Contains(string(data), "junit.xml") || !strings.Contains(string(data), "reports") {
				t.Error("publishes no junit.xml or keeps no reports")
			}
		})
	}
}

// collectScripts returns every run: (GitHub) and script: / before_script:
// (GitLab) text in a CI document.
func collectScripts(node any) []string {
	var out []string
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			switch k {
			case "run":
				if s, ok := v.(string); ok {
					out = append(out, s)
				}
			case "script", "before_script":
				if list, ok := v.([]any); ok {
					for _, item := range list {
						if s, ok := item.(string); ok {
							out = append(out, s)
						}
					}
				}
			}
			out = append(out, collectScripts(v)...)
		}
	case []any:
		for _, v := range n {
			out = append(out, collectScripts(v)...)
		}
	}
	return out
}

// checkBuildsRunner checks a "go build ..." command line: static
// (CGO_ENABLED=0 before it, in the same line or the Dockerfile's RUN) and
// building this package.
func checkBuildsRunner(t *testing.T, cmd string) {
	t.Helper()
	args, err := shellWords(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if len(args) == 0 || args[len(args)-1] != runnerPackage {
		t.Errorf("%q: does not build %s, the runner's package", cmd, runnerPackage)
	}
	main, err := os.ReadFile("../../runner/main.go")
	if err != nil || !strings.Contains(string(main), "package main") || !strings.Contains(string(main), "func main()") {
		t.Errorf("%s is not the runner's main package: %v", runnerPackage, err)
	}
}

// dockerInstruction is one Dockerfile instruction, continuation lines
// joined.
type dockerInstruction struct {
	line int
	cmd  string // upper case: FROM, RUN, ...
	args string
}

func readDockerfile(t *testing.T) []dockerInstruction {
	t.Helper()
	f, err := os.Open(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []dockerInstruction
	var pending *dockerInstruction
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if pending == nil && (text == "" || strings.HasPrefix(text, "#")) {
			continue
		}
		cont := strings.HasSuffix(text, "\\")
		text = strings.TrimSuffix(text, "\\")
		if pending == nil {
			cmd, args, _ := strings.Cut(text, " ")
			pending = &dockerInstruction{line: n, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		} else {
			pending.args += " " + strings.TrimSpace(text)
		}
		if !cont {
			out = append(out, *pending)
			pending = nil
		}
	}
	return out
}

// TestDockerfileLint holds the Dockerfile to what `docker build` (which
// cannot run here: no Docker daemon) would need and to the brief: a
// multi-stage build of this package with the go.mod's Go, static, a
// distroless final stage with CA certificates, a non-root user, the profile
// and reports as volumes, and an entry point whose flags exist.
func TestDockerfileLint(t *testing.T) {
	ins := readDockerfile(t)
	goVersion := goModMinor(t)
	var stages []string
	var buildOutput, binary, entry string
	var user, volumes, cmd string
	for _, in := range ins {
		where := "Dockerfile:" + strconv.Itoa(in.line)
		switch in.cmd {
		case "FROM":
			f := strings.Fields(in.args)
			image := f[0]
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				stages = append(stages, f[2])
			} else {
				stages = append(stages, "")
			}
			if len(stages) == 1 && image != "golang:"+goVersion && !strings.HasPrefix(image, "golang:"+goVersion+"-") {
				t.Errorf("%s: the build stage is %s, go.mod asks for Go %s", where, image, goVersion)
			}
		case "COPY":
			f := strings.Fields(in.args)
			if strings.HasPrefix(f[0], "--from=") {
				from := strings.TrimPrefix(f[0], "--from=")
				if !contains(stages[:len(stages)-1], from) {
					t.Errorf("%s: COPY --from=%s: no earlier stage of that name (stages %q)", where, from, stages)
				}
				if f[1] != buildOutput {
					t.Errorf("%s: copies %s, the build writes %s", where, f[1], buildOutput)
				}
				binary = f[2]
				continue
			}
			for _, src := range f[:len(f)-1] {
				if _, err := os.Stat(filepath.Join("..", "..", src)); err != nil {
					t.Errorf("%s: COPY %s: %v", where, src, err)
				}
			}
		case "RUN":
			i := strings.Index(in.args, "go build")
			if i < 0 {
				continue
			}
			if !strings.Contains(in.args[:i], "CGO_ENABLED=0") {
				t.Errorf("%s: the build is not static (CGO_ENABLED=0)", where)
			}
			checkBuildsRunner(t, in.args[i:])
			if m := regexp.MustCompile(`-o\s+(\S+)`).FindStringSubmatch(in.args); m != nil {
				buildOutput = m[1]
			}
		case "USER":
			user = in.args
		case "VOLUME":
			volumes = in.args
		case "ENTRYPOINT":
			entry = in.args
		case "CMD":
			cmd = in.args
		}
	}
	if len(stages) < 2 || stages[0] == "" {
		t.Errorf("Expected a named build stage and a final stage, Actual stages %q", stages)
	}
	if last := lastFrom(ins); !strings.Contains(last, "distroless/static") {
		t.Errorf("the final stage is %s: want distroless static (CA certificates, no shell)", last)
	}
	uid, _, _ := strings.Cut(user, ":")
	if user == "" || uid == "root" || uid == "0" {
		t.Errorf("USER %q: the image must run as a non-root user", user)
	}
	if n, err := strconv.Atoi(uid); err == nil && n == 0 {
		t.Errorf("USER %q is root", user)
	}
	if binary == "" || !strings.Contains(entry, `"`+binary+`"`) {
		t.Errorf("ENTRYPOINT %s does not run the copied binary %s", entry, binary)
	}
	for _, v := range []string{"/profile", "/reports"} {
		if !strings.Contains(volumes, `"`+v+`"`) {
			t.Errorf("VOLUME %s: want %s a volume", volumes, v)
		}
	}
	var cmdArgs []string
	if err := yaml.Unmarshal([]byte(cmd), &cmdArgs); err != nil || len(cmdArgs) == 0 {
		t.Fatalf("CMD %s: want an exec-form list: %v", cmd, err)
	}
	checkRunnerFlags(t, "Dockerfile CMD", cmdArgs)
	if _, err := parseSuiteFlags(cmdArgs, func(string) string { return "" }, &strings.Builder{}); err != nil {
		t.Errorf("CMD %s: the runner refuses it: %v", cmd, err)
	}
	if !strings.Contains(cmd, `"/reports"`) {
		t.Errorf("CMD %s: the reports do not go to the /reports volume", cmd)
	}
	ignore, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(ignore), "\n") {
		for _, needed := range []string{"go.mod", "go.sum", "runner", "features", "fixtures", "*.go", "**/*.go"} {
			if strings.TrimSpace(line) == needed || strings.TrimSpace(line) == needed+"/" {
				t.Errorf(".dockerignore excludes %s, which the build needs", needed)
			}
		}
	}
}

func lastFrom(ins []dockerInstruction) string {
	last := ""
	for _, in := range ins {
		if in.cmd == "FROM" {
			last = strings.Fields(in.args)[0]
		}
	}
	return last
}

// goModMinor is go.mod's go directive as major.minor ("1.26").
func goModMinor(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(string(data))
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	return m[1]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
