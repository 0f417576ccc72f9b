package reporting

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

type parsedJUnit struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			Error     *struct{} `xml:"error"`
			SystemOut string    `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitSkippedIsNotAnError(t *testing.T) {
	data, err := JUnitXML(buildSample(t, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var j parsedJUnit
	if err := xml.Unmarshal(data, &j); err != nil {
		t.Fatalf("junit.xml does not parse: %v\n%s", err, data)
	}
	if bytes.Contains(data, []byte("<error")) || j.Errors != 0 {
		t.Errorf("junit.xml has errors:\n%s", data)
	}
	if j.Tests != 8 || j.Failures != 4 || j.Skipped != 1 || len(j.Suites) != 1 {
		t.Errorf("tests %d failures %d skipped %d suites %d", j.Tests, j.Failures, j.Skipped, len(j.Suites))
	}
	names := map[string]bool{}
	for _, c := range j.Suites[0].Cases {
		if names[c.Name] {
			t.Errorf("two test cases named %q", c.Name)
		}
		names[c.Name] = true
		switch {
		case c.Name == "a flow without a DID":
			if c.Skipped == nil || !strings.Contains(c.Skipped.Message, `maps no flow to role "no-did-dialer"`) {
				t.Errorf("skip without its reason: %+v", c.Skipped)
			}
		case c.Name == "a wrong security id is refused":
			if c.Failure == nil || !strings.Contains(c.Failure.Text, "Expected: api-response-code 202") || !strings.Contains(c.Failure.Text, "--- response") {
				t.Errorf("failure without Expected / evidence: %+v", c.Failure)
			}
		case c.Name == "a tampered envelope is refused":
			if c.Failure != nil || c.Skipped != nil || !strings.Contains(c.SystemOut, "WARNING: security finding") {
				t.Errorf("warning: %+v", c)
			}
		}
	}
	if !names["invalid contact numbers are refused (line 33)"] {
		t.Errorf("outline rows are not told apart: %v", names)
	}
}

func TestMatrixCells(t *testing.T) {
	m := BuildMatrix(buildSample(t, Options{}))
	if len(m.Rows) != 22 || len(m.Endpoints) != 7 {
		t.Fatalf("matrix %d×%d, want 22×7", len(m.Rows), len(m.Endpoints))
	}
	cell := func(code protocol.Code, endpoint string) Cell {
		for _, r := range m.Rows {
			if r.Code == code {
				for i, e := range m.Endpoints {
					if e.Tag == endpoint {
						return r.Cells[i]
					}
				}
			}
		}
		t.Fatalf("no cell %v × %s", code, endpoint)
		return Cell{}
	}
	tests := []struct {
		code     protocol.Code
		endpoint string
		state    CellState
		summary  string
	}{
		{protocol.Success, "endpoint-enc-multicast", CellPassed, "1 passed"},
		{protocol.InvalidSecurityID, "endpoint-enc-multicast", CellFailed, "1 failed"},
		{protocol.DIDNotMapped, "endpoint-enc-dialer", CellSkipped, "1 skipped"},
		{protocol.InvalidFormat, "endpoint-enc-multicast", CellWarning, "1 warning"},
		{protocol.InvalidContactNumber, "endpoint-plain-dialer", CellFailed, "1 failed, 1 passed"},
		{protocol.Success, "endpoint-pull", CellNone, ""},
	}
	for _, tt := range tests {
		c := cell(tt.code, tt.endpoint)
		if c.State != tt.state || c.Summary() != tt.summary {
			t.Errorf("%v × %s: %s %q, want %s %q", tt.code, tt.endpoint, c.State, c.Summary(), tt.state, tt.summary)
		}
	}
	skipped := cell(protocol.DIDNotMapped, "endpoint-enc-dialer")
	if len(skipped.Notes) != 1 || !strings.Contains(m.Reasons[skipped.Notes[0]-1], "no-did-dialer") || !strings.Contains(skipped.Tooltip(), "no-did-dialer") {
		t.Errorf("skipped cell does not carry its reason: notes %v reasons %q tooltip %q", skipped.Notes, m.Reasons, skipped.Tooltip())
	}
}

func TestHTMLIsSelfContainedAndComplete(t *testing.T) {
	page, err := HTML(buildSample(t, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	// Nothing to fetch: no scripts, stylesheets, images or fonts from anywhere.
	for _, re := range []string{`<script`, `<link`, `<img`, `src=`, `@import`, `url\(`, `href="(?:https?:)?//`} {
		if regexp.MustCompile(re).MatchString(html) {
			t.Errorf("report.html matches %s: it must load nothing", re)
		}
	}
	for _, want := range []string{
		"http://127.0.0.1:9", "fixtures/profiles/staging.yaml", "test", // target, profile, version
		"INVALID_SECURITY_ID", "FAILURE", // matrix rows
		"Expected", "api-response-code 202 for security-id", // Expected / Actual
		"payload (decrypted)", "request-id", // evidence
		"QUJDQUJDQUJDQUJD…",                            // envelope fields shortened
		`maps no flow to role &#34;no-did-dialer&#34;`, // skip reason
		"timing oracle",                                // security finding
		"Timing uniformity", "median  46.36ms",         // timing section
		"skipped without a reason",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if n := strings.Count(html, `<th class="code">`); n != 22 {
		t.Errorf("%d matrix rows, want 22", n)
	}
}

func TestConsoleSummary(t *testing.T) {
	var out bytes.Buffer
	WriteSummary(&out, buildSample(t, Options{}), []string{"reports/report.html"})
	s := out.String()
	for _, want := range []string{
		"FAILED  features/encrypted.feature:10  a wrong security id is refused",
		"    Expected: api-response-code 202",
		"    Actual:   api-response-code 200",
		`1 × profile staging.yaml maps no flow to role "no-did-dialer"`,
		"WARNING  features/encrypted.feature",
		"Reports: reports/report.html",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("console lacks %q:\n%s", want, s)
		}
	}
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if last := lines[len(lines)-1]; last != "FAILED: 2 passed, 4 failed, 1 skipped, 1 security warning" {
		t.Errorf("closing line %q", last)
	}
}

func TestWriteReportsIsAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "reports")
	run := buildSample(t, Options{})
	for i := 0; i < 2; i++ { // the second run replaces the first's files
		paths, err := WriteReports(dir, run)
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) != len(ReportFiles) {
			t.Fatalf("paths %v", paths)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "cucumber.json junit.xml report.html summary.json" {
		t.Errorf("reports directory holds %v: a temporary file was left behind", names)
	}
}

// The profile's name titles junit.xml as it titles report.html.
func TestJUnitTitledByProfileName(t *testing.T) {
	run := buildSample(t, Options{})
	for name, want := range map[string]string{"": `<testsuites name="kairos-conformance"`, "phonon-staging": `<testsuites name="kairos-conformance: phonon-staging"`} {
		run.Meta.ProfileName = name
		data, err := JUnitXML(run)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("profile name %q: Expected %s, Actual %.200s", name, want, data)
		}
	}
}
