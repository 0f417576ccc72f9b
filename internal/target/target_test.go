package target_test

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// writeProfile writes a one-flow profile into a new directory, with extra
// YAML appended, and returns its path.
func writeProfile(t *testing.T, targetURL, extra string) string {
	t.Helper()
	world, err := refserver.FindWorld()
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(filepath.Dir(world), "..", "keys", "HealthM1_public.key")
	var b strings.Builder
	b.WriteString("name: target-test\n")
	if targetURL != "" {
		fmt.Fprintf(&b, "target: %s\n", targetURL)
	}
	fmt.Fprintf(&b, "flows:\n  healthy-multicast:\n    flow-id: HealthM1\n    security-id: s3cr3t\n    public-key: %s\n", key)
	b.WriteString(extra)
	path := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func resolve(t *testing.T, opts target.Options) *target.Target {
	t.Helper()
	tg, err := target.Resolve(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tg.Close)
	return tg
}

// TestResolve covers the rules: a profile alone, a profile and a URL, a URL
// alone; neither is TestEmbedded.
func TestResolve(t *testing.T) {
	profilePath := writeProfile(t, "https://kairos.example.invalid/", "")
	for _, c := range []struct {
		name       string
		opts       target.Options
		wantURL    string
		wantLabel  string
		wantFlowID string // of healthy-multicast: which profile was used
	}{
		{"profile only", target.Options{Profile: profilePath},
			"https://kairos.example.invalid", profilePath, "HealthM1"},
		{"profile and URL", target.Options{Profile: profilePath, URL: "http://127.0.0.1:9/"},
			"http://127.0.0.1:9", profilePath, "HealthM1"},
		{"URL only", target.Options{URL: "http://127.0.0.1:9", ProfileName: "--profile"},
			"http://127.0.0.1:9", "(no --profile)", "HealthM1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tg := resolve(t, c.opts)
			if tg.URL != c.wantURL || tg.Profile.Target != c.wantURL {
				t.Errorf("URL %q, profile target %q; want %q", tg.URL, tg.Profile.Target, c.wantURL)
			}
			if !strings.Contains(tg.Label, c.wantLabel) {
				t.Errorf("label %q, want it to contain %q", tg.Label, c.wantLabel)
			}
			if f, err := tg.Profile.Flow("healthy-multicast"); err != nil || f.FlowID != c.wantFlowID {
				t.Errorf("healthy-multicast: %+v, %v", f, err)
			}
			if tg.AdvanceClock != nil {
				t.Error("AdvanceClock is set for a server this process does not run")
			}
			if tg.Now == nil {
				t.Fatal("Now is nil")
			}
			if before, now, after := time.Now(), tg.Now(), time.Now(); now.Before(before) || now.After(after) {
				t.Errorf("Now is not the real clock: %s, between %s and %s", now, before, after)
			}
			// The client's own bound leaves room for generateKeyPair; each
			// request's deadline (the timeout) is the steps' context.
			if tg.HTTPClient == nil || tg.HTTPClient.Timeout != max(target.DefaultTimeout, protocol.KeyGenerationTimeout) {
				t.Errorf("HTTPClient %+v, want one bounded by the key-generation timeout", tg.HTTPClient)
			}
		})
	}
	// With a URL alone, the profile is the reference world's: every role.
	if tg := resolve(t, target.Options{URL: "http://127.0.0.1:9"}); len(tg.Profile.Flows) < 20 || !tg.Profile.Knobs.AllowKeyRotation {
		t.Errorf("URL only: %d roles, key rotation %v; want the reference world's profile", len(tg.Profile.Flows), tg.Profile.Knobs.AllowKeyRotation)
	}
}

