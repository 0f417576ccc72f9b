package reporting

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kairos-conformance/kairos-conformance/internal/redact"
)

const stoppedCause = "the target at http://127.0.0.1:9 stopped answering: 3 exchanges in a row got no answer (the last: timeout: no complete answer in time)"

// stoppedCucumber is godog's JSON for a run the watch stopped: one scenario
// whose request timed out (a real failure: the streak), one in flight when
// the run was cancelled, one started after it, one that had not started,
// and one skipped with a reason before it all.
func stoppedCucumber() []byte {
	return []byte(`[{"uri":"features/a.feature","name":"A","elements":[
	 {"name":"timed out","line":3,"type":"scenario","steps":[
	   {"keyword":"When ","name":"x","line":4,"result":{"status":"passed"}},
	   {"keyword":"Then ","name":"y","line":5,"result":{"status":"failed","error_message":"Expected: an HTTP response\nActual:   no response: no answer within 1s: context deadline exceeded"}}]},
	 {"name":"in flight","line":7,"type":"scenario","steps":[
	   {"keyword":"Given ","name":"w","line":8,"result":{"status":"passed"}},
	   {"keyword":"When ","name":"x","line":9,"result":{"status":"failed","error_message":"Expected: an HTTP response\nActual:   no response: Post \"http://t/\": context canceled"}},
	   {"keyword":"Then ","name":"y","line":10,"result":{"status":"skipped"}}]},
	 {"name":"started after","line":12,"type":"scenario","steps":[
	   {"keyword":"When ","name":"x","line":13,"result":{"status":"failed","error_message":"the run was cancelled before this scenario could finish: ` + stoppedCause + `"}}]},
	 {"name":"not started","line":15,"type":"scenario","steps":[{"keyword":"When ","name":"x","line":16,"result":{"status":"skipped"}}]},
	 {"name":"no role","line":18,"type":"scenario","steps":[{"keyword":"Given ","name":"z","line":19,"result":{"status":"skipped"},
	   "embeddings":[{"name":"skip-reason","mime_type":"text/plain","data":"` + base64.StdEncoding.EncodeToString([]byte("the profile maps no flow to role x")) + `"}]}]}]}]`)
}

