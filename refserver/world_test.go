package refserver

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

func TestReferenceWorld(t *testing.T) {
	w := testWorld(t)
	if got, want := w.Roles(), profile.AllRoles(); !slices.Equal(got, want) {
		t.Errorf("roles %v, want every role %v", got, want)
	}
	if len(w.Flows) != len(profile.AllRoles()) {
		t.Errorf("%d flows for %d roles", len(w.Flows), len(profile.AllRoles()))
	}
	p := w.Profile("http://127.0.0.1:1")
	if p.Name != "reference" || p.Target != "http://127.0.0.1:1" || !p.Knobs.AllowKeyRotation || p.Knobs.ChecksumWindow != protocol.ChecksumWindow {
		t.Errorf("profile: %+v", p)
	}
	for _, role := range profile.AllRoles() {
		pf, err := p.Flow(role)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := w.FlowByRole(role)
		if pf.FlowID != f.ID || pf.SecurityID != f.SecurityID || pf.PublicKey == nil || pf.PrivateKey == nil ||
			!filepath.IsAbs(pf.PublicKeyFile) || !filepath.IsAbs(pf.PrivateKeyFile) {
			t.Errorf("%s: %+v", role, pf)
		}
	}
	if !slices.Equal(p.Phones.Whitelisted, []string{"7016225597", "9876543210", "6123456789", "9123456789"}) ||
		!slices.Equal(p.Phones.NotWhitelisted, []string{"8123456789"}) || len(p.Phones.Invalid) == 0 {
		t.Errorf("phones: %+v", p.Phones)
	}
	for _, n := range p.Phones.Invalid {
		if _, ok := nationalNumber(n); ok {
			t.Errorf("invalid phone %q is valid", n)
		}
	}
}