// TestResolveErrorsNameTheSource: each error names the file, flag or
// variable at fault.
func TestResolveErrorsNameTheSource(t *testing.T) {
	noTarget := writeProfile(t, "", "")
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	for _, c := range []struct {
		name string
		opts target.Options
		want []string
	}{
		{"profile without target", target.Options{Profile: noTarget, URLName: "KAIROS_TARGET"},
			[]string{"profile " + noTarget + " sets no target", "KAIROS_TARGET"}},
		{"missing profile", target.Options{Profile: missing}, []string{missing}},
		{"bad URL", target.Options{URL: "ftp://x", URLName: "--target"}, []string{`--target: "ftp://x" is not an http(s) base URL`}},
		{"bad URL with profile", target.Options{Profile: noTarget, URL: "localhost:8080", URLName: "KAIROS_TARGET"},
			[]string{`KAIROS_TARGET: "localhost:8080"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tg, err := target.Resolve(c.opts)
			if err == nil {
				tg.Close()
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestEmbedded: with neither a profile nor a URL, the reference server runs
// in-process on loopback until Close, with the reference world's profile,
// the rsa-key-bits knob matching the keys it makes, and a movable clock.
func TestEmbedded(t *testing.T) {
	tg, err := target.Resolve(target.Options{Server: refserver.Options{KeyBits: 2048}})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if !strings.HasPrefix(tg.URL, "http://127.0.0.1:") || tg.Profile.Target != tg.URL || !strings.Contains(tg.Label, "(embedded server)") {
		t.Errorf("URL %q, profile target %q, label %q", tg.URL, tg.Profile.Target, tg.Label)
	}
	if tg.AdvanceClock == nil {
		t.Fatal("no AdvanceClock for the in-process server")
	}
	if got := tg.Profile.Knobs.RSAKeyBits; got != 2048 {
		t.Errorf("rsa-key-bits knob %d, want 2048 as the server was told", got)
	}

	// generateKeyPair answers a key of the knob's size.
	flow := tg.Profile.Flows["rotatable-multicast"]
	code, body := post(t, tg, protocol.PathGenerateKeyPair, map[string]any{"flow-id": flow.FlowID, "security-id": flow.SecurityID})
	if code != protocol.Success {
		t.Fatalf("generateKeyPair: %s\n%s", code, body)
	}
	var kp struct {
		PublicKey string `json:"public-key"`
	}
	json.Unmarshal(body, &kp)
	pub, err := envelope.ParsePublicKeyPEM([]byte(kp.PublicKey))
	if err != nil || pub.N.BitLen() != tg.Profile.Knobs.RSAKeyBits {
		t.Errorf("generateKeyPair's key: %v, %v; want %d bits", pub, err, tg.Profile.Knobs.RSAKeyBits)
	}

	tg.Close()
	tg.Close() // again: harmless
	if resp, err := http.Get(tg.URL); err == nil {
		resp.Body.Close()
		t.Error("the server still answers after Close")
	}
}

// TestEmbeddedDefaultKeyBits: without Options.KeyBits the server makes
// the reference's 4096-bit keys, and the knob says so.
func TestEmbeddedDefaultKeyBits(t *testing.T) {
	tg := resolve(t, target.Options{})
	if got := tg.Profile.Knobs.RSAKeyBits; got != envelope.FlowKeyBits {
		t.Errorf("rsa-key-bits knob %d, want %d", got, envelope.FlowKeyBits)
	}
}

// TestClockCrossesTheChecksumWindow: AdvanceClock moves the server's clock
// and Now together, so a repeated payload is refused within the 24-hour
// window (spec section 5, rule 20) and accepted again after it.
func TestClockCrossesTheChecksumWindow(t *testing.T) {
	world, err := target.ReferenceWorld()
	if err != nil {
		t.Fatal(err)
	}
	tg, err := target.StartEmbedded(world, refserver.Options{}, target.ClientOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	flow := tg.Profile.Flows["healthy-multicast"]
	start := tg.Now().Add(72 * time.Hour).In(time.FixedZone("IST", 5*3600+1800)).Format("2006-01-02T15:04:05-07:00")
	payload := map[string]any{
		"api-version": "1.0", "security-id": flow.SecurityID, "flow-id": flow.FlowID,
		"calls": []any{map[string]any{
			"client-identifier": fmt.Sprintf("target-test-%d", time.Now().UnixNano()), "start-time": start,
			"contact-numbers": []string{tg.Profile.Phones.Whitelisted[0]},
			"keys":            []any{map[string]string{"name": "$flow.key.Name", "value": "Asha"}},
		}},
	}
	for _, want := range []protocol.Code{protocol.Success, protocol.ChecksumRepeated} {
		if code, body := post(t, tg, protocol.PathMulticastCreate, payload); code != want {
			t.Fatalf("got %s, want %s\n%s", code, want, body)
		}
	}
	before := tg.Now()
	tg.AdvanceClock(protocol.ChecksumWindow + time.Minute)
	if moved := tg.Now().Sub(before); moved < protocol.ChecksumWindow {
		t.Errorf("Now moved %s", moved)
	}
	if code, body := post(t, tg, protocol.PathMulticastCreate, payload); code != protocol.Success {
		t.Errorf("after the window: got %s, want %s\n%s", code, protocol.Success, body)
	}
}

func post(t *testing.T, tg *target.Target, path string, v any) (protocol.Code, []byte) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tg.HTTPClient.Post(tg.URL+path, "application/json", strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r struct {
		Code protocol.Code `json:"api-response-code"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, body)
	}
	return r.Code, body
}

// TestHTTPClientTLSAndRedirects: the profile's tls.ca-file (relative to the
// profile) makes a server's certificate trusted, insecure-skip-verify skips
// the check, a CA file with no certificate is an error naming the profile,
// and redirects are never followed.
func TestHTTPClientTLSAndRedirects(t *testing.T) {
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	hs.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	hs.StartTLS()
	defer hs.Close()

	get := func(tg *target.Target) (*http.Response, error) {
		resp, err := tg.HTTPClient.Get(tg.URL + "/kairos-apis/pull")
		if err == nil {
			resp.Body.Close()
		}
		return resp, err
	}

	untrusted := resolve(t, target.Options{Profile: writeProfile(t, hs.URL, "")})
	if _, err := get(untrusted); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: %v", err)
	}

	withCA := writeProfile(t, hs.URL, "tls:\n  ca-file: ca.pem\n")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw})
	if err := os.WriteFile(filepath.Join(filepath.Dir(withCA), "ca.pem"), cert, 0o644); err != nil {
		t.Fatal(err)
	}
	resp, err := get(resolve(t, target.Options{Profile: withCA}))
	if err != nil {
		t.Fatalf("tls.ca-file: %v", err)
	}
	if resp.StatusCode != http.StatusFound {
		t.Errorf("HTTP %d: the redirect was followed", resp.StatusCode)
	}

	if _, err := get(resolve(t, target.Options{Profile: writeProfile(t, hs.URL, "tls:\n  insecure-skip-verify: true\n")})); err != nil {
		t.Errorf("insecure-skip-verify: %v", err)
	}

	notPEM := writeProfile(t, hs.URL, "tls:\n  ca-file: ca.pem\n")
	if err := os.WriteFile(filepath.Join(filepath.Dir(notPEM), "ca.pem"), []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = target.Resolve(target.Options{Profile: notPEM})
	if err == nil || !strings.Contains(err.Error(), "profile "+notPEM+": tls.ca-file:") || !strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("CA file without a certificate: %v", err)
	}
}
