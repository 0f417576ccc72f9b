package certify

import (
	"fmt"
	"strings"
	"testing"
)

func TestNormaliseDiagnosisDropsWhatVariesPerRun(t *testing.T) {
	in := "run 3 of the client: the client crashed: exit status 1; its stderr ends:\n" +
		"    2026-11-30T04:19:42.123+05:30 ERROR request 367a25ec-065b-4ca7-a73f-70d1da818a22 failed after 12.5ms at 04:19:42\n" +
		"    key Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA== for cert-007-a1b2c3-0001, digest 6ce0df530aaf5673f4b5493e0a8ba850\n" +
		"    illegal base64 data at input byte 42\n" +
		"    javax.crypto.Cipher OAEPWithSHA-256AndMGF1Padding PKCS1v15DecryptOptions MGF1ParameterSpec.SHA256 requestDigitalSignatureValue"
	want := "the client crashed: exit status 1; its stderr ends:\n" +
		"    <time> ERROR request <uuid> failed after <duration> at <time>\n" +
		"    key <base64> for <client-identifier>, digest <hex>\n" +
		"    illegal base64 data at input byte <n>\n" +
		"    javax.crypto.Cipher OAEPWithSHA-256AndMGF1Padding PKCS1v15DecryptOptions MGF1ParameterSpec.SHA256 requestDigitalSignatureValue"
	if got := NormaliseDiagnosis(in); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestGroupTextLeavesOutTheDetail(t *testing.T) {
	f := &Finding{Rule: "client contract", Want: "exit 0", Got: "it exited 1", Detail: "the server answered HTTP 200, api-response-code 202", Mistake: "m"}
	wrapped := fmt.Errorf("run 2 of the client: %w", f)
	if got := GroupText(wrapped); got != "client contract: exit 0; it exited 1" {
		t.Errorf("GroupText %q", got)
	}
	if !strings.Contains(wrapped.Error(), "api-response-code 202") {
		t.Errorf("the full diagnosis lost the detail: %s", wrapped)
	}
	d := &Diagnosis{Stage: 1, Detail: "illegal base64 data at input byte 7", Findings: []Finding{*f}, Recovered: true}
	if got := GroupText(d); strings.Contains(got, "202") || strings.Contains(got, "input byte") || !strings.Contains(got, "it is the only mistake found") {
		t.Errorf("GroupText of a diagnosis: %q", got)
	}
	if GroupText(nil) != "" {
		t.Error("GroupText(nil)")
	}
}
