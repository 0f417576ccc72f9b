package profile_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// validYAML is a complete profile; tests break one thing at a time.
const validYAML = `name: staging
target: https://central.example.test
flows:
  healthy-multicast:
    flow-id: HealthM1
    security-id: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    public-key: KEYS/HealthM1_public.key
    private-key: KEYS/HealthM1_private.key
  no-did-dialer:
    flow-id: NoDidD01
    security-id: "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
    public-key: KEYS/NoDidD01_public.key
phones:
  whitelisted: ["7016225597"]
  not-whitelisted: ["8123456789"]
knobs:
  rsa-padding: oaep-sha256
  http-status-policy: any
  checksum-window: 1h
`

// parse writes text, with KEYS/ standing for the committed TEST ONLY key
// directory, into a temporary profile file and loads it.
func parse(t *testing.T, text string) (*profile.Profile, error) {
	t.Helper()
	keys := keysDir(t)
	path := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "KEYS/", keys+"/")), 0o600); err != nil {
		t.Fatal(err)
	}
	return profile.Load(path)
}

func keysDir(t *testing.T) string {
	t.Helper()
	keys, err := filepath.Abs("../../fixtures/keys")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestLoadValid(t *testing.T) {
	p, err := parse(t, validYAML)
	if err != nil {
		t.Fatal(err)
	}
	f, err := p.Flow("healthy-multicast")
	if err != nil {
		t.Fatal(err)
	}
	if f.FlowID != "HealthM1" || f.PublicKey == nil || f.PrivateKey == nil {
		t.Fatalf("healthy-multicast: got %+v", f)
	}
	if p.Knobs.RSAPadding != envelope.OAEPSHA256 || p.Knobs.HTTPStatusPolicy != profile.StatusAny {
		t.Fatalf("knobs not applied: %+v", p.Knobs)
	}
	if p.Knobs.ChecksumWindow != time.Hour {
		t.Fatalf("checksum-window: Expected 1h, Actual %v", p.Knobs.ChecksumWindow)
	}
	// Knobs a profile leaves out keep the reference server's decisions.
	if p.Knobs.MaxCallsPerRequest != 500 || p.Knobs.IPNotWhitelistedAs != 401 || p.Knobs.AllowKeyRotation ||
		p.Knobs.MessageCheck != protocol.MessageExact || p.Knobs.Strictness != protocol.StrictnessReference {
		t.Fatalf("defaults lost: %+v", p.Knobs)
	}
	p, err = parse(t, validYAML+"  message-check: case-insensitive\n  strictness: documented\n")
	if err != nil {
		t.Fatal(err)
	}
	if p.Knobs.MessageCheck != protocol.MessageCaseInsensitive || p.Knobs.Strictness != protocol.StrictnessDocumented {
		t.Fatalf("message-check and strictness not applied: %+v", p.Knobs)
	}
	if got := p.Roles(); strings.Join(got, ",") != "healthy-multicast,no-did-dialer" {
		t.Fatalf("roles: %v", got)
	}
	if len(p.Secrets()) != 2 {
		t.Fatalf("secrets: want the two security ids, got %d", len(p.Secrets()))
	}
}

func TestFlowMissingRoleGivesReason(t *testing.T) {
	p, err := parse(t, validYAML)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Flow("no-mask-dialer")
	if err == nil || !strings.Contains(err.Error(), `role "no-mask-dialer"`) || !strings.Contains(err.Error(), "profile.yaml") {
		t.Fatalf("want a reason naming the role and the file, got %v", err)
	}
}

func TestLoadErrorsNameFileLineAndField(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           []string
	}{
		{"unknown field", "  rsa-padding: oaep-sha256", "  rsa-padding: oaep-sha256\n  colour: blue", []string{":18:", "knobs.colour: unknown field; known fields: rsa-padding,"}},
		{"misspelt field", "    security-id: \"0123", "    securityid: \"0123", []string{":6:", `flows.healthy-multicast.securityid: unknown field; did you mean "security-id"?`}},
		{"misspelt knob", "rsa-padding: oaep-sha256", "rsa_padding: oaep-sha256", []string{":17:", `knobs.rsa_padding: unknown field; did you mean "rsa-padding"?`}},
		{"misspelt section", "knobs:", "knob:", []string{":16:", `knob: unknown field; did you mean "knobs"?`}},
		{"misspelt role", "  no-did-dialer:", "  no-dod-dialer:", []string{":9:", `flows.no-dod-dialer: unknown role "no-dod-dialer"; did you mean "no-did-dialer"?`}},
		{"flows not a mapping", "flows:\n", "flows: every one\nflowz:\n", []string{":3:", "flows: want a mapping"}},
		{"phones not a list", `whitelisted: ["7016225597"]`, `whitelisted: "7016225597"`, []string{":14:", "phones.whitelisted: want a list"}},
		{"not a number", "checksum-window: 1h", "checksum-window: 1h\n  max-calls-per-request: many", []string{":20:", `knobs.max-calls-per-request: "many": want a whole number`}},
		{"not a bool", "checksum-window: 1h", "checksum-window: 1h\n  pull-api: sometimes", []string{":20:", `knobs.pull-api: "sometimes": want true or false`}},
		{"bare number as duration", "checksum-window: 1h", "checksum-window: 24", []string{":19:", "knobs.checksum-window", "want a duration such as 24h"}},
		{"unknown role", "  no-did-dialer:", "  nothing-at-all:", []string{":9:", "flows.nothing-at-all", "unknown role", "CONDITION-multicast"}},
		{"missing security id", `    security-id: "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"`, "", []string{":9:", "flows.no-did-dialer.security-id", "missing"}},
		{"bad flow id", "flow-id: NoDidD01", "flow-id: No-Did", []string{":10:", "flows.no-did-dialer.flow-id"}},
		{"missing key file", "NoDidD01_public.key", "NoSuch_public.key", []string{":12:", "flows.no-did-dialer.public-key", "NoSuch_public.key: no such file"}},
		{"private key given as public", "HealthM1_public.key", "HealthM1_private.key", []string{":7:", "public-key", `found a "PRIVATE KEY" PEM block`}},
		{"mismatched private key", "HealthM1_private.key", "NoDidD01_private.key", []string{":8:", "private-key", "does not match"}},
		{"bad padding", "rsa-padding: oaep-sha256", "rsa-padding: oaep-md5", []string{":17:", "knobs.rsa-padding", "oaep-md5"}},
		{"bad policy", "http-status-policy: any", "http-status-policy: sometimes", []string{":18:", "knobs.http-status-policy"}},
		{"bad window", "checksum-window: 1h", "checksum-window: -1h", []string{":19:", "knobs.checksum-window"}},
		{"bad duration", "checksum-window: 1h", "checksum-window: a day", []string{":19:", `knobs.checksum-window: "a day": want a duration such as 24h or 90m`}},
		{"too few timing samples", "checksum-window: 1h", "checksum-window: 1h\n  timing-samples: 5", []string{":20:", "knobs.timing-samples", "at least 10"}},
		{"negative pacing", "checksum-window: 1h", "checksum-window: 1h\n  max-requests-per-minute: -5", []string{":20:", "knobs.max-requests-per-minute"}},
		{"negative call budget", "checksum-window: 1h", "checksum-window: 1h\n  max-accepted-calls: -1", []string{":20:", "knobs.max-accepted-calls"}},
		{"bad target", "target: https://central.example.test", "target: central.example.test", []string{":2:", "target"}},
		{"bad message check", "checksum-window: 1h", "checksum-window: 1h\n  message-check: loose", []string{":20:", "knobs.message-check", `"loose" is not one of exact, case-insensitive, off`}},
		{"bad strictness", "checksum-window: 1h", "checksum-window: 1h\n  strictness: lenient", []string{":20:", "knobs.strictness", `"lenient" is not one of reference, documented`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(validYAML, tc.old, tc.new, 1)
			if text == validYAML {
				t.Fatalf("case does not change the profile: %q not found", tc.old)
			}
			_, err := parse(t, text)
			if err == nil {
				t.Fatal("Expected: an error\nActual:   the profile loaded")
			}
			msg := err.Error()
			if !strings.Contains(msg, "profile.yaml") {
				t.Errorf("error does not name the file: %s", msg)
			}
			if goType.MatchString(msg) {
				t.Errorf("error names a Go type: %s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("Expected the error to contain %q\nActual: %s", w, msg)
				}
			}
		})
	}
}

