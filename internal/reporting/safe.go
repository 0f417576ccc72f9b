package reporting

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/safetext"
)

// cleanText makes s safe for every report: valid UTF-8, no control
// characters (package safetext). Whatever a target sends reaches the reports
// through step errors and attachments, so Build cleans everything.
func cleanText(s string) string { return safetext.Clean(s) }

func cleanScenario(sc *Scenario) {
	sc.Feature = cleanText(sc.Feature)
	sc.Name = cleanText(sc.Name)
	sc.Reason = cleanText(sc.Reason)
	for i, f := range sc.Findings {
		sc.Findings[i] = cleanText(f)
	}
	for _, st := range sc.Steps {
		st.Text = cleanText(st.Text)
		st.Error = cleanText(st.Error)
		st.DocString = cleanText(st.DocString)
		for _, row := range st.Rows {
			for i, c := range row {
				row[i] = cleanText(c)
			}
		}
		for i := range st.Attachments {
			a := &st.Attachments[i]
			a.Name = cleanText(a.Name)
			if isText(a.MimeType) {
				a.Data = []byte(safetext.Bytes(a.Data))
			}
		}
	}
}

// isText reports whether an attachment is text (the steps attach only
// text/plain; anything else is left as the bytes it is).
func isText(mimeType string) bool {
	return mimeType == "" || strings.HasPrefix(mimeType, "text/")
}

// finishCucumber is godog's cucumber JSON as the reports ship it: every
// string redacted and cleaned (attachments too: they are base64 there, so
// they are decoded, redacted, cleaned and encoded again), and every NotRun
// scenario marked as such. Cucumber JSON has no "not run" status: the steps
// that did not run honestly are "skipped" (the format's word for a step
// not executed), never "failed", and the first carries "not run: REASON" as
// its error_message. Walking the generic JSON keeps fields this package does
// not model.
func finishCucumber(data []byte, r *redact.Redactor, scenarios []*Scenario) ([]byte, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return []byte("[]\n"), nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("reading cucumber JSON: %w", err)
	}
	if r.Enabled() {
		doc = redactJSON(doc, r)
	}
	doc = cleanJSON(doc)
	markNotRun(doc, scenarios)
	out, err := json.MarshalIndent(doc, "", "    ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func cleanJSON(v any) any {
	switch v := v.(type) {
	case string:
		return cleanText(v)
	case []any:
		for i := range v {
			v[i] = cleanJSON(v[i])
		}
		return v
	case map[string]any:
		mt, isEmbedding := v["mime_type"].(string)
		for k, e := range v {
			if s, ok := e.(string); ok && isEmbedding && k == "data" {
				if body, err := base64.StdEncoding.DecodeString(s); err == nil && isText(mt) {
					v[k] = base64.StdEncoding.EncodeToString([]byte(safetext.Bytes(body)))
				}
				continue
			}
			v[k] = cleanJSON(e)
		}
		return v
	default:
		return v
	}
}

// notRunPrefix starts the error_message of the first not-run step in the
// cucumber JSON the reports ship (see finishCucumber).
const notRunPrefix = "not run: "

// notRunMark reads finishCucumber's mark back: a skipped scenario whose
// step says "not run: REASON".
func notRunMark(sc *Scenario) (string, bool) {
	if sc.Status != "skipped" {
		return "", false
	}
	for _, st := range sc.Steps {
		if st.Status == "skipped" {
			if reason, ok := strings.CutPrefix(st.Error, notRunPrefix); ok {
				return reason, true
			}
		}
	}
	return "", false
}

// markNotRun rewrites the steps of NotRun scenarios (see finishCucumber).
func markNotRun(doc any, scenarios []*Scenario) {
	reasons := map[string]string{}
	for _, sc := range scenarios {
		if sc.Outcome == NotRun {
			reasons[sc.Location()] = sc.Reason
		}
	}
	if len(reasons) == 0 {
		return
	}
	features, _ := doc.([]any)
	for _, f := range features {
		feature, _ := f.(map[string]any)
		uri, _ := feature["uri"].(string)
		uri = uriLineSuffix.ReplaceAllString(uri, "")
		elements, _ := feature["elements"].([]any)
		for _, e := range elements {
			element, _ := e.(map[string]any)
			line, _ := element["line"].(json.Number)
			reason, ok := reasons[uri+":"+line.String()]
			if !ok {
				continue
			}
			steps, _ := element["steps"].([]any)
			first := true
			for _, s := range steps {
				result, _ := s.(map[string]any)["result"].(map[string]any)
				if result == nil || result["status"] == "passed" {
					continue
				}
				result["status"] = "skipped"
				delete(result, "error_message")
				if first {
					result["error_message"] = notRunPrefix + reason
					first = false
				}
			}
		}
	}
}
