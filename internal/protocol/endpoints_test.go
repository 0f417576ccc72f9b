package protocol

import (
	"strings"
	"testing"
)

func TestCreatePath(t *testing.T) {
	for _, c := range []struct {
		kind      string
		encrypted bool
		want      string
	}{
		{KindMulticast, false, PathMulticastCreate},
		{KindDialer, false, PathDialerCreate},
		{KindMulticast, true, PathEncMulticastCreate},
		{KindDialer, true, PathEncDialerCreate},
		{"", true, PathEncMulticastCreate},
	} {
		if got := CreatePath(c.kind, c.encrypted); got != c.want {
			t.Errorf("CreatePath(%q, %v) = %q, want %q", c.kind, c.encrypted, got, c.want)
		}
	}
}

func TestEndpointTable(t *testing.T) {
	paths, tags := map[string]bool{}, map[string]bool{}
	for _, e := range Endpoints() {
		if paths[e.Path] || tags[e.Tag] {
			t.Errorf("%s / %s listed twice", e.Path, e.Tag)
		}
		paths[e.Path], tags[e.Tag] = true, true
		if !strings.HasPrefix(e.Path, "/kairos-apis/") || !strings.HasPrefix(e.Tag, "endpoint-") || e.Name == "" {
			t.Errorf("%+v", e)
		}
		if e.Encrypted != (e.Kind != "" && strings.Contains(e.Path, "/enc/")) {
			t.Errorf("%s: encrypted %v, kind %q", e.Path, e.Encrypted, e.Kind)
		}
	}
	if len(paths) != 7 {
		t.Errorf("%d endpoints, SPEC.md section 1 has 7", len(paths))
	}
}
