package refserver

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// Fault is one named way for the server to misbehave, so that the
// conformance suite can prove each of its scenarios fails against a server
// that gets the scenario's rule wrong. A fault is set only through
// Options.Fault: nothing a request carries can turn one on. The zero Fault
// is a correct server.
type Fault struct {
	name string
	// wrong is the code a wrong-code-N fault replaces (0 for other faults).
	wrong protocol.Code
}

// The named faults besides wrong-code-N.
const (
	faultSkipChecksum           = "skip-checksum"
	faultChecksumCiphertext     = "checksum-over-ciphertext"
	faultChecksumPerEndpoint    = "checksum-per-endpoint"
	faultChecksumNotAtomic      = "checksum-not-atomic"
	faultChecksumRecordsRefused = "checksum-records-refused"
	faultChecksumNeverExpires   = "checksum-never-expires"
	faultLeakStage              = "leak-decryption-stage"
	faultWrongEcho              = "wrong-client-identifier-echo"
	faultTrustForwardedFor      = "trust-forwarded-for"
	faultIPCheckAfterOpen       = "ip-check-after-open"
	faultSkipIPCheck            = "skip-ip-check"
	faultShortRSA               = "accept-short-rsa-value"
	faultLenientBase64          = "accept-lenient-base64"
	faultDuplicateKeys          = "accept-duplicate-keys"
	faultTrailingData           = "accept-trailing-data"
	faultInvalidUTF8            = "accept-invalid-utf8"
	faultPastStartDate          = "accept-past-start-date"
	faultOtherKind              = "accept-other-kind"
	faultIgnoreTestWhitelist    = "ignore-test-whitelist"
	faultIgnoreContentType      = "ignore-content-type"
	faultNoBodyLimit            = "no-body-limit"
	faultMirrorHTTPStatus       = "http-status-mirror"
	faultNoRequestID            = "no-request-id"
	faultKeepOldKey             = "keep-old-key"
	faultEncryptDataRandomKey   = "encryptdata-random-key"
	faultPullCrossFlow          = "pull-cross-flow"
	faultPanicOnCreate          = "panic-on-create"
	faultEmptyCallsAs210        = "empty-call-list-as-210"
	faultUpperCaseMessages      = "upper-case-messages"
	faultContentTypeTextPlain   = "content-type-text-plain"
)

// namedFaults describes each named fault besides the boundary faults
// (faults_boundary.go); Faults lists them in this order, then those.
var namedFaults = []struct{ name, desc string }{
	{faultSkipChecksum, "never answers 201 CHECKSUM_REPEATED: repeats are accepted"},
	{faultChecksumCiphertext, "encrypted endpoints checksum requestEncryptedValue, so re-sealing a payload with a new AES key is not a repeat"},
	{faultChecksumPerEndpoint, "checksums are scoped to the endpoint, not the flow: a payload accepted on the plain endpoint is new on the encrypted one"},
	{faultChecksumNotAtomic, "checks and records a checksum in two steps, so concurrent identical requests are all accepted"},
	{faultChecksumRecordsRefused, "records checksums of refused requests too, so a corrected retry of a refused payload is a repeat"},
	{faultChecksumNeverExpires, "checksums never expire: a payload stays a repeat after 24 hours"},
	{faultLeakStage, "INVALID_FORMAT for an envelope that does not open names the stage that failed (a decryption oracle)"},
	{faultCloseOnRSAFailure, "an envelope whose RSA value does not open gets the same 400 but with Connection: close (the connection handling is the oracle)"},
	{faultDelayAfterRSA, "an envelope whose RSA value opened but which fails later (AES or payload) is answered 40 ms later (the answer time is the oracle)"},
	{faultDelayBadPayload, "an envelope that decrypts to a bad payload (not base64, not a JSON object) is answered 40 ms later"},
	{faultWrongEcho, "call-details echo a client-identifier other than the caller's"},
	{faultTrustForwardedFor, "the IP check believes the first X-Forwarded-For address instead of the socket's"},
	{faultIPCheckAfterOpen, "the IP check runs after the envelope is opened (RSA work for any caller; a bad envelope gets 400, not 401)"},
	{faultSkipIPCheck, "no IP check: callers off the whitelist are served"},
	{faultShortRSA, "accepts an RSA value shorter than the modulus (left-padded with zeros, as Java does)"},
	{faultLenientBase64, "accepts non-canonical base64 (whitespace, URL alphabet, missing padding) in the envelope"},
	{faultDuplicateKeys, "accepts duplicate JSON keys (the last one wins)"},
	{faultTrailingData, "accepts data after the JSON object"},
	{faultInvalidUTF8, "accepts invalid UTF-8 in JSON (replaced by U+FFFD)"},
	{faultPastStartDate, "accepts a start-time on a past date"},
	{faultOtherKind, "serves a flow on the endpoints of the other kind (a dialer flow on multicast create)"},
	{faultIgnoreTestWhitelist, "api-version TEST dials numbers off the flow's test-phone whitelist"},
	{faultIgnoreContentType, "accepts any Content-Type instead of answering 415"},
	{faultNoBodyLimit, fmt.Sprintf("accepts bodies over %d KB (up to %d MB) instead of answering 413", protocol.MaxBodyBytes>>10, faultBodyLimit>>20)},
	{faultMirrorHTTPStatus, "the HTTP status mirrors the body code instead of following spec section 4"},
	{faultNoRequestID, "responses carry no request-id (header or body)"},
	{faultKeepOldKey, "generateKeyPair answers a new public key but keeps opening envelopes with the old private key"},
	{faultEncryptDataRandomKey, "encryptdata ignores aesKey and seals with a random key"},
	{faultPullCrossFlow, "the Pull API returns calls of other flows too"},
	{faultPanicOnCreate, "create endpoints panic once the body is parsed (the panic is recovered as 500 FAILURE)"},
	// The three below differ from the reference only where a real server may
	// legitimately differ: a [ref] rule (SPEC.md 5.10, and 4.3's
	// Content-Type, which every scenario checks), and the case of the
	// messages (the message-check knob). The suite shows the first and the
	// last as deviations under strictness: documented, and passes the
	// second under message-check: case-insensitive.
	{faultEmptyCallsAs210, "an empty call list gets 210 INVALID_MANDATORY_PARAMETERS instead of 302 EMPTY_CALL_LIST (another reading of a [ref] rule)"},
	{faultUpperCaseMessages, "every api-response-message is in upper case (\"INVALID FLOW ID\"): the right words, another case"},
	{faultContentTypeTextPlain, "every answer says Content-Type: text/plain; charset=utf-8 (its body still JSON) instead of application/json (another reading of a [ref] rule, SPEC.md 4.3)"},
}

