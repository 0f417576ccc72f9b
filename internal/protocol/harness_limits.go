package protocol

// The harness's limits as a client of a target: this project's choices, not
// Phonon's (a Kairos answer is a few kilobytes, nested four levels at most).
// They bound what a broken or hostile target can cost a run.
const (
	// MaxResponseBytes is the most the harness reads of any answer; a
	// larger body is a failure naming this limit, and no more is held.
	MaxResponseBytes = 1 << 20
	// MaxResponseJSONDepth is how deeply an answer's JSON may nest; it is
	// checked before anything that recurses parses the body.
	MaxResponseJSONDepth = 64
	// NoAnswerStreak is how many exchanges in a row that get no answer (a
	// timeout, a reset, a refusal) stop the run: enough that one lost packet
	// does not, few enough that a dead target is seen within one round of
	// concurrent scenarios.
	NoAnswerStreak = 3
	// SoftMemoryLimit is the runner's Go memory limit (unless GOMEMLIMIT
	// sets one): the garbage collector works harder near it, so that a
	// target answering just under MaxResponseBytes every time (held in
	// batches of tens by each concurrent scenario) keeps the process under
	// about 300 MB. It is soft: a run that needs more gets more.
	SoftMemoryLimit = 256 << 20
)
