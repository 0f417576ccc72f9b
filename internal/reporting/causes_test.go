package reporting

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
)

func TestNormalizeCause(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"request-id e51e6993-61d0-4327-9069-8ee268821929", "request-id <uuid>"},
		{"at 2026-03-01T10:15:00+05:30 and 2026-03-01 10:15", "at <time> and <time>"},
		{"answered after 12ms, then 1.5s", "answered after <duration>, then <duration>"},
		{"client-identifier ecb-fdf89e-0009-AAAA", "client-identifier ecb-<hex>-<n>-AAAA"},
		{"phonon-uuid 4711 for 9876501234", "phonon-uuid <n> for <n>"},
		{`"requestValue":"q8Jx3RzT0PlmKfh2bQ9sVw1nA4oE5dXc"`, `"requestValue":"<data>"`},
		// Kept: status codes, words that are hex, endpoint paths.
		{"api-response-code 401 (IP_NOT_WHITELISTED), HTTP 200", "api-response-code 401 (IP_NOT_WHITELISTED), HTTP 200"},
		{"a decade of facade", "a decade of facade"},
		{"POST /kairos-apis/enc/outbounddialer/create", "POST /kairos-apis/enc/outbounddialer/create"},
	} {
		if got := normalizeCause(c.in); got != c.want {
			t.Errorf("normalizeCause(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestNormalizeActual: in an Actual line, the harness's words are
// normalised, a quoted value's varying parts set aside, and the target's
// quoted text kept byte for byte.
func TestNormalizeActual(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// The target's text: kept, escapes and numbers included.
		{`"bad \xFF\xFE bytes, \u001b[2J\u001b[31mred\u001b[0m and \u202Eevil"`, `"bad \xFF\xFE bytes, \u001b[2J\u001b[31mred\u001b[0m and \u202Eevil"`},
		{`"retry in 15s, 4096 calls queued"`, `"retry in 15s, 4096 calls queued"`},
		{`"\u001b[0m"`, `"\u001b[0m"`},
		{`"a \"quoted 12ms\" inside"`, `"a \"quoted 12ms\" inside"`},
		// Values: their varying parts set aside.
		{`"e51e6993-61d0-4327-9069-8ee268821929" after 12ms`, `"<uuid>" after <duration>`},
		{`"ecb-fdf89e-0009-AAAA" (client-identifier)`, `"ecb-<hex>-<n>-AAAA" (client-identifier)`},
		{`start-time "2026-03-01 10:15"`, `start-time "<time>"`},
		{`{"api-response-code":400,"api-response-message":"Invalid Flow ID","request-id":"e51e6993-61d0-4327-9069-8ee268821929"}`,
			`{"api-response-code":400,"api-response-message":"Invalid Flow ID","request-id":"<uuid>"}`},
		// The harness's words around an unclosed quote.
		{`no answer within 10s: "cut 5ms`, `no answer within <duration>: "cut 5ms`},
	} {
		if got := normalizeActual(c.in); got != c.want {
			t.Errorf("normalizeActual(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// failedWith is a failed scenario whose failing step's error is h2spec-style.
func failedWith(line int, tags []string, req, expected, actual string) *Scenario {
	err := fmt.Sprintf("%s\nExpected: %s\nActual:   %s\nPath:     api-response-message\nExchange: POST /x -> HTTP 200, request-id %08x-61d0-4327-9069-8ee268821929",
		req, expected, actual, line)
	return &Scenario{
		URI: "features/x.feature", Name: fmt.Sprintf("scenario %d", line), Line: line, Tags: tags,
		Status: "failed", Outcome: Failed,
		Steps: []*Step{{Keyword: "Then", Text: "the response code is 401", Status: "failed", Error: err}},
	}
}

func TestCausesGroupFailures(t *testing.T) {
	msg := `api-response-message "IP Not Whitelisted" for 401, character for character (SPEC.md section 5's table)`
	code := "api-response-code 401 (IP_NOT_WHITELISTED)"
	var scs []*Scenario
	// Five message failures in two kinds of scenario: one cause, the
	// expectation names its rule.
	for i := 0; i < 3; i++ {
		scs = append(scs, failedWith(10+i, []string{"@status-401", "@endpoint-enc-multicast"}, "SPEC.md 5.3 [doc]: off the whitelist", msg, `"IP NOT WHITELISTED"`))
	}
	for i := 0; i < 2; i++ {
		scs = append(scs, failedWith(20+i, []string{"@status-401", "@endpoint-plain-dialer"}, "SPEC.md 6.12 [ref]: key generation", msg, `"IP NOT WHITELISTED"`))
	}
	// The same wrong code under two requirements: two causes, the
	// expectation does not name its rule.
	scs = append(scs,
		failedWith(30, []string{"@status-401"}, "SPEC.md 5.3 [doc]: off the whitelist", code, "api-response-code 200 (SUCCESS), phonon-uuid 1b4e28ba-2fa1-11d2-883f-0016d3cca427"),
		failedWith(31, []string{"@status-401"}, "SPEC.md 5.3 [doc]: off the whitelist", code, "api-response-code 200 (SUCCESS), phonon-uuid 6fa459ea-ee8a-3ca4-894e-db77e160355e"),
		failedWith(32, []string{"@status-401"}, "SPEC.md 6.12 [ref]: key generation", code, "api-response-code 200 (SUCCESS), phonon-uuid 16fd2706-8baf-433b-82eb-8c7fada847da"))

	causes := Causes(scs)
	if len(causes) != 3 {
		for _, c := range causes {
			t.Logf("%d × %q / %q / %q", c.Count(), c.Heading(0), c.Expected, c.Actual)
		}
		t.Fatalf("%d causes, want 3", len(causes))
	}
	first := causes[0]
	if first.Count() != 5 || first.Requirement != "" || first.Heading(0) != "in scenarios of SPEC.md 5.3, 6.12" ||
		first.Actual != `"IP NOT WHITELISTED"` || strings.Join(first.Endpoints, ",") != "enc-multicast,plain-dialer" || strings.Join(first.Codes, ",") != "401" {
		t.Errorf("first cause: %d × %q, expected %q, actual %q, endpoints %v, codes %v", first.Count(), first.Heading(0), first.Expected, first.Actual, first.Endpoints, first.Codes)
	}
	if causes[1].Count() != 2 || !strings.HasPrefix(causes[1].Requirement, "SPEC.md 5.3") || causes[1].Actual != "api-response-code 200 (SUCCESS), phonon-uuid <uuid>" {
		t.Errorf("second cause: %d × %q / %q", causes[1].Count(), causes[1].Requirement, causes[1].Actual)
	}
	if causes[2].Count() != 1 || !strings.HasPrefix(causes[2].Requirement, "SPEC.md 6.12") {
		t.Errorf("third cause: %d × %q", causes[2].Count(), causes[2].Requirement)
	}
}

func TestTallyAddsUpAndIsSharedByEveryReport(t *testing.T) {
	run := buildSample(t, Options{})
	c := run.Counts()
	sum := 0
	for _, it := range c.Tally() {
		sum += it.N
	}
	if sum != c.Total {
		t.Errorf("the tally adds up to %d, the run has %d scenarios: %+v", sum, c.Total, c.Tally())
	}
	html, err := HTML(run)
	if err != nil {
		t.Fatal(err)
	}
	junit, err := JUnitXML(run)
	if err != nil {
		t.Fatal(err)
	}
	summary := NewSummary(run)
	for _, it := range c.Shown() {
		tile := fmt.Sprintf(`<span class="num">%d</span><span class="lbl">%s</span>`, it.N, it.Label)
		if !strings.Contains(string(html), tile) {
			t.Errorf("report.html lacks the tile %q", tile)
		}
		if summary.Counts[it.Key] != it.N {
			t.Errorf("summary.json counts.%s = %d, want %d", it.Key, summary.Counts[it.Key], it.N)
		}
	}
	if !strings.Contains(string(junit), fmt.Sprintf(`name="summary" value="%s"`, run.VerdictLine())) {
		t.Errorf("junit.xml lacks the summary property %q", run.VerdictLine())
	}
	if summary.Text != run.VerdictLine() || !strings.HasPrefix(summary.Text, summary.Verdict+": ") {
		t.Errorf("summary.json text %q, verdict %q; console line %q", summary.Text, summary.Verdict, run.VerdictLine())
	}
}

func TestSummaryCarriesTimingMedians(t *testing.T) {
	table := "fails at the RSA padding     median  10.18ms  (30 answers)\n" +
		"fails at the AES padding     median    950µs  (30 answers)\n" +
		"finding rule: p < 0.001 and medians apart by more than max(5ms, 20% of the faster median)\n"
	run := &Run{Scenarios: []*Scenario{{URI: "features/timing.feature", Line: 12, Name: "alike in time", Outcome: Passed,
		Steps: []*Step{{Status: "passed", Attachments: []Attachment{{Name: evidence.AttachTiming, Data: []byte(table)}}}}}}}
	s := NewSummary(run)
	if len(s.Timing) != 1 {
		t.Fatalf("timing %+v", s.Timing)
	}
	got := s.Timing[0]
	if got.Scenario != "features/timing.feature:12" || got.Outcome != "passed" || len(got.Medians) != 2 ||
		got.Medians["fails at the RSA padding"] != 10.18 || got.Medians["fails at the AES padding"] != 0.95 {
		t.Errorf("timing %+v", got)
	}
	var out strings.Builder
	WriteSummary(&out, run, nil)
	if !strings.Contains(out.String(), "Timing uniformity: 1 scenario measured answer times: 1 passed, 0 failed, 0 skipped") {
		t.Errorf("console:\n%s", out.String())
	}
}
