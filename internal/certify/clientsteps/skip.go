package clientsteps

import (
	"context"
	"fmt"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
)

// RegisterSkipping gives sc the client vocabulary with every step skipping
// its scenario for reason, attached as "skip-reason" as the server steps
// attach theirs. It is for a godog run that reads all of features/ (the
// godog CLI from the repository root) but judges a server: there the
// @client scenarios are reported skipped, with the reason, instead of
// undefined. No handler of the real vocabulary runs, and no client step
// matches the text of a server step (TestVocabulariesDoNotOverlap), so
// registering both vocabularies never makes a step ambiguous.
func RegisterSkipping(sc *godog.ScenarioContext, reason string) {
	err := fmt.Errorf("%w: %s", godog.ErrSkip, reason)
	skip := func(ctx context.Context) (context.Context, error) {
		return godog.Attach(ctx, godog.Attachment{FileName: evidence.AttachSkipReason, MediaType: "text/plain", Body: []byte(reason)}), err
	}
	for _, st := range (&scenario{}).vocabulary() {
		sc.Step(st.expr, skip) // godog lets a handler take fewer arguments than its expression captures
	}
}
