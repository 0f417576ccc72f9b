package suite

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Scenario is one scenario of a run, read back from the Cucumber JSON.
type Scenario struct {
	Feature string // the feature file's URI
	Name    string
	Line    int
	Tags    []string
	// Status is the scenario's: failed, undefined, pending or ambiguous if
	// any step was, else skipped if any step was, else passed.
	Status string
	// Error is the first failing step's error message.
	Error string
	// Attachments by name ("skip-reason", "security-finding", ...), in order.
	Attachments map[string][]string
}

// HasTag reports whether the scenario carries tag (with its @).
func (s *Scenario) HasTag(tag string) bool {
	for _, t := range s.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// ID is "features/x.feature:12 name", unique within a run.
func (s *Scenario) ID() string { return fmt.Sprintf("%s:%d %s", s.Feature, s.Line, s.Name) }

// Scenarios reads the run's scenarios from its Cucumber JSON.
func (r *Result) Scenarios() ([]*Scenario, error) { return ParseCucumber(r.CucumberJSON) }

// ParseCucumber reads godog's Cucumber JSON.
func ParseCucumber(data []byte) ([]*Scenario, error) {
	var features []struct {
		URI      string `json:"uri"`
		Elements []struct {
			Name  string                  `json:"name"`
			Line  int                     `json:"line"`
			Type  string                  `json:"type"`
			Tags  []struct{ Name string } `json:"tags"`
			Steps []struct {
				Result struct {
					Status string `json:"status"`
					Error  string `json:"error_message"`
				} `json:"result"`
				Embeddings []struct {
					Name string `json:"name"`
					Data string `json:"data"`
				} `json:"embeddings"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(data, &features); err != nil {
		return nil, fmt.Errorf("suite: reading Cucumber JSON: %w", err)
	}
	rank := map[string]int{"passed": 0, "skipped": 1, "pending": 2, "undefined": 3, "ambiguous": 4, "failed": 5}
	var out []*Scenario
	for _, f := range features {
		for _, e := range f.Elements {
			if e.Type != "scenario" {
				continue
			}
			sc := &Scenario{Feature: f.URI, Name: e.Name, Line: e.Line, Status: "passed", Attachments: map[string][]string{}}
			seen := map[string]bool{}
			for _, t := range e.Tags {
				if !seen[t.Name] {
					sc.Tags = append(sc.Tags, t.Name)
					seen[t.Name] = true
				}
			}
			if len(e.Steps) == 0 {
				sc.Status = "undefined"
			}
			for _, st := range e.Steps {
				if rank[st.Result.Status] > rank[sc.Status] {
					sc.Status = st.Result.Status
				}
				if st.Result.Error != "" && sc.Error == "" {
					sc.Error = st.Result.Error
				}
				for _, em := range st.Embeddings {
					b, err := base64.StdEncoding.DecodeString(em.Data)
					if err != nil {
						return nil, fmt.Errorf("suite: attachment %q of %q: %w", em.Name, e.Name, err)
					}
					sc.Attachments[em.Name] = append(sc.Attachments[em.Name], string(b))
				}
			}
			out = append(out, sc)
		}
	}
	return out, nil
}

// Count tallies scenarios by status.
func Count(scenarios []*Scenario) map[string]int {
	c := map[string]int{}
	for _, s := range scenarios {
		c[s.Status]++
	}
	return c
}

// CountText is "312 scenarios: 300 passed, 12 skipped".
func CountText(scenarios []*Scenario) string {
	c := Count(scenarios)
	var parts []string
	for st, n := range c {
		parts = append(parts, fmt.Sprintf("%d %s", n, st))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%d scenarios: %s", len(scenarios), strings.Join(parts, ", "))
}