func TestNationalNumber(t *testing.T) {
	for in, want := range map[string]string{
		"7016225597": "7016225597", "917016225597": "7016225597", "+917016225597": "7016225597",
		"9198765432": "9198765432", "6000000000": "6000000000",
	} {
		if got, ok := nationalNumber(in); !ok || got != want {
			t.Errorf("%q: %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "12345", "5123456789", "70162255977", "+91701622559", "7016a25597", "+927016225597", "0917016225597", "٧٠١٦٢٢٥٥٩٧"} {
		if _, ok := nationalNumber(in); ok {
			t.Errorf("%q accepted", in)
		}
	}
}

// brokenWorld writes the reference world with one edit to a temporary file
// (key paths made absolute) and returns its path and the edited line.
func brokenWorld(t *testing.T, flowID, field, value string) (path string, line int) {
	t.Helper()
	src, err := FindWorld()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(filepath.Dir(src), "..", "keys") + string(filepath.Separator)
	lines := strings.Split(strings.ReplaceAll(string(data), "../keys/", keys), "\n")
	start := 0
	if flowID != "" {
		start = slices.Index(lines, "  - flow-id: "+flowID)
		if start < 0 {
			t.Fatalf("no flow %s", flowID)
		}
	}
	for i := start; i < len(lines); i++ {
		trimmed := strings.TrimLeft(lines[i], " -")
		if strings.HasPrefix(trimmed, field+":") {
			indent := lines[i][:len(lines[i])-len(trimmed)]
			lines[i] = indent + field + ": " + value
			path = filepath.Join(t.TempDir(), "broken.yaml")
			if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			return path, i + 1
		}
	}
	t.Fatalf("no field %s after flow %s", field, flowID)
	return "", 0
}

// TestWorldValidation breaks one field at a time: the error names the
// file, the line, the flow (or account) and the field.
func TestWorldValidation(t *testing.T) {
	cases := []struct {
		flow, field, value string
		want               string
		nextLine           bool // the error is about the field on the next line
	}{
		{"NoDidM01", "dids", `["+918000000000"]`, `flow "NoDidM01" (no-did-multicast): field dids: role no-did-multicast needs no DIDs`, false},
		{"HealthM1", "failing", "true", `flow "HealthM1" (healthy-multicast): field failing: failing: true makes the flow failing, but role healthy-multicast must otherwise be healthy`, false},
		{"HealthD1", "security-id", "abc", `flow "HealthD1" (healthy-dialer): field security-id: not 64 alphanumerics`, false},
		{"HealthD1", "security-id", "19d46f35edf31d7db5a41e3a23ceaf2ed85fe443867e7252f9a8dc9f94801f53", `field security-id: the same as flow "HealthM1"'s`, false},
		{"HealthD1", "role", "healthy-multicast", `flow "HealthD1" (healthy-multicast): field role: already played by flow "HealthM1"`, false},
		{"HealthD1", "role", "sick-dialer", `field role: "sick-dialer" is not a role`, false},
		{"HealthD1", "kind", "multicast", `field kind: multicast, but role healthy-dialer is a dialer role`, false},
		{"HealthD1", "flow-id", "Health1", `field flow-id: "Health1" is not 8 alphanumerics`, false},
		{"HealthD1", "flow-id", "HealthM1", `field flow-id: used by an earlier flow too`, false},
		{"HealthD1", "account", "nobody", `field account: no account "nobody"`, false},
		{"HealthD1", "public-key", "missing.key", `flow "HealthD1" (healthy-dialer): field public-key: public key: open`, false},
		{"HealthD1", "private-key", "../keys/HealthM1_private.key", `field private-key:`, false},
		{"HealthD1", "sms-gateway", "broken", `field sms-gateway: "broken": want valid, invalid or failing`, false},
		{"HealthD1", "test-phones", `["12345"]`, `field test-phones: "12345" is not a valid number`, false},
		{"HealthD1", "test-phones", `[]`, `field test-phones: empty`, false},
		{"NoTestM1", "testing-version", "true", `field test-phones: empty`, true},
		{"NoTestM1", "test-phones", `["7016225597"]`, `field test-phones: the flow has no testing version`, false},
		{"BadGwyD1", "sms-gateway", "failing", `field sms-gateway: role invalid-gateway-dialer needs sms-gateway: invalid`, false},
		{"ZeroBlM1", "account", "main", `field account: role zero-balance-multicast needs an account with a balance of zero or less`, false},
		{"HealthM1", "account", "no-ip", `field account: an account whose ip-whitelist admits neither 127.0.0.1 nor ::1 makes the flow ip-not-whitelisted`, false},
		{"", "ip-whitelist", "[localhost]", `account "main": field ip-whitelist: "localhost" is not an IP address or CIDR prefix`, false},
		{"", "valid-until", "someday", `account "main": field valid-until: "someday" is neither a date`, false},
		{"", "not-whitelisted", `["7016225597"]`, `phones: field not-whitelisted: "7016225597" is on flow "HealthM1"'s test-phones`, false},
		{"", "invalid", `["7016225597"]`, `phones: field invalid: "7016225597" is a valid number`, false},
	}
	for _, c := range cases {
		t.Run(c.flow+"/"+c.field+"="+c.value, func(t *testing.T) {
			path, line := brokenWorld(t, c.flow, c.field, c.value)
			if c.nextLine {
				line++
			}
			_, err := LoadWorld(path)
			if err == nil {
				t.Fatal("loaded")
			}
			prefix := fmt.Sprintf("world %s:%d: ", path, line)
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error:\n%v\nwant it to start %q and contain %q", err, prefix, c.want)
			}
		})
	}
	t.Run("unknown field", func(t *testing.T) {
		path, line := brokenWorld(t, "NoMaskD1", "masks", "[]\n    dis: []")
		_, err := LoadWorld(path)
		want := fmt.Sprintf(`world %s:%d: flow "NoMaskD1" (no-mask-dialer): field dis not found`, path, line+1)
		if err == nil || err.Error() != want {
			t.Errorf("error:\n%v\nwant\n%s", err, want)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		if _, err := LoadWorld("no/such/world.yaml"); err == nil || !strings.Contains(err.Error(), "no/such/world.yaml") {
			t.Errorf("error %v", err)
		}
	})
}
