package cli

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"testing"
)

// binaries are the runner and the test-only broken client, built once (on
// first use) for every test that runs them as processes.
var binaries struct {
	once           sync.Once
	dir            string
	runner, broken string
	err            error
}

// minParallel is how many tests here run at once unless -parallel says
// otherwise: most of them wait on servers, paced requests and client
// processes rather than compute, so the default (one per CPU) leaves the
// CPUs idle while a paced run or a certification waits.
const minParallel = 4

func TestMain(m *testing.M) {
	flag.Parse()
	if os.Getenv("GOGC") == "" {
		// Less frequent collections (GOGC 400): the in-process runs of the
		// suite spend a tenth of their CPU in the collector at the default;
		// the binaries this package starts keep their own settings.
		debug.SetGCPercent(400)
	}
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if p := flag.Lookup("test.parallel"); p != nil && !explicit && runtime.GOMAXPROCS(0) < minParallel {
		p.Value.Set(strconv.Itoa(minParallel))
	}
	code := m.Run()
	if binaries.dir != "" {
		os.RemoveAll(binaries.dir)
	}
	os.Exit(code)
}

// builtBinaries returns the paths of the runner binary (whose client-send
// is the reference client) and the broken client.
func builtBinaries(t *testing.T) (runnerBin, brokenBin string) {
	t.Helper()
	binaries.once.Do(func() {
		if binaries.dir, binaries.err = os.MkdirTemp("", "runner-test-"); binaries.err != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", binaries.dir+string(filepath.Separator), "../../runner", "../../internal/certify/certifytest/brokenclient")
		if out, err := cmd.CombinedOutput(); err != nil {
			binaries.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		binaries.runner, binaries.broken = filepath.Join(binaries.dir, "runner"), filepath.Join(binaries.dir, "brokenclient")
	})
	if binaries.err != nil {
		t.Fatal(binaries.err)
	}
	return binaries.runner, binaries.broken
}
