package main

import (
	"context"

	"github.com/kairos-conformance/kairos-conformance/suite"
)

// runConformanceSuite hands one run to the suite package.
func runConformanceSuite(ctx context.Context, req suiteRequest) ([]byte, bool, error) {
	cfg := suite.Config{
		Profile:        req.target.prof,
		FeaturePaths:   req.featurePaths,
		Tags:           req.tags,
		Concurrency:    req.concurrency,
		RequestTimeout: req.timeout,
		Seed:           req.seed,
		Redact:         req.redact,
		Console:        req.console,
		Format:         req.format,
		HTTPClient:     req.client,
	}
	if req.target.clock != nil { // only the embedded server's clock can move
		cfg.Now, cfg.AdvanceClock = req.target.clock.Now, req.target.clock.Advance
	}
	res, err := suite.Run(ctx, cfg)
	if res == nil {
		return nil, false, err
	}
	return res.CucumberJSON, res.Status != suite.StatusPassed, err
}
