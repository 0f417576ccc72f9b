package testworld

import (
	"os"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// TestLoadIsTheReferenceWorldWithSmallerKeys: every role is played by the
// same flow with the same security id as in the reference world, each
// with a KeyBits key pair of its own, on disk where the world names it.
func TestLoadIsTheReferenceWorldWithSmallerKeys(t *testing.T) {
	reference, err := refserver.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	w, err := Load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(w.Roles()), len(reference.Roles()); got != want || want == 0 {
		t.Fatalf("%d roles, the reference world has %d", got, want)
	}
	for _, role := range reference.Roles() {
		ref, _ := reference.FlowByRole(role)
		f, ok := w.FlowByRole(role)
		switch {
		case !ok:
			t.Errorf("%s: no flow", role)
		case f.ID != ref.ID || f.SecurityID != ref.SecurityID || f.Kind != ref.Kind:
			t.Errorf("%s: flow %s (%s), the reference world's is %s (%s)", role, f.ID, f.Kind, ref.ID, ref.Kind)
		case f.PublicKey.N.BitLen() != KeyBits:
			t.Errorf("%s: a %d-bit key, want %d", role, f.PublicKey.N.BitLen(), KeyBits)
		case f.PublicKey.Equal(ref.PublicKey):
			t.Errorf("%s: the reference world's key", role)
		}
		for _, file := range []string{f.PublicKeyFile, f.PrivateKeyFile} {
			if _, err := os.Stat(file); err != nil {
				t.Errorf("%s: %v", role, err)
			}
		}
	}
}

// BenchmarkOpen opens one envelope sealed to a healthy flow of each world:
// the reference server's cost per request that this world cuts.
//
//	go test ./internal/testworld/ -run '^$' -bench Open
func BenchmarkOpen(b *testing.B) {
	reference, err := refserver.DefaultWorld()
	if err != nil {
		b.Fatal(err)
	}
	small, err := Load(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []struct {
		name  string
		world *refserver.World
	}{{"reference-4096", reference}, {"testworld-2048", small}} {
		f, _ := w.world.FlowByRole("healthy-multicast")
		env, err := envelope.Seal([]byte(`{"calls":[]}`), f.ID, f.PublicKey, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(w.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := envelope.Open(env, f.PrivateKey, envelope.PKCS1v15); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
