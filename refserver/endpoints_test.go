package refserver

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

type publishedVector struct {
	PayloadB64     string `json:"payload_b64"`
	AESKey         string `json:"aes_key"`
	AESKeyB64      string `json:"aes_key_b64"`
	EncryptedValue string `json:"requestEncryptedValue"`
}

func loadVector(t *testing.T) publishedVector {
	t.Helper()
	data, err := os.ReadFile("../fixtures/vectors/published-vector.json")
	if err != nil {
		t.Fatal(err)
	}
	var v publishedVector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func encryptDataBody(requestValue, aesKey, flowID string) []byte {
	b, _ := json.Marshal(map[string]string{"requestValue": requestValue, "aesKey": aesKey, "flow-id": flowID})
	return b
}

// TestEncryptDataPublishedVector: encryptdata with the published payload
// and key string returns the published requestEncryptedValue byte for byte,
// and an RSA value that opens to the published keyB64.
func TestEncryptDataPublishedVector(t *testing.T) {
	v := loadVector(t)
	h := newHarness(t, Options{})
	f := h.flow("healthy", protocol.KindMulticast)
	r := h.post(protocol.PathEncryptData, encryptDataBody(v.PayloadB64, v.AESKey, f.ID))
	r.expect(t, protocol.Success, http.StatusOK)
	if r.body.EncValue != v.EncryptedValue {
		t.Errorf("requestEncryptedValue differs from the published one:\n got %s\nwant %s", r.body.EncValue, v.EncryptedValue)
	}
	if r.body.FlowID != f.ID {
		t.Errorf("flow-id %q", r.body.FlowID)
	}
	sig, err := envelope.DecodeStrict(r.body.SigValue)
	if err != nil {
		t.Fatal(err)
	}
	keyB64, err := envelope.OpenKey(sig, f.PrivateKey, envelope.PKCS1v15)
	if err != nil || keyB64 != v.AESKeyB64 {
		t.Errorf("RSA value opens to %q (%v), want %q", keyB64, err, v.AESKeyB64)
	}
}

func TestEncryptDataOrder(t *testing.T) {
	h := newHarness(t, Options{})
	f := h.flow("healthy", protocol.KindDialer)
	noIP := h.flow("ip-not-whitelisted", protocol.KindDialer)
	p := base64.StdEncoding.EncodeToString(payload(f))
	longest := strings.Repeat("k", 375) // base64 is 500 bytes
	raw := func(s string) func(*harness) []byte { return func(*harness) []byte { return []byte(s) } }
	body := func(v, k, id string) func(*harness) []byte {
		return func(*harness) []byte { return encryptDataBody(v, k, id) }
	}
	runRawCases(t, h, []rawCase{
		{"not JSON", protocol.PathEncryptData, raw(`{`), protocol.InvalidFormat},
		{"missing aesKey", protocol.PathEncryptData, raw(`{"requestValue":"` + p + `","flow-id":"` + f.ID + `"}`), protocol.InvalidMandatoryParameters},
		{"aesKey a number", protocol.PathEncryptData, raw(`{"requestValue":"` + p + `","aesKey":1234,"flow-id":"` + f.ID + `"}`), protocol.InvalidMandatoryParameters},
		{"empty aesKey over unknown flow", protocol.PathEncryptData, body(p, "", "ZZZZZZZZ"), protocol.InvalidMandatoryParameters},
		{"aesKey too long", protocol.PathEncryptData, body(p, longest+"k", f.ID), protocol.InvalidMandatoryParameters},
		{"aesKey of the longest length", protocol.PathEncryptData, body(p, longest, f.ID), protocol.Success},
		{"unknown flow over IP", protocol.PathEncryptData, body("!", "abcd1234", "ZZZZZZZZ"), protocol.InvalidFlowID},
		{"IP over base64", protocol.PathEncryptData, body("!", "abcd1234", noIP.ID), protocol.IPNotWhitelisted},
		{"requestValue not base64", protocol.PathEncryptData, body(p+"\n", "abcd1234", f.ID), protocol.InvalidFormat},
		{"any kind of flow", protocol.PathEncryptData, body(p, "abcd1234", h.flow("healthy", protocol.KindMulticast).ID), protocol.Success},
	})
}

// TestGenerateKeyPair: a rotation answers a new public key, old envelopes
// then fail with 400, new ones are served, and nothing else changes: not
// other flows, not the World, not other servers.
func TestGenerateKeyPair(t *testing.T) {
	h := newHarness(t, Options{KeyBits: 2048})
	f := h.flow("rotatable", protocol.KindDialer)
	healthy := h.flow("healthy", protocol.KindDialer)
	old := seal(t, f, f.ID, payload(f))
	body := func(id, sec string) []byte {
		b, _ := json.Marshal(map[string]string{"flow-id": id, "security-id": sec})
		return b
	}

	var wg sync.WaitGroup // other flows are served during the rotation
	wg.Go(func() {
		h.create(healthy, true, payload(healthy)).expect(t, protocol.Success, http.StatusOK)
	})
	r := h.post(protocol.PathGenerateKeyPair, body(f.ID, f.SecurityID))
	wg.Wait()
	r.expect(t, protocol.Success, http.StatusOK)
	pub, err := envelope.ParsePublicKeyPEM([]byte(r.body.PublicKey))
	if err != nil || pub.N.BitLen() != 2048 || r.body.FlowID != f.ID || !strings.HasPrefix(r.body.PublicKey, "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("public-key %q (%v), flow-id %q", r.body.PublicKey, err, r.body.FlowID)
	}
	h.post(protocol.PathEncDialerCreate, old).expect(t, protocol.InvalidFormat, http.StatusOK)
	rotated := *f
	rotated.PublicKey = pub
	h.create(&rotated, true, payload(f)).expect(t, protocol.Success, http.StatusOK)
	h.create(healthy, true, payload(healthy)).expect(t, protocol.Success, http.StatusOK)
	if got, _ := h.srv.PublicKey(f.ID); !got.Equal(pub) {
		t.Error("Server.PublicKey does not return the new key")
	}
	if f.PublicKey.Equal(pub) || !f.PrivateKey.PublicKey.Equal(f.PublicKey) {
		t.Error("the rotation changed the World")
	}
	fresh := newHarness(t, Options{})
	fresh.post(protocol.PathEncDialerCreate, old).expect(t, protocol.Success, http.StatusOK)

	noIP := h.flow("ip-not-whitelisted", protocol.KindMulticast)
	runRawCases(t, h, []rawCase{
		{"missing security-id", protocol.PathGenerateKeyPair, func(*harness) []byte { return []byte(`{"flow-id":"` + f.ID + `"}`) }, protocol.InvalidMandatoryParameters},
		{"unknown flow", protocol.PathGenerateKeyPair, func(*harness) []byte { return body("ZZZZZZZZ", f.SecurityID) }, protocol.InvalidFlowID},
		{"IP over security-id", protocol.PathGenerateKeyPair, func(*harness) []byte { return body(noIP.ID, "wrong") }, protocol.IPNotWhitelisted},
		{"wrong security-id", protocol.PathGenerateKeyPair, func(*harness) []byte { return body(f.ID, healthy.SecurityID) }, protocol.InvalidSecurityID},
	})
}

func TestPull(t *testing.T) {
	h := newHarness(t, Options{})
	f := h.flow("healthy", protocol.KindMulticast)
	other := h.flow("healthy", protocol.KindDialer)
	noIP := h.flow("ip-not-whitelisted", protocol.KindMulticast)
	created := h.create(f, true, payload(f, func(p map[string]any) { p["calls"] = []any{call(), call("12345"), call()} }))
	created.expect(t, protocol.PartialSuccess, http.StatusOK)
	var uuids []string
	for _, cd := range created.body.CallDetails {
		if cd.PhononUUID != "" {
			uuids = append(uuids, cd.PhononUUID)
		}
	}
	otherUUID := h.create(other, false, payload(other)).body.CallDetails[0].PhononUUID

	r := pull(t, h, f, append([]string{"unknown"}, uuids...))
	r.expect(t, protocol.Success, http.StatusOK)
	if len(r.body.Data) != 2 {
		t.Fatalf("data: %s", r.raw)
	}
	for i, d := range r.body.Data {
		if d["phonon-uuid"] != uuids[i] || d["request-id"] != created.body.RequestID ||
			d["client-identifier"] != created.body.CallDetails[2*i].ClientIdentifier {
			t.Errorf("record %d: %v", i, d)
		}
	}
	req := func(mutate func(m map[string]any)) func(*harness) []byte {
		return func(*harness) []byte {
			m := map[string]any{"api-version": "2.0", "security-id": f.SecurityID, "flow-id": f.ID, "phonon-uuids": uuids}
			mutate(m)
			b, _ := json.Marshal(m)
			return b
		}
	}
	many := make([]string, protocol.MaxUUIDsPerPull+1)
	for i := range many {
		many[i] = "x"
	}
	runRawCases(t, h, []rawCase{
		{"missing uuids", protocol.PathPull, req(func(m map[string]any) { delete(m, "phonon-uuids"); m["api-version"] = "1" }), protocol.InvalidMandatoryParameters},
		{"api-version 1.0", protocol.PathPull, req(func(m map[string]any) { m["api-version"] = "1.0"; m["flow-id"] = "ZZZZZZZZ" }), protocol.InvalidAPIVersion},
		{"unknown flow", protocol.PathPull, req(func(m map[string]any) { m["flow-id"] = "ZZZZZZZZ" }), protocol.InvalidFlowID},
		{"IP over security-id", protocol.PathPull, req(func(m map[string]any) { m["flow-id"] = noIP.ID }), protocol.IPNotWhitelisted},
		{"wrong security-id over empty list", protocol.PathPull, req(func(m map[string]any) { m["security-id"] = other.SecurityID; m["phonon-uuids"] = []string{} }), protocol.InvalidSecurityID},
		{"empty list", protocol.PathPull, req(func(m map[string]any) { m["phonon-uuids"] = []string{} }), protocol.InvalidMandatoryParameters},
		{"uuids null", protocol.PathPull, req(func(m map[string]any) { m["phonon-uuids"] = nil }), protocol.InvalidMandatoryParameters},
		{"a uuid not a string", protocol.PathPull, req(func(m map[string]any) { m["phonon-uuids"] = []any{uuids[0], 1} }), protocol.InvalidMandatoryParameters},
		{"fetch-attempt FIRST", protocol.PathPull, req(func(m map[string]any) { m["fetch-attempt"] = "FIRST" }), protocol.InvalidMandatoryParameters},
		{"fetch-attempt LAST", protocol.PathPull, req(func(m map[string]any) { m["fetch-attempt"] = "LAST" }), protocol.Success},
		{"too many uuids", protocol.PathPull, req(func(m map[string]any) { m["phonon-uuids"] = many }), protocol.MaxDataListSizeExceeded},
		{"another flow's uuid", protocol.PathPull, req(func(m map[string]any) { m["phonon-uuids"] = []string{otherUUID} }), protocol.NoDataAvailable},
	})
}
