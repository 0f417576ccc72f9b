package evidence

import (
	"strings"
	"testing"
)

func TestShortenEnvelope(t *testing.T) {
	long := strings.Repeat("A", 680) + "Yw=="
	got := ShortenEnvelope(`{"requestEncryptedValue": "` + long + `", "flow-id": "HealthM1"}`)
	want := `{"requestEncryptedValue": "AAAAAAAAAAAAAAAA…AAAAYw== (684 chars)", "flow-id": "HealthM1"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	short := `{"requestValue": "e30="}`
	if ShortenEnvelope(short) != short {
		t.Errorf("a short value is left alone")
	}
	if v := strings.Repeat("x", shortLen); ShortenValue(v) != v {
		t.Errorf("ShortenValue cut a %d-character value", shortLen)
	}
	if got := ShortenValue(long); got != "AAAAAAAAAAAAAAAA…AAAAYw== (684 chars)" {
		t.Errorf("ShortenValue: %s", got)
	}
}
