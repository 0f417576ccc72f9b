package reporting

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
)

// PrettyEvidence is an attachment as the HTML report shows it: JSON indented
// (keys kept in their order), envelope fields shortened.
func PrettyEvidence(a Attachment) string {
	data := bytes.TrimSpace(a.Data)
	var out bytes.Buffer
	if json.Valid(data) && json.Indent(&out, data, "", "  ") == nil {
		return evidence.ShortenEnvelope(out.String())
	}
	// Not JSON as a whole (say an HTTP dump): indent a JSON body after the
	// headers if there is one.
	text := string(a.Data)
	if i := strings.Index(text, "\n\n"); i >= 0 {
		body := bytes.TrimSpace([]byte(text[i+2:]))
		if json.Valid(body) && json.Indent(&out, body, "", "  ") == nil {
			text = text[:i+2] + out.String()
		}
	}
	return evidence.ShortenEnvelope(text)
}

// Verdict is a failing step's error split the way the steps write it
// (h2spec style): the requirement, then one or more mismatches, each
// "Expected:" / "Actual:" with details such as "Path:", then notes such as
// "Exchange:" that describe the whole step.
type Verdict struct {
	Requirement string
	Mismatches  []Mismatch
	Notes       []string
}

// Mismatch is one failed expectation.
type Mismatch struct {
	Expected string
	Actual   string
	Details  []string // "Path: api-response-code"
}

// keyedLine is "Key: value" with a capitalised key of a few words.
var keyedLine = regexp.MustCompile(`^([A-Z][A-Za-z -]{0,20}):\s*(.*)$`)

// SplitError splits an error message at its keyed lines. A message without
// "Expected:" is all requirement.
func SplitError(msg string) Verdict {
	var v Verdict
	var req []string
	var cur *Mismatch
	field := (*string)(nil) // the text continuation lines extend
	for _, line := range strings.Split(strings.TrimRight(msg, "\n"), "\n") {
		m := keyedLine.FindStringSubmatch(strings.TrimSpace(line))
		switch {
		case m != nil && m[1] == "Expected":
			v.Mismatches = append(v.Mismatches, Mismatch{Expected: m[2]})
			cur = &v.Mismatches[len(v.Mismatches)-1]
			field = &cur.Expected
		case m != nil && m[1] == "Actual" && cur != nil:
			cur.Actual = m[2]
			field = &cur.Actual
		case m != nil && m[1] == "Exchange":
			v.Notes = append(v.Notes, strings.TrimSpace(line))
			field = &v.Notes[len(v.Notes)-1]
		case m != nil && cur != nil:
			cur.Details = append(cur.Details, m[1]+": "+m[2])
			field = &cur.Details[len(cur.Details)-1]
		case cur == nil:
			req = append(req, line)
		case strings.TrimSpace(line) == "":
			field = nil
		case field != nil:
			*field += "\n" + line
		default:
			v.Notes = append(v.Notes, line)
		}
	}
	v.Requirement = strings.TrimSpace(strings.Join(req, "\n"))
	return v
}
