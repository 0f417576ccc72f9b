package reporting

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/kairos-conformance/kairos-conformance/internal/atomicfile"
)

// The report files in the reports directory.
const (
	CucumberFile = "cucumber.json"
	JUnitFile    = "junit.xml"
	HTMLFile     = "report.html"
)

// ReportFiles are the files WriteReports writes, in the order it writes them.
var ReportFiles = []string{CucumberFile, JUnitFile, HTMLFile, SummaryFile}

// CucumberJSON is godog's cucumber JSON for the run, redacted.
func CucumberJSON(run *Run) []byte { return run.cucumber }

// WriteReports renders the run and writes the report files into dir,
// creating it. Everything is rendered before anything is written, and each
// file is replaced atomically, so a reader (or a second Ctrl-C) never sees a
// half-written report. It returns the paths written.
func WriteReports(dir string, run *Run) ([]string, error) {
	junit, err := JUnitXML(run)
	if err != nil {
		return nil, fmt.Errorf("rendering %s: %w", JUnitFile, err)
	}
	html, err := HTML(run)
	if err != nil {
		return nil, fmt.Errorf("rendering %s: %w", HTMLFile, err)
	}
	summary, err := SummaryJSON(run)
	if err != nil {
		return nil, fmt.Errorf("rendering %s: %w", SummaryFile, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("reports directory: %w", err)
	}
	var paths []string
	for _, f := range []struct {
		name string
		data []byte
	}{{CucumberFile, CucumberJSON(run)}, {JUnitFile, junit}, {HTMLFile, html}, {SummaryFile, summary}} {
		if err := atomicfile.Write(dir, f.name, f.data); err != nil {
			return paths, err
		}
		paths = append(paths, filepath.Join(dir, f.name))
	}
	return paths, nil
}
