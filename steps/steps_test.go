package steps

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/fixtures"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// TestScenarioMask checks what the steps attach is masked with the run's
// secrets and the scenario's own (its AES key strings), and left alone
// under --no-redact.
func TestScenarioMask(t *testing.T) {
	sid := strings.Repeat("ab", 32)
	key := "0123456789abcdef0123456789abcdef"
	p := &profile.Profile{Flows: map[string]profile.Flow{"healthy-multicast": {FlowID: "HealthM1", SecurityID: sid}}}
	in := `{"flow":"` + sid + `","k":"` + key + `","n":"7016225597"}` +
		"\n-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----"
	st := &scenario{s: &Suite{prof: p, redact: newRedactor(true, p)}, evidence: evidenceLog{secrets: []string{key}}}
	got := st.mask(in)
	for _, secret := range []string{sid, key, "7016225597", "MIIB"} {
		if strings.Contains(got, secret) {
			t.Errorf("%q survived redaction: %s", secret, got)
		}
	}
	st.s.redact = newRedactor(false, p)
	if got := st.mask(in); got != in {
		t.Errorf("--no-redact changed the text: %s", got)
	}
}

func TestOrderedEdits(t *testing.T) {
	v, err := decodeOrdered([]byte(`{"b":1,"a":{"x":[{"k":"v"}]},"c":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := setPath(v, "a.x.0.k", "w"); err != nil {
		t.Fatal(err)
	}
	if err := setPath(v, "d", json.Number("2.5")); err != nil {
		t.Fatal(err)
	}
	if err := deletePath(v, "c"); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"b":1,"a":{"x":[{"k":"w"}]},"d":2.5}` {
		t.Errorf("got %s: key order or edits lost", out)
	}
	if err := deletePath(v, "nope"); err == nil {
		t.Error("deleting a missing field did not fail")
	}
	if err := setPath(v, "a.x.3.k", "w"); err == nil {
		t.Error("setting past the end of a list did not fail")
	}
}

func TestParseLiteral(t *testing.T) {
	cases := map[string]string{
		`"1.0"`: `"1.0"`, `1.0`: `1.0`, `null`: `null`, `true`: `true`, `an empty list`: `[]`,
		`an empty object`: `{}`, `an empty string`: `""`, `[42]`: `[42]`, `["$flow.key.Name"]`: `["$flow.key.Name"]`,
	}
	for in, want := range cases {
		v, err := parseLiteral(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got, _ := json.Marshal(v); string(got) != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
	if _, err := parseLiteral("soon"); err == nil {
		t.Error("an unknown phrase was accepted")
	}
}

func TestRolePhrases(t *testing.T) {
	re := regexp.MustCompile("^" + roleRE + "$")
	for _, c := range profile.Conditions {
		for _, kind := range []string{protocol.KindMulticast, protocol.KindDialer} {
			var phrase string
			for _, rp := range rolePhrases {
				if rp.condition == c {
					phrase = strings.Replace(rp.phrase, "KIND", kind, 1)
				}
			}
			if phrase == "" {
				t.Errorf("condition %s has no phrase", c)
				continue
			}
			if !re.MatchString(phrase) {
				t.Errorf("%q does not match the role pattern", phrase)
			}
			if role, err := roleOf(phrase); err != nil || role != profile.Role(c, kind) {
				t.Errorf("roleOf(%q) = %q, %v", phrase, role, err)
			}
		}
	}
}

func TestFillRefusesUnknownPlaceholders(t *testing.T) {
	s := &Suite{templates: map[string]string{"t.json": `{"a":"{{flow-id}}","b":"{{typo}}"}`}}
	if _, err := s.fill("t.json", map[string]string{"flow-id": `x"y`}); err == nil || !strings.Contains(err.Error(), "typo") {
		t.Errorf("fill with an unknown placeholder: %v", err)
	}
	o, err := s.fill("t.json", map[string]string{"flow-id": `x"y`, "typo": "z"})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := o.get("a"); v != `x"y` {
		t.Errorf("a value with a quote was not escaped: %v", v)
	}
}

func TestUUIDPattern(t *testing.T) {
	re := regexp.MustCompile(uuidPattern)
	ids, err := newIDSource("")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if u := ids.uuid(); !re.MatchString(u) {
			t.Fatalf("%s does not match", u)
		}
	}
	for _, bad := range []string{"", "6a79da04cf074c42973f998ea3380708", "6a79da04-cf07-0c42-973f-998ea3380708", "6a79da04-cf07-4c42-073f-998ea3380708"} {
		if re.MatchString(bad) {
			t.Errorf("%q matched", bad)
		}
	}
}

func TestSplitN(t *testing.T) {
	got := splitN([]byte("abcdefghij"), 4)
	if len(got) != 3 || string(got[2]) != "ij" {
		t.Errorf("got %q", got)
	}
}

func TestEmbeddedFixtures(t *testing.T) {
	if _, err := loadTemplates(fixtures.FS); err != nil {
		t.Error(err)
	}
	if _, err := loadVector(fixtures.FS); err != nil {
		t.Error(err)
	}
}

func TestHTTPStatusPolicy(t *testing.T) {
	cases := []struct {
		policy             string
		status, code, tran int
		ok                 bool
	}{
		{profile.StatusReference, 200, 201, 0, true},
		{profile.StatusReference, 201, 201, 0, false},
		{profile.StatusReference, 405, 400, 405, true},
		{profile.StatusReference, 200, 400, 405, false},
		{profile.StatusAlways200, 200, 400, 405, true},
		{profile.StatusAlways200, 405, 400, 405, false},
		{profile.StatusMirror, 201, 201, 0, true},
		{profile.StatusMirror, 200, 201, 0, false},
		{profile.StatusMirror, 405, 400, 405, true},
		{profile.StatusMirror, 400, 400, 405, true},
		{profile.StatusAny, 599, 201, 0, true},
	}
	for _, c := range cases {
		p := &profile.Profile{Knobs: profile.Defaults()}
		p.Knobs.HTTPStatusPolicy = c.policy
		st := &scenario{s: &Suite{prof: p, redact: newRedactor(false, p)}}
		var v verdict
		st.expectHTTPStatus(&exchange{status: c.status}, c.code, c.tran, &v)
		if (len(v) == 0) != c.ok {
			t.Errorf("%s: HTTP %d for body code %d (transport %d): ok=%v, want %v %v", c.policy, c.status, c.code, c.tran, len(v) == 0, c.ok, v)
		}
	}
}
