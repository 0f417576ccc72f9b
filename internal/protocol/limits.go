package protocol

import "time"

// The limits of the protocol. Where a limit is this project's reading
// rather than Phonon's text, it says so ([ref], as SPEC.md marks it).
const (
	// MaxBodyBytes is the request body limit, 256 KB (section 2 [doc]);
	// larger bodies get HTTP 413 (section 4 [ref]).
	MaxBodyBytes = 256 << 10
	// MaxCallsPerRequest is the most calls one create request may carry
	// (section 2 [doc]); more is 303 MAX_DATA_LIST_SIZE_EXCEEDED.
	MaxCallsPerRequest = 500
	// MaxUUIDsPerPull is the most phonon-uuids one Pull API request may ask
	// for (section 6 [ref]); more is 303.
	MaxUUIDsPerPull = 100
	// ChecksumWindow is how long an accepted payload's checksum refuses the
	// same bytes again with 201 CHECKSUM_REPEATED (section 5, rule 20).
	ChecksumWindow = 24 * time.Hour
	// MaxKeyB64Bytes is the longest keyB64 one RSA block carries: PKCS#1
	// v1.5 under the spec's 4096-bit key (section 3). encryptdata refuses a
	// longer aesKey with 210 (section 6 [ref]).
	MaxKeyB64Bytes = 501
	// BulkCalls is the most calls one request may carry unless the profile
	// allows bulk calls (knobs.allow-bulk-calls): this project's reading of
	// "hundreds of calls", which only the upper-boundary scenarios send
	// (MaxCallsPerRequest, and one more for 303).
	BulkCalls = 50
	// PhononRequestsPerMinute is the rate limit Phonon publishes for its
	// real-time host; the example staging profile's
	// knobs.max-requests-per-minute.
	PhononRequestsPerMinute = 500
)