// Name is the fault's name, e.g. "wrong-code-207"; "none" for the zero Fault.
func (f Fault) Name() string {
	if f.name == "" {
		return "none"
	}
	return f.name
}

func (f Fault) String() string { return f.Name() }

// IsZero reports whether f is no fault at all.
func (f Fault) IsZero() bool { return f.name == "" }

// Description says how the server misbehaves, for --fault help and reports.
func (f Fault) Description() string {
	if f.wrong != 0 {
		return fmt.Sprintf("answers %s where the spec says %s", replacement(f.wrong), f.wrong)
	}
	for _, nf := range allNamed() {
		if nf.name == f.name {
			return nf.desc
		}
	}
	return "a correct server"
}

// Faults lists every fault: wrong-code-N for each of the 22 codes, then the
// named ones.
func Faults() []Fault {
	var out []Fault
	for _, c := range protocol.All() {
		out = append(out, wrongCode(c))
	}
	for _, nf := range allNamed() {
		out = append(out, Fault{name: nf.name})
	}
	return out
}

// ParseFault finds a fault by name; "" and "none" are the zero Fault.
func ParseFault(name string) (Fault, error) {
	if name == "" || name == "none" {
		return Fault{}, nil
	}
	if rest, ok := strings.CutPrefix(name, "wrong-code-"); ok {
		n, err := strconv.Atoi(rest)
		if err == nil && protocol.Code(n).Valid() {
			return wrongCode(protocol.Code(n)), nil
		}
	}
	for _, nf := range allNamed() {
		if nf.name == name {
			return Fault{name: name}, nil
		}
	}
	return Fault{}, fmt.Errorf("unknown fault %q (run with --fault list, or see refserver.Faults)", name)
}

// allNamed is every named fault: namedFaults, then boundaryFaults.
func allNamed() []struct{ name, desc string } {
	return append(namedFaults[:len(namedFaults):len(namedFaults)], boundaryFaults...)
}

func wrongCode(c protocol.Code) Fault {
	return Fault{name: "wrong-code-" + strconv.Itoa(int(c)), wrong: c}
}

// replacement is the defined code a wrong-code fault answers instead:
// FAILURE, or SUCCESS where FAILURE was due.
func replacement(c protocol.Code) protocol.Code {
	if c == protocol.Failure {
		return protocol.Success
	}
	return protocol.Failure
}

// is reports whether f is the named fault.
func (f Fault) is(name string) bool { return f.name == name }

// code applies a wrong-code fault to a code the server is about to answer.
func (f Fault) code(c protocol.Code) protocol.Code {
	if f.wrong != 0 && c == f.wrong {
		return replacement(c)
	}
	return c
}
