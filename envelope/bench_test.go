package envelope_test

import (
	"fmt"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// The benchmarks seal and open the published payload (about 300 bytes):
// the RSA operation dominates, so the figures are per envelope, not per byte.

func BenchmarkSeal(b *testing.B) {
	v := loadVector(b)
	for _, bits := range []int{2048, 4096} {
		pub, _ := loadTestKey(b, bits)
		b.Run(fmt.Sprintf("rsa%d", bits), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := envelope.Seal([]byte(v.PayloadJSON), v.FlowID, pub, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	v := loadVector(b)
	for _, bits := range []int{2048, 4096} {
		pub, priv := loadTestKey(b, bits)
		env, err := envelope.Seal([]byte(v.PayloadJSON), v.FlowID, pub, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("rsa%d", bits), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := envelope.Open(env, priv, envelope.PKCS1v15); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
