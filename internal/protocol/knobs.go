package protocol

import "time"

// The defaults of the knobs a profile may set (SPEC.md section 7): the
// reference server's decisions. A profile for a real server may override
// each. The RSA knobs' defaults are the envelope package's (envelope.PKCS1v15,
// envelope.FlowKeyBits): crypto facts live with the crypto.
const (
	// DefaultHTTPStatusPolicy: HTTP 200 for every processed request, 404,
	// 405, 413 and 415 for transport errors (section 4 [ref]).
	DefaultHTTPStatusPolicy = "reference"
	// DefaultIPNotWhitelistedCode is the table's code for a caller whose
	// address is not whitelisted (Phonon's bulk host answers 403).
	DefaultIPNotWhitelistedCode               = IPNotWhitelisted
	DefaultChecksumWindow       time.Duration = ChecksumWindow
	DefaultMaxCallsPerRequest                 = MaxCallsPerRequest
	DefaultMaxUUIDsPerPull                    = MaxUUIDsPerPull
	// DefaultAllowKeyRotation: generateKeyPair replaces a live flow's key,
	// so scenarios may call it only where a profile says so.
	DefaultAllowKeyRotation = false
	// DefaultPullAPI: the target serves the (unpublished) Pull API path.
	DefaultPullAPI = true
	// DefaultMessageCheck: Phonon's messages, character for character.
	DefaultMessageCheck = MessageExact
	// DefaultStrictness holds a target to every rule of SPEC.md, [ref] ones
	// included.
	DefaultStrictness = StrictnessReference
	// DefaultTimingSamples is how many answer times the timing-uniformity
	// scenarios take per class of failing envelope. 30 keeps each scenario
	// to about a hundred refused requests, a few seconds against the
	// embedded server, and is three times the fewest with which the
	// finding rule can reach p < 0.001 at all (10).
	DefaultTimingSamples = 30

	// What a run may cost the target and its test phones: no limits unless
	// a profile sets them (the example staging profile does).

	// DefaultMaxRequestsPerMinute: requests are not paced (0).
	DefaultMaxRequestsPerMinute = 0
	// DefaultMaxAcceptedCalls: no call budget (0).
	DefaultMaxAcceptedCalls = 0
	// DefaultAllowBulkCalls: a request may carry at most BulkCalls calls;
	// the reference world allows more (its calls ring nobody).
	DefaultAllowBulkCalls = false
)

// BulkHostIPNotWhitelistedCode is what Phonon's bulk host answers a caller
// whose address is not whitelisted, instead of the table's 401 (section 7).
const BulkHostIPNotWhitelistedCode = 403

// KeyGenerationTimeout is the least deadline the harness gives a
// generateKeyPair exchange, whatever the per-request timeout: making a
// 4096-bit RSA key (section 6) takes seconds, and tens of seconds on a
// loaded machine, which is no finding. This project's choice; the spec
// sets no time.
const KeyGenerationTimeout = time.Minute