func TestStoppedRunIsNotRunInEveryReport(t *testing.T) {
	meta := sampleMeta()
	meta.Stopped = stoppedCause
	run, err := Build(meta, stoppedCucumber(), Options{Redactor: redact.Disabled(), InterruptCause: stoppedCause})
	if err != nil {
		t.Fatal(err)
	}
	want := []Outcome{Failed, NotRun, NotRun, NotRun, Skipped}
	for i, sc := range run.Scenarios {
		if sc.Outcome != want[i] {
			t.Errorf("%s: %s, want %s", sc.Name, sc.Outcome, want[i])
		}
		if sc.Outcome == NotRun && sc.Reason != stoppedCause {
			t.Errorf("%s: reason %q", sc.Name, sc.Reason)
		}
	}
	if v := run.Verdict(); v != "STOPPED" {
		t.Errorf("verdict %s", v)
	}

	var console bytes.Buffer
	WriteSummary(&console, run, nil)
	lines := strings.Split(strings.TrimSpace(console.String()), "\n")
	if last := lines[len(lines)-1]; last != "STOPPED: 0 passed, 1 failed, 1 skipped, 3 not run" {
		t.Errorf("closing line %q", last)
	}
	if !strings.Contains(console.String(), "The harness stopped the run: "+stoppedCause) ||
		!strings.Contains(console.String(), "  3 × "+stoppedCause) {
		t.Errorf("the console does not say why:\n%s", console.String())
	}

	junit, err := JUnitXML(run)
	if err != nil {
		t.Fatal(err)
	}
	var j parsedJUnit
	if err := xml.Unmarshal(junit, &j); err != nil {
		t.Fatal(err)
	}
	if j.Tests != 5 || j.Failures != 1 || j.Errors != 3 || j.Skipped != 1 {
		t.Errorf("junit: tests %d failures %d errors %d skipped %d\n%s", j.Tests, j.Failures, j.Errors, j.Skipped, junit)
	}
	if !bytes.Contains(junit, []byte(`<error message="not run: `+xmlEscape(stoppedCause)+`" type="not run">`)) {
		t.Errorf("junit.xml does not mark not-run scenarios as such:\n%s", junit)
	}

	var cuke []struct {
		Elements []struct {
			Name  string
			Steps []struct {
				Result struct {
					Status string `json:"status"`
					Error  string `json:"error_message"`
				} `json:"result"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(CucumberJSON(run), &cuke); err != nil {
		t.Fatal(err)
	}
	for _, e := range cuke[0].Elements[1:4] {
		var statuses []string
		for _, s := range e.Steps {
			statuses = append(statuses, s.Result.Status)
		}
		first := e.Steps[0].Result
		if e.Name == "in flight" {
			first = e.Steps[1].Result
			if e.Steps[0].Result.Status != "passed" {
				t.Errorf("%s: a step that ran and passed is now %s", e.Name, e.Steps[0].Result.Status)
			}
		}
		if first.Status != "skipped" || first.Error != "not run: "+stoppedCause || strings.Contains(strings.Join(statuses, " "), "failed") {
			t.Errorf("cucumber.json, %s: steps %v, first not-run step %+v", e.Name, statuses, first)
		}
	}
	if got := cuke[0].Elements[0].Steps[1].Result.Status; got != "failed" {
		t.Errorf("the real failure became %s in cucumber.json", got)
	}

	html, err := HTML(run)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"The harness stopped the run: " + htmlEscape(stoppedCause), `<section id="notrun">`, "STOPPED"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

// TestTargetTextIsCleanInEveryReport puts what the bad-utf8 target sends
// (invalid bytes, terminal escapes, a bidi override) into a step error and
// an attachment, and checks every report is valid UTF-8 without them.
func TestTargetTextIsCleanInEveryReport(t *testing.T) {
	hostile := "bad \xff\xfe bytes \x1b[2J\x1b[31mred \u202eevil \x9b31m"
	errJSON, _ := json.Marshal("Expected: api-response-code 400\nActual:   " + hostile)
	data := []byte(`[{"uri":"features/a.feature","name":"A","elements":[
	 {"name":"bad answer","line":3,"type":"scenario","steps":[
	   {"keyword":"Then ","name":"y","line":4,"result":{"status":"failed","error_message":` + string(errJSON) + `},
	    "embeddings":[{"name":"response","mime_type":"text/plain","data":"` + base64.StdEncoding.EncodeToString([]byte("HTTP 200\n\n"+hostile)) + `"}]}]}]}]`)
	meta := sampleMeta()
	meta.Diagnosis = "the target at http://127.0.0.1:9 is not speaking Kairos: 1 of 1 answers were text/\x1bhtml"
	run, err := Build(meta, data, Options{Redactor: redact.Disabled()})
	if err != nil {
		t.Fatal(err)
	}
	var console bytes.Buffer
	WriteSummary(&console, run, nil)
	junit, err := JUnitXML(run)
	if err != nil {
		t.Fatal(err)
	}
	html, err := HTML(run)
	if err != nil {
		t.Fatal(err)
	}
	cuke := CucumberJSON(run)
	var decoded any
	if err := json.Unmarshal(cuke, &decoded); err != nil {
		t.Fatal(err)
	}
	attachment := run.Scenarios[0].Steps[0].Attachments[0].Data
	for name, text := range map[string][]byte{"console": console.Bytes(), "junit.xml": junit, "report.html": html, "cucumber.json": cuke,
		"the decoded cucumber.json": []byte(stringsOf(decoded)), "the attachment": attachment} {
		if !utf8.Valid(text) {
			t.Errorf("%s is not valid UTF-8", name)
		}
		if bytes.ContainsAny(text, "\x1b\u202e\u009b") {
			t.Errorf("%s holds a control character or a bidi override", name)
		}
		if !bytes.Contains(text, []byte(`\u001B[2J`)) && name != "cucumber.json" {
			t.Errorf("%s does not show the escape sequence escaped", name)
		}
	}
	// The error message went through godog's JSON, which already replaced
	// the invalid bytes; the attachment is base64 there and keeps them, so
	// the reports show them escaped.
	for name, text := range map[string][]byte{"junit.xml": junit, "report.html": html, "the attachment": attachment} {
		if !bytes.Contains(text, []byte(`bad \xFF\xFE bytes \u001B[2J`)) {
			t.Errorf("%s does not show the invalid bytes escaped", name)
		}
	}
	if err := xml.Unmarshal(junit, new(parsedJUnit)); err != nil {
		t.Errorf("junit.xml: %v", err)
	}
}

// stringsOf joins every string of a decoded JSON document, attachments
// decoded from base64.
func stringsOf(v any) string {
	switch v := v.(type) {
	case string:
		if b, err := base64.StdEncoding.DecodeString(v); err == nil && len(v) > 8 {
			return string(b)
		}
		return v
	case []any:
		var b strings.Builder
		for _, e := range v {
			b.WriteString(stringsOf(e) + "\n")
		}
		return b.String()
	case map[string]any:
		var b strings.Builder
		for _, e := range v {
			b.WriteString(stringsOf(e) + "\n")
		}
		return b.String()
	}
	return ""
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// TestShippedCucumberReadsBackAsNotRun: the cucumber.json the reports ship
// tells a not-run scenario from a skip, so reading it again agrees.
func TestShippedCucumberReadsBackAsNotRun(t *testing.T) {
	meta := sampleMeta()
	meta.Stopped = stoppedCause
	run, err := Build(meta, stoppedCucumber(), Options{Redactor: redact.Disabled(), InterruptCause: stoppedCause})
	if err != nil {
		t.Fatal(err)
	}
	again, err := Build(sampleMeta(), CucumberJSON(run), Options{Redactor: redact.Disabled()})
	if err != nil {
		t.Fatal(err)
	}
	for i, sc := range again.Scenarios {
		if sc.Outcome != run.Scenarios[i].Outcome || sc.Reason != run.Scenarios[i].Reason {
			t.Errorf("%s: read back as %s (%q), shipped as %s (%q)", sc.Name, sc.Outcome, sc.Reason, run.Scenarios[i].Outcome, run.Scenarios[i].Reason)
		}
	}
}
