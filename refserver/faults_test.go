package refserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

func TestFaultNames(t *testing.T) {
	all := Faults()
	if len(all) != len(protocol.All())+len(namedFaults)+len(boundaryFaults) {
		t.Errorf("%d faults", len(all))
	}
	seen := map[string]bool{}
	for _, f := range all {
		if seen[f.Name()] || f.IsZero() || f.Description() == "" {
			t.Errorf("fault %q: duplicate, zero or undescribed", f.Name())
		}
		seen[f.Name()] = true
		if g, err := ParseFault(f.Name()); err != nil || g != f {
			t.Errorf("ParseFault(%q) = %v, %v", f.Name(), g, err)
		}
	}
	for _, bad := range []string{"wrong-code-299", "wrong-code-", "skip", "SKIP-CHECKSUM"} {
		if _, err := ParseFault(bad); err == nil {
			t.Errorf("ParseFault(%q) accepted", bad)
		}
	}
	if f, err := ParseFault("none"); err != nil || !f.IsZero() || f.Name() != "none" {
		t.Errorf("none: %v %v", f, err)
	}
}

// TestWrongCodeFaults: under wrong-code-N, the trigger of N answers
// something else, in call-details too.
func TestWrongCodeFaults(t *testing.T) {
	for _, c := range codeCases() {
		t.Run(c.code.String(), func(t *testing.T) {
			h := newHarness(t, Options{Fault: wrongCode(c.code)})
			r := h.post(codeCaseRequest(t, h, c, protocol.KindMulticast, true))
			if r.body.Code == c.code || !r.body.Code.Valid() || r.body.Message != r.body.Code.Message() {
				t.Errorf("answered %s %q under %s", r.body.Code, r.body.Message, h.srv.Fault())
			}
			for _, cd := range r.body.CallDetails {
				if cd.Code == c.code {
					t.Errorf("call-details still carry %s: %s", c.code, r.raw)
				}
			}
		})
	}
	t.Run(protocol.NoDataAvailable.String(), func(t *testing.T) {
		h := newHarness(t, Options{Fault: wrongCode(protocol.NoDataAvailable)})
		if r := pull(t, h, h.flow("healthy", protocol.KindDialer), []string{"x"}); r.body.Code == protocol.NoDataAvailable {
			t.Errorf("answered %s", r.body.Code)
		}
	})
	t.Run("205 in call-details", func(t *testing.T) {
		h := newHarness(t, Options{Fault: wrongCode(protocol.InvalidContactNumber)})
		f := h.flow("healthy", protocol.KindDialer)
		r := h.create(f, false, payload(f, func(p map[string]any) { p["calls"] = []any{call(), call("1")} }))
		if r.body.Code != protocol.PartialSuccess || r.body.CallDetails[1].Code != protocol.Failure {
			t.Errorf("%s", r.raw)
		}
	})
}

// probe observes one behaviour; a fault must change what its probe sees.
type probe func(t *testing.T, h *harness, setNow func(time.Time)) string

func codeOf(r *result) string {
	return fmt.Sprintf("HTTP %d %s %q", r.status, r.body.Code, r.body.Message)
}

