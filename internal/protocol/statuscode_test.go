package protocol

import "testing"

func TestTable(t *testing.T) {
	all := All()
	if len(all) != 22 {
		t.Fatalf("All() has %d codes, want the table's 22", len(all))
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

// TestMessagesArePhonons pins every message to Phonon's table (SPEC.md
// section 5), character for character.
func TestMessagesArePhonons(t *testing.T) {
	want := map[Code]string{
		400: "Invalid Format", 201: "Checksum Repeated", 302: "Empty Call List", 500: "Failure",
		301: "Invalid Flow ID", 401: "IP Not Whitelisted", 402: "Phone Not Whitelisted",
		202: "Invalid Security ID", 200: "Success", 203: "API Version not Supported",
		204: "Invalid SMS Gateway", 205: "Invalid Contact Number", 206: "Failure from Gateway",
		207: "DID Not Mapped", 208: "No Mask Available", 209: "Partial Success",
		210: "Invalid Mandatory Parameters", 303: "Max Data List Size Exceeded", 211: "Validity Expired",
		212: "Insufficient Balance", 304: "Invalid Flow Version", 213: "No Data Available",
	}
	if len(want) != len(All()) {
		t.Fatalf("%d messages here, %d codes in the table", len(want), len(All()))
	}
	for _, c := range All() {
		if c.Message() != want[c] {
			t.Errorf("%d: message %q, Phonon's table says %q", int(c), c.Message(), want[c])
		}
	}
}
