package reporting

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
)

// JUnit XML, written by this package rather than godog's junit formatter,
// which reports the steps skipped after a failure as <error type="skipped">
// (godog issue #375), which CI tools rank above failures. Here: one
// <testcase> per scenario, grouped in one <testsuite> per feature; a skipped
// scenario is <skipped message="reason"/>, never an error. A scenario the
// run never reached (interrupted, or stopped because the target stopped
// answering) is <error type="not run">: it was neither judged nor
// deliberately skipped, and a CI page must not show it as either.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	File       string          `xml:"file,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnitXML renders the run as one JUnit XML document.
func JUnitXML(run *Run) ([]byte, error) {
	// The profile's name titles the document, as it titles report.html,
	// so that CI shows which target the results are of.
	root := junitSuites{Name: "kairos-conformance"}
	if run.Meta.ProfileName != "" {
		root.Name += ": " + run.Meta.ProfileName
	}
	var suites []*junitSuite
	byFeature := map[string]*junitSuite{}
	suiteTime := map[*junitSuite]time.Duration{}
	var total time.Duration
	for _, sc := range run.Scenarios {
		s := byFeature[sc.URI+"\x00"+sc.Feature]
		if s == nil {
			s = &junitSuite{Name: sc.Feature, File: sc.URI, Properties: junitProperties(run)}
			if !run.Meta.Started.IsZero() {
				s.Timestamp = run.Meta.Started.UTC().Format(time.RFC3339)
			}
			byFeature[sc.URI+"\x00"+sc.Feature] = s
			suites = append(suites, s)
		}
		c := junitCaseOf(sc)
		s.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
		suiteTime[s] += sc.Duration()
		total += sc.Duration()
	}
	for _, s := range suites {
		dedupeCaseNames(s.Cases)
		s.Time = seconds(suiteTime[s])
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Errors += s.Errors
		root.Skipped += s.Skipped
		root.Suites = append(root.Suites, *s)
	}
	root.Time = seconds(total)
	out, err := xml.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func junitCaseOf(sc *Scenario) junitCase {
	c := junitCase{Name: sc.Name, Classname: sc.Feature, File: sc.URI, Line: sc.Line, Time: seconds(sc.Duration())}
	switch sc.Outcome {
	case Failed, KnownFailurePassed:
		msg := sc.Reason
		if st := sc.FailedStep(); st != nil && st.Error != "" {
			msg = firstLine(st.Error)
		}
		if sc.Outcome == KnownFailurePassed {
			msg = "known failure passed: " + sc.Reason
		}
		c.Failure = &junitFailure{Message: msg, Type: string(sc.Outcome), Text: failureText(sc)}
	case Skipped:
		c.Skipped = &junitSkipped{Message: sc.Reason}
	case FailedAsExpected:
		// As pytest reports an xfail: skipped, with what happened.
		c.Skipped = &junitSkipped{Message: sc.Reason}
		c.SystemOut = failureText(sc)
	case NotRun:
		c.Error = &junitFailure{Message: "not run: " + sc.Reason, Type: string(NotRun), Text: failureText(sc)}
	case Warning:
		c.SystemOut = "WARNING: security finding: " + strings.Join(sc.Findings, "\nWARNING: security finding: ")
	case Deviation:
		// JUnit has no "warning": a <failure> would turn CI red on a run whose
		// exit code is 0, and <skipped> would say it was not judged. It ran,
		// and it is not a failure, so it is a passing testcase whose output
		// says, first, that it deviates, then what a failure would have shown.
		c.SystemOut = "DEVIATION (strictness: documented; not a failure)\n" + failureText(sc)
	}
	return c
}

// failureText is what a CI page shows under a failure: the steps, the
// failing step's Expected / Actual, and the evidence.
func failureText(sc *Scenario) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", sc.Location(), sc.Name)
	if sc.Reason != "" {
		fmt.Fprintf(&b, "%s\n", sc.Reason)
	}
	for _, st := range sc.Steps {
		fmt.Fprintf(&b, "  [%s] %s %s\n", st.Status, st.Keyword, st.Text)
		if st.Error != "" {
			fmt.Fprintf(&b, "%s\n", indent(st.Error, "      "))
		}
	}
	for _, a := range sc.Evidence(evidenceNames()...) {
		fmt.Fprintf(&b, "--- %s\n%s\n", a.Name, evidence.ShortenEnvelope(string(a.Data)))
	}
	return b.String()
}

func junitProperties(run *Run) []junitProperty {
	m := run.Meta
	props := []junitProperty{
		{"summary", run.VerdictLine()},
		{"target", m.Target},
		{"profile", m.Profile},
		{"profile-name", m.ProfileName},
		{"harness-version", m.HarnessVersion},
		{"redacted", fmt.Sprint(m.Redacted)},
		{"interrupted", fmt.Sprint(m.Interrupted)},
		{"strictness", string(m.Strictness)},
		{"stopped", m.Stopped},
		{"diagnosis", m.Diagnosis},
	}
	if t := m.Traffic; t != nil {
		props = append(props,
			junitProperty{"requests", t.RequestsText(m.elapsed())},
			junitProperty{"accepted-calls", fmt.Sprint(t.AcceptedCalls)},
			junitProperty{"calls", t.CallsText()})
	}
	return props
}

// dedupeCaseNames appends the line to names a Scenario Outline repeats, so
// CI tools do not fold its rows into one test.
func dedupeCaseNames(cases []junitCase) {
	n := map[string]int{}
	for _, c := range cases {
		n[c.Name]++
	}
	for i, c := range cases {
		if n[c.Name] > 1 {
			cases[i].Name = fmt.Sprintf("%s (line %d)", c.Name, c.Line)
		}
	}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