func faultProbes() map[string]probe {
	healthy := func(h *harness) *Flow { return h.flow("healthy", protocol.KindMulticast) }
	plainTwice := func(first, second []byte) func(h *harness) string {
		return func(h *harness) string {
			h.post(protocol.PathMulticastCreate, first)
			return codeOf(h.post(protocol.PathMulticastCreate, second))
		}
	}
	return map[string]probe{
		faultSkipChecksum: func(t *testing.T, h *harness, _ func(time.Time)) string {
			p := payload(healthy(h))
			return plainTwice(p, p)(h)
		},
		faultChecksumCiphertext: func(t *testing.T, h *harness, _ func(time.Time)) string {
			f := healthy(h)
			p := payload(f)
			h.create(f, true, p)
			return codeOf(h.create(f, true, p))
		},
		faultChecksumPerEndpoint: func(t *testing.T, h *harness, _ func(time.Time)) string {
			f := healthy(h)
			p := payload(f)
			h.create(f, false, p)
			return codeOf(h.create(f, true, p))
		},
		faultChecksumNotAtomic: func(t *testing.T, h *harness, _ func(time.Time)) string {
			p := payload(healthy(h))
			var accepted atomic.Int32
			var wg sync.WaitGroup
			for range 10 {
				wg.Go(func() {
					if decodeCode(t, serveDirect(h.srv, protocol.PathMulticastCreate, p).Body.Bytes()) == protocol.Success {
						accepted.Add(1)
					}
				})
			}
			wg.Wait()
			return fmt.Sprint(accepted.Load(), " accepted")
		},
		faultChecksumRecordsRefused: func(t *testing.T, h *harness, _ func(time.Time)) string {
			p := payload(healthy(h), func(p map[string]any) { p["calls"] = []any{call("1")} })
			return plainTwice(p, p)(h)
		},
		faultChecksumNeverExpires: func(t *testing.T, h *harness, setNow func(time.Time)) string {
			p := payload(healthy(h), func(p map[string]any) {
				p["calls"].([]any)[0].(map[string]any)["start-time"] = "2026-06-10T10:00:00Z"
			})
			h.post(protocol.PathMulticastCreate, p)
			setNow(testNow.Add(25 * time.Hour))
			return codeOf(h.post(protocol.PathMulticastCreate, p))
		},
		faultLeakStage: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathEncMulticastCreate, garbageFor(healthy(h).ID)))
		},
		faultWrongEcho: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return h.create(healthy(h), false, payload(healthy(h), func(p map[string]any) {
				p["calls"] = []any{map[string]any{"client-identifier": "C1", "start-time": tomorrow, "contact-numbers": []string{"7016225597"}}}
			})).body.CallDetails[0].ClientIdentifier
		},
		faultTrustForwardedFor: func(t *testing.T, h *harness, _ func(time.Time)) string {
			f := h.flow("ip-not-whitelisted", protocol.KindMulticast)
			return codeOf(h.do("POST", protocol.PathMulticastCreate, payload(f), map[string]string{"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.7, 127.0.0.1"}))
		},
		faultIPCheckAfterOpen: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathEncMulticastCreate, garbageFor(h.flow("ip-not-whitelisted", protocol.KindMulticast).ID)))
		},
		faultSkipIPCheck: func(t *testing.T, h *harness, _ func(time.Time)) string {
			f := h.flow("ip-not-whitelisted", protocol.KindDialer)
			return codeOf(h.create(f, true, payload(f)))
		},
		faultShortRSA: func(t *testing.T, h *harness, _ func(time.Time)) string {
			f := healthy(h)
			for {
				env, err := envelope.Seal(payload(f), f.ID, f.PublicKey, nil)
				if err != nil {
					t.Fatal(err)
				}
				sig, _ := base64.StdEncoding.DecodeString(env.RequestDigitalSignatureValue)
				if sig[0] != 0 {
					continue // about 1 in 256 RSA values has a leading zero byte
				}
				env.RequestDigitalSignatureValue = base64.StdEncoding.EncodeToString(sig[1:])
				b, _ := json.Marshal(env)
				return codeOf(h.post(protocol.PathEncMulticastCreate, b))
			}
		},
		faultLenientBase64: func(t *testing.T, h *harness, _ func(time.Time)) string {
			f := healthy(h)
			env, _ := envelope.Seal(payload(f), f.ID, f.PublicKey, nil)
			env.RequestEncryptedValue = strings.TrimRight(env.RequestEncryptedValue, "=") + "\r\n"
			b, _ := json.Marshal(env)
			return codeOf(h.post(protocol.PathEncMulticastCreate, b))
		},
		faultDuplicateKeys: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathMulticastCreate, append([]byte(`{"api-version":"TEST",`), payload(healthy(h))[1:]...)))
		},
		faultTrailingData: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathMulticastCreate, append(payload(healthy(h)), "{}"...)))
		},
		faultInvalidUTF8: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathMulticastCreate, bytes.Replace(payload(healthy(h)), []byte("Asha"), []byte("A\xffsha"), 1)))
		},
		faultPastStartDate: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathMulticastCreate, payload(healthy(h), func(p map[string]any) {
				p["calls"].([]any)[0].(map[string]any)["start-time"] = "2026-05-31T10:00:00Z"
			})))
		},
		faultOtherKind: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathMulticastCreate, payload(h.flow("healthy", protocol.KindDialer))))
		},
		faultIgnoreTestWhitelist: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathMulticastCreate, payload(healthy(h), func(p map[string]any) {
				p["api-version"] = "TEST"
				p["calls"] = []any{call("8123456789")}
			})))
		},
		faultIgnoreContentType: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.do("POST", protocol.PathMulticastCreate, payload(healthy(h)), map[string]string{"Content-Type": "text/plain"}))
		},
		faultNoBodyLimit: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathMulticastCreate, padTo(payload(healthy(h)), 300<<10)))
		},
		faultMirrorHTTPStatus: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.post(protocol.PathMulticastCreate, payload(healthy(h), func(p map[string]any) { p["api-version"] = "3" })))
		},
		faultNoRequestID: func(t *testing.T, h *harness, _ func(time.Time)) string {
			r := h.do("POST", protocol.PathPull, []byte(`{}`), map[string]string{"Content-Type": "application/json"})
			return r.header.Get("request-id") + "/" + r.body.RequestID
		},
		faultKeepOldKey: func(t *testing.T, h *harness, _ func(time.Time)) string {
			f := h.flow("rotatable", protocol.KindMulticast)
			b, _ := json.Marshal(map[string]string{"flow-id": f.ID, "security-id": f.SecurityID})
			pub, err := envelope.ParsePublicKeyPEM([]byte(h.post(protocol.PathGenerateKeyPair, b).body.PublicKey))
			if err != nil {
				t.Fatal(err)
			}
			rotated := *f
			rotated.PublicKey = pub
			return codeOf(h.create(&rotated, true, payload(f)))
		},
		faultEncryptDataRandomKey: func(t *testing.T, h *harness, _ func(time.Time)) string {
			v := loadVector(t)
			return fmt.Sprint(h.post(protocol.PathEncryptData, encryptDataBody(v.PayloadB64, v.AESKey, healthy(h).ID)).body.EncValue == v.EncryptedValue)
		},
		faultPullCrossFlow: func(t *testing.T, h *harness, _ func(time.Time)) string {
			d := h.flow("healthy", protocol.KindDialer)
			id := h.create(d, false, payload(d)).body.CallDetails[0].PhononUUID
			return codeOf(pull(t, h, healthy(h), []string{id}))
		},
		faultPanicOnCreate: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return codeOf(h.create(healthy(h), false, payload(healthy(h))))
		},
		faultEmptyCallsAs210: func(t *testing.T, h *harness, _ func(time.Time)) string {
			f := healthy(h)
			return codeOf(h.create(f, false, payload(f, func(p map[string]any) { p["calls"] = []any{} })))
		},
		faultUpperCaseMessages: func(t *testing.T, h *harness, _ func(time.Time)) string {
			f := healthy(h)
			r := h.create(f, false, payload(f, func(p map[string]any) { p["calls"] = []any{call(), call("1")} }))
			return r.body.Message + " / " + r.body.CallDetails[1].Message
		},
		faultContentTypeTextPlain: func(t *testing.T, h *harness, _ func(time.Time)) string {
			return h.create(healthy(h), false, payload(healthy(h))).header.Get("Content-Type")
		},
	}
}

// TestNamedFaults: each named fault changes what its probe observes.
func TestNamedFaults(t *testing.T) {
	probes := faultProbes()
	maps.Copy(probes, stageFaultProbes())
	maps.Copy(probes, boundaryProbes())
	for _, nf := range allNamed() {
		t.Run(nf.name, func(t *testing.T) {
			p, ok := probes[nf.name]
			if !ok {
				t.Fatal("no probe for this fault")
			}
			observe := func(fault Fault) string {
				var now atomic.Pointer[time.Time]
				now.Store(&testNow)
				h := newHarness(t, Options{Fault: fault, Now: func() time.Time { return *now.Load() }})
				return p(t, h, func(at time.Time) { now.Store(&at) })
			}
			correct, faulty := observe(Fault{}), observe(Fault{name: nf.name})
			if correct == faulty {
				t.Errorf("the fault changes nothing: both servers answer %s", correct)
			}
			t.Logf("correct: %s; %s: %s", correct, nf.name, faulty)
		})
	}
}
