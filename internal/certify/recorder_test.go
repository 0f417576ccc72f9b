package certify

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

func TestRecorderForcesEveryCode(t *testing.T) {
	rec := &Recorder{Next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("a forced answer reached the next handler")
	})}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	for _, code := range protocol.All() {
		rec.Force(code, []string{"c-1", "c-2"})
		resp, err := http.Post(srv.URL+protocol.PathEncMulticastCreate, "application/json", bytes.NewReader([]byte(`{"a":1}`)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var got struct {
			Code        protocol.Code `json:"api-response-code"`
			Message     string        `json:"api-response-message"`
			RequestID   string        `json:"request-id"`
			CallDetails []callDetail  `json:"call-details"`
		}
		if err := strictjson.Unmarshal(body, &got); err != nil {
			t.Fatalf("%v: %v: %s", code, err, body)
		}
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || got.Code != code ||
			got.Message != code.Message() || got.RequestID == "" || resp.Header.Get("request-id") != got.RequestID {
			t.Errorf("%v: HTTP %d %v: %s", code, resp.StatusCode, resp.Header, body)
		}
		wantCalls := map[protocol.Code]int{protocol.Success: 2, protocol.PartialSuccess: 2, protocol.InvalidContactNumber: 2, protocol.PhoneNotWhitelisted: 2}[code]
		if len(got.CallDetails) != wantCalls {
			t.Errorf("%v: %d call-details, want %d", code, len(got.CallDetails), wantCalls)
		}
		exs := rec.Take()
		if len(exs) != 1 || !exs[0].Forced || string(exs[0].Body) != `{"a":1}` || !bytes.Equal(exs[0].ResponseBody, body) {
			t.Errorf("%v: recorded %+v", code, exs)
		}
	}
}

func TestRecorderPassesOnAndRecords(t *testing.T) {
	rec := &Recorder{Next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusTeapot)
		json.NewEncoder(w).Encode(map[string]string{"echo": string(body)})
	})}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/x?y=1", "text/plain", bytes.NewReader([]byte("hello")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	exs := rec.Take()
	if len(exs) != 1 {
		t.Fatalf("%d exchanges", len(exs))
	}
	ex := exs[0]
	if ex.Method != "POST" || ex.Path != "/x" || ex.RawQuery != "y=1" || ex.Header.Get("Content-Type") != "text/plain" ||
		string(ex.Body) != "hello" || ex.Status != http.StatusTeapot || string(ex.ResponseBody) != "{\"echo\":\"hello\"}\n" || ex.Forced {
		t.Errorf("recorded %+v", ex)
	}
	if len(rec.Take()) != 0 {
		t.Error("Take did not clear the recording")
	}
}
