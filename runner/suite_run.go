package main

import (
	"context"

	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

// runConformanceSuite hands one run to the suite package.
func runConformanceSuite(ctx context.Context, req suiteRequest) ([]byte, bool, error) {
	cfg := suite.Config{
		Profile:        req.target.Profile,
		FeatureFS:      req.featureFS,
		FeaturePaths:   req.featurePaths,
		Tags:           req.tags,
		Concurrency:    req.concurrency,
		RequestTimeout: req.timeout,
		Seed:           req.seed,
		RunID:          req.runID,
		Redact:         req.redact,
		OnScenario:     req.onScenario,
		HTTPClient:     req.target.HTTPClient,
		Now:            req.target.Now,
		AdvanceClock:   req.target.AdvanceClock, // nil unless the server runs in-process
		Limiter:        req.pacing.limiter,
		Budget:         req.pacing.budget,
	}
	res, err := suite.Run(ctx, cfg)
	if res == nil {
		return nil, false, err
	}
	return res.CucumberJSON, res.Status != suite.StatusPassed, err
}
