package protocol

import "testing"

func TestTable(t *testing.T) {
	all := All()
	if len(all) != 22 {
		t.Fatalf("All() has %d codes, want the seed's 22", len(all))
	}
	names := map[string]bool{}
	for i, c := range all {
		if i > 0 && all[i-1] >= c {
			t.Errorf("All() not ascending at %v", c)
		}
		if !c.Valid() || c.Name() == "" || c.Message() == "" {
			t.Errorf("%d: name %q message %q", int(c), c.Name(), c.Message())
		}
		if names[c.Name()] {
			t.Errorf("duplicate name %s", c.Name())
		}
		names[c.Name()] = true
		if got, ok := Lookup(c.Name()); !ok || got != c {
			t.Errorf("Lookup(%q) = %v, %v", c.Name(), got, ok)
		}
	}
	if InvalidFormat.Name() != "INVALID_FORMAT" || InvalidFormat.Message() != "Invalid Format" || InvalidFormat.String() != "400 INVALID_FORMAT" {
		t.Errorf("InvalidFormat: %q %q %q", InvalidFormat.Name(), InvalidFormat.Message(), InvalidFormat)
	}
	if Code(299).Valid() || Code(299).Name() != "UNDEFINED_299" || Code(299).Message() != "" {
		t.Errorf("undefined code 299 looks defined")
	}
	for in, want := range map[string]Code{"209": PartialSuccess, "PARTIAL_SUCCESS": PartialSuccess} {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"299", "partial_success", "", "2O9"} {
		if _, ok := Parse(in); ok {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}