// goType matches what yaml's own errors say: "into profile.Flow",
// "time.Duration", "!!str".
var goType = regexp.MustCompile(`\b(profile|time|protocol|envelope)\.[A-Z]|!!|\binto (int|bool|string)\b|type `)

// TestLoadListsEveryProblemInFileOrder: one run shows every mistake, in the
// order of the file, the same on every load (the flows map has no order).
func TestLoadListsEveryProblemInFileOrder(t *testing.T) {
	text := validYAML
	for _, r := range []struct{ old, new string }{
		{"target: https://central.example.test", "target: central.example.test"},
		{"    flow-id: HealthM1", "    flowid: HealthM1"},
		{"  no-did-dialer:", "  no-did-dailer:"},
		{"NoDidD01_public.key", "NoSuch_public.key"},
		{"rsa-padding: oaep-sha256", "rsa-padding: oaep-md5"},
		{"checksum-window: 1h", "checksum-window: soon"},
	} {
		if !strings.Contains(text, r.old) {
			t.Fatalf("%q not in the profile", r.old)
		}
		text = strings.Replace(text, r.old, r.new, 1)
	}
	want := []string{
		`profile.yaml:2: target: "central.example.test" is not an http(s) base URL`,
		`profile.yaml:5: flows.healthy-multicast.flowid: unknown field; did you mean "flow-id"?`,
		`profile.yaml:9: flows.no-did-dailer: unknown role "no-did-dailer"; did you mean "no-did-dialer"?`,
		`profile.yaml:12: flows.no-did-dailer.public-key: KEYS/NoSuch_public.key: no such file`,
		`profile.yaml:17: knobs.rsa-padding: unknown RSA padding "oaep-md5"`,
		`profile.yaml:19: knobs.checksum-window: "soon": want a duration`,
	}
	path := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "KEYS/", keysDir(t)+"/")), 0o600); err != nil {
		t.Fatal(err)
	}
	var first string
	for i := 0; i < 20; i++ {
		_, err := profile.Load(path)
		var perr *profile.Error
		if !errors.As(err, &perr) {
			t.Fatalf("Expected: a *profile.Error\nActual:   %v", err)
		}
		msg := strings.ReplaceAll(err.Error(), keysDir(t)+"/", "KEYS/")
		if i == 0 {
			first = msg
			t.Logf("the error:\n%s", msg)
		} else if msg != first {
			t.Fatalf("the error changed between loads:\n%s\n---\n%s", first, msg)
		}
	}
	if !strings.Contains(first, fmt.Sprintf("%d problems:", len(want))) {
		t.Errorf("Expected %d problems\nActual:\n%s", len(want), first)
	}
	lines := strings.Split(first, "\n")[1:]
	if len(lines) != len(want) {
		t.Fatalf("Expected %d problem lines\nActual:\n%s", len(want), first)
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("problem %d:\nExpected: ...%s...\nActual:   %s", i+1, w, lines[i])
		}
	}
}

// TestLoadExplainsRelativePaths: a key file not found is reported with the
// directory relative paths are read from, since users run from elsewhere.
func TestLoadExplainsRelativePaths(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "staging.yaml")
	text := "flows:\n  healthy-multicast:\n    flow-id: HealthM1\n    security-id: s\n    public-key: keys/HealthM1_public.key\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := profile.Load(path)
	want := "staging.yaml:5: flows.healthy-multicast.public-key: keys/HealthM1_public.key: no such file (relative paths are read from the profile's directory, " +
		dir + ": this is " + filepath.Join(dir, "keys", "HealthM1_public.key") + ")"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Expected: ...%s\nActual:   %v", want, err)
	}
}

func TestAllRolesCoverEveryConditionAndKind(t *testing.T) {
	roles := profile.AllRoles()
	if len(roles) != 2*len(profile.Conditions) {
		t.Fatalf("got %d roles for %d conditions", len(roles), len(profile.Conditions))
	}
	if profile.KindOf("no-did-dialer") != protocol.KindDialer || profile.KindOf("healthy-multicast") != protocol.KindMulticast {
		t.Fatal("KindOf")
	}
}
