// Package localca makes a throwaway certificate authority and, signed by
// it, a certificate for a server on loopback, so that `runner serve --tls`
// can serve HTTPS and a profile's tls.ca-file can be tried end to end
// without any real PKI.
//
// The authority is deliberately weak in reach: its key never leaves memory
// (only its certificate is written, for clients to trust), it is valid for
// Validity only, and its name constraints let it vouch for loopback names
// alone (localhost, 127.0.0.0/8, ::1), so trusting its certificate by
// mistake exposes nothing else.
package localca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"time"
)

const (
	// Validity is how long the authority and the server certificate are
	// valid: one working session.
	Validity = 24 * time.Hour
	// clockSkew backdates NotBefore, so that a client whose clock is a
	// little behind still accepts the certificate.
	clockSkew = 5 * time.Minute
	// serialBits is the size of the random serial numbers (RFC 5280 allows
	// up to 20 octets; CA/B rules ask for at least 64 random bits).
	serialBits = 128
)

// ServerNames are the names the server certificate is valid for.
var ServerNames = []string{"localhost"}

// ServerIPs are the addresses the server certificate is valid for.
var ServerIPs = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}

// Authority is a fresh CA and a server certificate it signed.
type Authority struct {
	// CertPEM is the CA's certificate, PEM: what a client trusts
	// (a profile's tls.ca-file).
	CertPEM []byte
	// Cert is the CA's certificate, parsed.
	Cert *x509.Certificate
	// Server is the loopback server's certificate chain and key, for a
	// tls.Config.
	Server tls.Certificate
}

// New makes an authority valid from now for Validity, with keys drawn from
// random (crypto/rand.Reader in production), ECDSA P-256 throughout.
func New(now time.Time, random io.Reader) (*Authority, error) {
	if random == nil {
		return nil, errors.New("localca: no source of randomness")
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), random)
	if err != nil {
		return nil, fmt.Errorf("localca: CA key: %w", err)
	}
	notBefore, notAfter := now.Add(-clockSkew), now.Add(Validity)
	caTemplate := &x509.Certificate{
		SerialNumber:          serial(random),
		Subject:               pkix.Name{CommonName: "kairos-conformance runner serve --tls (TEST ONLY)"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		// Loopback only, marked critical: a client that cannot read the
		// constraints must refuse the authority rather than trust it
		// for any name.
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         ServerNames,
		PermittedIPRanges: []*net.IPNet{
			{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)},
			{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
		},
	}
	caDER, err := x509.CreateCertificate(random, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("localca: CA certificate: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("localca: CA certificate: %w", err)
	}

	serverKey, err := ecdsa.GenerateKey(elliptic.P256(), random)
	if err != nil {
		return nil, fmt.Errorf("localca: server key: %w", err)
	}
	serverTemplate := &x509.Certificate{
		SerialNumber: serial(random),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     ServerNames,
		IPAddresses:  ServerIPs,
	}
	serverDER, err := x509.CreateCertificate(random, serverTemplate, caCert, &serverKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("localca: server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(serverDER)
	if err != nil {
		return nil, fmt.Errorf("localca: server certificate: %w", err)
	}
	return &Authority{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		Cert:    caCert,
		Server:  tls.Certificate{Certificate: [][]byte{serverDER}, PrivateKey: serverKey, Leaf: leaf},
	}, nil
}

// ServerConfig is a TLS configuration serving the server certificate:
// TLS 1.2 at least.
func (a *Authority) ServerConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{a.Server}, MinVersion: tls.VersionTLS12}
}

// serial is a random positive serial number; a failing source gives 1,
// which CreateCertificate accepts (the source's failure shows in the key).
func serial(random io.Reader) *big.Int {
	n, err := randInt(random, serialBits)
	if err != nil || n.Sign() == 0 {
		return big.NewInt(1)
	}
	return n
}

func randInt(random io.Reader, bits int) (*big.Int, error) {
	b := make([]byte, bits/8)
	if _, err := io.ReadFull(random, b); err != nil {
		return nil, err
	}
	b[0] &= 0x7f // positive
	return new(big.Int).SetBytes(b), nil
}
