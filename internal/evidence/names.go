package evidence

// The names of what the steps attach (godog.Attach), which the reports read
// back: the one vocabulary between them.
const (
	// AttachSkipReason says why a skipped scenario was skipped; a skip
	// without one fails the run.
	AttachSkipReason      = "skip-reason"
	AttachSecurityFinding = "security-finding"
	AttachRequest         = "request"
	AttachResponse        = "response"
	AttachPayload         = "payload"
	// AttachSealedPayload is the payload an ECB scenario sealed, before its
	// blocks were moved.
	AttachSealedPayload = "sealed-payload"
	// AttachExchanges summarises a step that sends many requests.
	AttachExchanges = "exchanges"
	// AttachTiming is a timing scenario's per-class medians and verdict.
	AttachTiming = "timing"
	// AttachNote is a remark on what a step could not check.
	AttachNote = "note"
	// AttachCheckRules lists, one line each, the SPEC.md section and mark
	// of every check a failed step reports ("4.3 [ref]"): the reports
	// judge under strictness: documented by them.
	AttachCheckRules = "check-rules"
)
