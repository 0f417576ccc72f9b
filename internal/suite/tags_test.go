package suite

import (
	"bytes"
	"testing"
)

func TestTags(t *testing.T) {
	cases := map[string]string{
		"":                        "~@client",
		"@status-201":             "@status-201 && ~@client",
		"@status-201,@status-400": "@status-201 && ~@client,@status-400 && ~@client",
		"@security && ~@clock":    "@security && ~@clock && ~@client",
	}
	for in, want := range cases {
		got, err := Tags(in)
		if err != nil || got != want {
			t.Errorf("Tags(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"@a &&", ",@b", "@a b", "~"} {
		if _, err := Tags(bad); err == nil {
			t.Errorf("Tags(%q) was accepted", bad)
		}
	}
}

func TestWithout(t *testing.T) {
	got, err := Without("@a,@b && ~@c", "@d")
	if want := "@a && ~@d,@b && ~@c && ~@d"; err != nil || got != want {
		t.Errorf("Without = %q, %v; want %q", got, err, want)
	}
	if _, err := Without("(@a)", "@d"); err == nil {
		t.Error("Without accepted (@a)")
	}
	if got, err := And("@a,@b", "@d"); got != "@a && @d,@b && @d" || err != nil {
		t.Errorf("And = %q, %v", got, err)
	}
	for _, bad := range []string{"@d,@e", "@d && @e", ""} {
		if _, err := And("@a", bad); err == nil {
			t.Errorf("And accepted the term %q", bad)
		}
	}
}

func TestCheckAndMatchTags(t *testing.T) {
	for _, bad := range []string{"@a &&", ",@b", "@a b", "~", "not @a", "(@a)", "!@a", "@"} {
		if CheckTags(bad) == nil {
			t.Errorf("CheckTags(%q) accepted it", bad)
		}
		if MatchTags(bad, []string{"@a", "@b"}) {
			t.Errorf("MatchTags(%q) matched", bad)
		}
	}
	tags := []string{"@security", "@status-400"}
	for expr, want := range map[string]bool{
		"": true, "@security": true, "security": true, "~@security": false, "@slow,@status-400": true,
		"@security && ~@slow": true, "@security && @slow": false, "@slow && @security,~@clock": true,
	} {
		if err := CheckTags(expr); err != nil {
			t.Errorf("CheckTags(%q): %v", expr, err)
		}
		if got := MatchTags(expr, tags); got != want {
			t.Errorf("MatchTags(%q, %v) = %v, want %v", expr, tags, got, want)
		}
	}
}

func TestStripANSI(t *testing.T) {
	var out bytes.Buffer
	w := &stripANSI{w: &out}
	for _, part := range []string{"\x1b[32m.\x1b", "[0m\x1b[31mF", "\x1b[0m done\n"} {
		if n, err := w.Write([]byte(part)); err != nil || n != len(part) {
			t.Fatalf("Write(%q) = %d, %v", part, n, err)
		}
	}
	if out.String() != ".F done\n" {
		t.Errorf("got %q", out.String())
	}
}
