package cli

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
	"github.com/kairos-conformance/kairos-conformance/internal/preflight"
	"github.com/kairos-conformance/kairos-conformance/internal/redact"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/target"
)

// preflightFeature names the reports' one feature of runner check-profile.
const (
	preflightFeatureURI  = "preflight"
	preflightFeatureName = "Preflight: each mapped role's credentials, without placing a call"
)

// writePreflightReports writes the reports of runner check-profile
// --reports DIR: the files a run writes, through the same judging,
// redaction and atomic writing, with one testcase per role: passed, failed
// (the wrong answer as Expected / Actual and the field to check), skipped
// (inconclusive, with why) or not run (the target misbehaved, or the
// preflight was stopped or interrupted before the role; with why).
func writePreflightReports(dir string, tgt *target.Target, pace runPacing, timeout time.Duration, res preflightResult) ([]string, error) {
	meta := reporting.Meta{
		Target: tgt.URL, Profile: tgt.Label, ProfileName: tgt.Profile.Name, HarnessVersion: harnessVersion(),
		Started: res.started, Finished: res.started.Add(res.took), Timeout: timeout,
		Concurrency: preflight.DefaultConcurrency, Strictness: tgt.Profile.Knobs.Strictness,
		Interrupted: res.verdict == preflightInterrupted,
		Notes:       []string{"runner check-profile: the preflight alone, one testcase per mapped role; no scenario was run"},
	}
	if res.verdict == preflightStopped {
		meta.Stopped = res.reason
	}
	traffic := pace.traffic()
	meta.Traffic = &traffic
	cucumber, err := preflightCucumber(res.checks)
	if err != nil {
		return nil, err
	}
	run, err := reporting.Build(meta, cucumber, reporting.Options{
		Redactor: redact.New(tgt.Profile.Secrets()...), InterruptCause: "interrupted", Strictness: meta.Strictness,
	})
	if err != nil {
		return nil, err
	}
	return reporting.WriteReports(dir, run)
}

// preflightCucumber is the checks as cucumber JSON, one scenario per role
// with one step, which reporting.Build judges as it judges a run's.
func preflightCucumber(checks []*preflight.Check) ([]byte, error) {
	feature := reporting.CucumberFeature{URI: preflightFeatureURI, Name: preflightFeatureName}
	for i, c := range checks {
		if c == nil {
			continue
		}
		line := i + 1
		step := reporting.CucumberStep{
			Keyword: "Then ", Line: line,
			Name: fmt.Sprintf("an empty call list for %s (flow %s, api-version %s) is refused with %s", c.Role, c.FlowID, c.APIVersion, c.Want),
		}
		switch {
		case c.OK():
			step.Result.Status = "passed"
		case c.Failed():
			actual := fmt.Sprintf("%s (HTTP %d)", c.Got, c.HTTPStatus)
			if c.Err != nil {
				actual = c.Err.Error()
			}
			step.Result.Status = "failed"
			step.Result.Error = fmt.Sprintf("SPEC.md section 5: credentials that work pass the flow, IP, envelope, security-id and version checks, which come before the empty call list is refused\n"+
				"Expected: %s\nActual:   %s\nCheck:    %s\nCause:    %s", c.Want, actual, c.Field, c.Cause)
		case c.Inconclusive:
			step.Result.Status = "skipped"
			step.Embeddings = []reporting.CucumberEmbedding{{
				Name: evidence.AttachSkipReason, MimeType: "text/plain",
				Data: base64.StdEncoding.EncodeToString([]byte(c.Cause)),
			}}
		default: // unjudged: the target misbehaved, or the preflight ended first
			why := fmt.Sprintf("%v: %s", c.Err, c.Cause)
			if errors.Is(c.Err, preflight.ErrNotChecked) {
				why = c.Cause
			}
			step.Result.Status = "skipped"
			step.Result.Error = "not run: " + why
		}
		if c.Retried != "" {
			step.Embeddings = append(step.Embeddings, reporting.CucumberEmbedding{
				Name: "resent", MimeType: "text/plain",
				Data: base64.StdEncoding.EncodeToString([]byte("sent again: the first attempt got " + c.Retried)),
			})
		}
		feature.Elements = append(feature.Elements, reporting.CucumberElement{
			Name: c.Role + " reaches its flow with working credentials", Line: line, Type: "scenario",
			Tags:  []reporting.CucumberTag{{Name: "@preflight"}},
			Steps: []reporting.CucumberStep{step},
		})
	}
	return json.Marshal([]reporting.CucumberFeature{feature})
}
