package cli

import (
	"fmt"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/reporting"
	"github.com/kairos-conformance/kairos-conformance/internal/shard"
)

// shareBudgets gives a slice its share of the run's request rate and call
// budget: the slices of a CI matrix run at the same time against the same
// server, so together they must stay within what the profile allows one
// run (knobs.max-requests-per-minute, knobs.max-accepted-calls).
func shareBudgets(k *profile.Knobs, s shard.Spec) error {
	rate, err := s.Split(k.MaxRequestsPerMinute)
	if err != nil {
		return fmt.Errorf("--shard %s: knobs.max-requests-per-minute %w", s, err)
	}
	calls, err := s.Split(k.MaxAcceptedCalls)
	if err != nil {
		return fmt.Errorf("--shard %s: knobs.max-accepted-calls %w", s, err)
	}
	k.MaxRequestsPerMinute, k.MaxAcceptedCalls = rate, calls
	return nil
}

// writeShardManifest writes shard.json beside a slice's reports: what
// `runner merge-reports` needs to judge the slices together as one run.
func writeShardManifest(cfg suiteConfig, sel selection, meta reporting.Meta, cause string) error {
	m := shard.Manifest{
		Shard:              *cfg.shard,
		Selection:          sel.whole.fingerprint,
		SelectionUnits:     sel.whole.units,
		SelectionScenarios: sel.whole.scenarios,
		Scenarios:          len(sel.selected),
		Meta:               meta,
		InterruptCause:     cause,
	}
	if cfg.knownFailing != "" {
		m.KnownFailing, m.KnownFailingName = sel.knownText, cfg.knownFailing
	}
	return shard.WriteManifest(cfg.reportsDir, m)
}
