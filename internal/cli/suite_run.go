package cli

import (
	"context"

	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

// runConformanceSuite hands one run to the suite package.
func runConformanceSuite(ctx context.Context, cfg suite.Config) ([]byte, bool, error) {
	res, err := suite.Run(ctx, cfg)
	if res == nil {
		return nil, false, err
	}
	return res.CucumberJSON, res.Status != suite.StatusPassed, err
}
