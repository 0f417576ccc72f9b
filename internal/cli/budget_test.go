package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// acceptingServer does not follow the spec: it accepts every create
// request whose payload it can read, placing every call it carries,
// whatever the request should have been refused for. It counts the calls
// it placed.
type acceptingServer struct {
	URL string

	mu     sync.Mutex
	placed int
}

func startAcceptingServer(t *testing.T, world *refserver.World) *acceptingServer {
	t.Helper()
	creates := map[string]bool{} // path -> encrypted
	for _, e := range protocol.Endpoints() {
		if e.Kind != "" {
			creates[e.Path] = e.Encrypted
		}
	}
	as := &acceptingServer{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		encrypted, isCreate := creates[r.URL.Path]
		payload := body
		if isCreate && encrypted {
			payload = nil
			var env envelope.Envelope
			if json.Unmarshal(body, &env) == nil {
				if flow, ok := world.Flow(env.FlowID); ok {
					payload, _ = envelope.Open(&env, flow.PrivateKey, envelope.PKCS1v15)
				}
			}
		}
		calls := gjson.GetBytes(payload, "calls")
		w.Header().Set("Content-Type", "application/json")
		requestID := newUUID()
		w.Header().Set("request-id", requestID)
		if !isCreate || !calls.IsArray() {
			fmt.Fprintf(w, `{"api-response-code":400,"api-response-message":"Invalid Format","request-id":%q}`, requestID)
			return
		}
		var details []map[string]string
		calls.ForEach(func(_, c gjson.Result) bool {
			details = append(details, map[string]string{"client-identifier": c.Get("client-identifier").String(), "phonon-uuid": newUUID()})
			return true
		})
		as.mu.Lock()
		as.placed += len(details)
		as.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"api-response-code": 200, "api-response-message": "Success", "request-id": requestID, "call-details": details})
	}))
	t.Cleanup(hs.Close)
	as.URL = hs.URL
	return as
}

func (as *acceptingServer) placedCalls() int {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.placed
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// TestCallBudgetHoldsAgainstAServerThatAcceptsEverything: the budget is a
// hard cap. Against a server that places every call it is sent, refusal
// scenarios included, a budget of 10 still lets it place at most 10; the
// rest are skipped with the reason, and the console says how many the
// target accepted, as the server counted them. (The scenarios that ran
// fail: the server is wrong. The budget's concern is the phones.)
func TestCallBudgetHoldsAgainstAServerThatAcceptsEverything(t *testing.T) {
	t.Parallel()
	world := referenceWorld(t)
	as := startAcceptingServer(t, world)
	profile := writeProfile(t, world, as.URL, nil, nil, "max-accepted-calls: 10")
	dir := t.TempDir()
	// Scenarios that send calls and expect them refused, on every create endpoint.
	code, stdout, stderr := runRunner(t, context.Background(), "--profile", profile, "--reports", dir, "--no-preflight",
		"--tags", "@status-202,@status-203,@status-210,@status-402")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d (the server accepts what it should refuse)\n%s\n%s", code, exitFailure, tail(stdout, 30), stderr)
	}
	placed := as.placedCalls()
	if placed > 10 || placed == 0 {
		t.Errorf("the server placed %d calls; want 1 to 10 (knobs.max-accepted-calls: 10)", placed)
	}
	if m := acceptedLine.FindStringSubmatch(stdout); m == nil || m[1] != strconv.Itoa(placed) {
		t.Errorf("the console says %q, the server placed %d", m, placed)
	}
	run := readReports(t, dir, reporting.Meta{})
	budgetSkips := 0
	for _, sc := range run.Select(reporting.Skipped) {
		if strings.Contains(sc.Reason, "knobs.max-accepted-calls: 10") {
			budgetSkips++
		}
	}
	if budgetSkips == 0 {
		t.Errorf("no scenario skipped for the budget: %+v", run.Counts())
	}
	t.Logf("the server placed %d calls; %d scenarios skipped for the budget; %+v", placed, budgetSkips, run.Counts())
}
