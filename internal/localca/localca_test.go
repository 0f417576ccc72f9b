package localca_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/localca"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestServerCertificateVerifiesForLoopbackOnly(t *testing.T) {
	ca, err := localca.New(now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(ca.CertPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("CertPEM: Expected one CERTIFICATE block, Actual %q", ca.CertPEM)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.CertPEM)
	leaf := ca.Server.Leaf
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: pool, CurrentTime: now}); err != nil {
			t.Errorf("%s: Expected the server certificate to verify, Actual %v", name, err)
		}
	}
	for _, name := range []string{"example.com", "10.0.0.1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: pool, CurrentTime: now}); err == nil {
			t.Errorf("%s: Expected no verification, Actual verified", name)
		}
	}
	// Short-lived: not valid a day and a minute on.
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "localhost", Roots: pool, CurrentTime: now.Add(localca.Validity + time.Minute)}); err == nil {
		t.Error("Expected the certificate to have expired after Validity")
	}
	if got := ca.Cert.NotAfter.Sub(ca.Cert.NotBefore); got > localca.Validity+10*time.Minute {
		t.Errorf("CA validity: Expected at most about %s, Actual %s", localca.Validity, got)
	}
	for what, key := range map[string]any{"CA": ca.Cert.PublicKey, "server": leaf.PublicKey} {
		k, ok := key.(*ecdsa.PublicKey)
		if !ok || k.Curve != elliptic.P256() {
			t.Errorf("%s key: Expected ECDSA P-256, Actual %T", what, key)
		}
	}
	if !ca.Cert.IsCA || !ca.Cert.PermittedDNSDomainsCritical || len(ca.Cert.PermittedIPRanges) == 0 {
		t.Errorf("CA: Expected a CA with critical loopback name constraints, Actual IsCA %v, constraints %v %v",
			ca.Cert.IsCA, ca.Cert.PermittedDNSDomains, ca.Cert.PermittedIPRanges)
	}
}

func TestNoRandomness(t *testing.T) {
	if _, err := localca.New(now, nil); err == nil {
		t.Fatal("Expected an error without a source of randomness")
	}
}
