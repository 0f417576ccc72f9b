package certifytest

import (
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/certify"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// BrokenClientPackage is the import path of the broken client command.
const BrokenClientPackage = "github.com/kairos-conformance/kairos-conformance/internal/certify/certifytest/brokenclient"

// BuildBrokenClient builds the broken client into dir and returns its
// path. It is built without -race, whatever the test binary was built
// with: the client's speed is not what is tested.
func BuildBrokenClient(dir string) (string, error) {
	bin := filepath.Join(dir, "brokenclient")
	if out, err := exec.Command("go", "build", "-o", bin, BrokenClientPackage).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// NewRun is a certification of clientCmd against the reference server of
// the embedded world (its 4096-bit flow keys), with the optional RSA
// paddings declared.
func NewRun(tb testing.TB, clientCmd string, paddings ...envelope.Padding) *certify.Run {
	tb.Helper()
	path, err := refserver.FindWorld()
	if err != nil {
		tb.Fatal(err)
	}
	world, err := refserver.LoadWorld(path)
	if err != nil {
		tb.Fatal(err)
	}
	return NewRunIn(tb, world, clientCmd, paddings...)
}

// NewRunIn is NewRun against the reference server of world: tests that
// judge the certification rather than the key size pass testworld's world,
// whose 2048-bit flow keys open six times cheaper.
func NewRunIn(tb testing.TB, world *refserver.World, clientCmd string, paddings ...envelope.Padding) *certify.Run {
	tb.Helper()
	srv, err := refserver.New(world, refserver.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	optional := map[envelope.Padding]http.Handler{}
	for _, p := range paddings {
		if optional[p], err = refserver.New(world, refserver.Options{RSAPadding: p}); err != nil {
			tb.Fatal(err)
		}
	}
	run, err := certify.NewRun(certify.Config{
		ClientCmd:        clientCmd,
		Profile:          world.Profile(""),
		Server:           srv,
		OptionalPaddings: optional,
		Timeout:          20 * time.Second,
		WorkDir:          tb.TempDir(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return run
}
