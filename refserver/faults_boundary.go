package refserver

import (
	"fmt"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// The boundary faults: each is one realistic defect that breaks one class
// of input of spec sections 2, 3 and 5 (a limit one off, a lenient parser,
// a comparison that ignores case or a prefix), so that the suite can show
// that the scenario written for that class catches it. features/README.md
// has the class table.
const (
	faultCallsLimitEarly     = "calls-limit-one-too-early"
	faultCallsLimitLate      = "calls-limit-one-too-late"
	faultPullLimitEarly      = "pull-limit-one-too-early"
	faultPullLimitLate       = "pull-limit-one-too-late"
	faultBodyLimitEarly      = "body-limit-one-too-early"
	faultNullCrashes         = "null-answered-500"
	faultEmptyAsMissing      = "empty-string-as-missing"
	faultCoerceScalars       = "coerce-scalars-to-strings"
	faultTrimStrings         = "trim-strings"
	faultFieldNamesAnyCase   = "field-names-any-case"
	faultAPIVersionAnyCase   = "api-version-any-case"
	faultAPIVersionNumeric   = "api-version-as-number"
	faultSecurityIDAnyCase   = "security-id-any-case"
	faultSecurityIDPrefix    = "security-id-prefix-match"
	faultFlowIDAnyCase       = "flow-id-any-case"
	faultTruncateIdentifiers = "truncate-identifiers"
	faultImpossibleDate      = "normalise-impossible-dates"
	faultNoLeapDay           = "no-leap-day"
	faultEndOfDay24          = "accept-24-00"
	faultTimeLettersAnyCase  = "time-letters-any-case"
	faultAssumeOffset        = "assume-ist-offset"
	faultMillisOnly          = "fraction-millis-only"
	faultStartDateUTC        = "start-date-in-utc"
	faultOffsetOutOfRange    = "accept-offset-out-of-range"
	faultWhitelistRaw        = "whitelist-compares-raw-number"
	faultStrip91Always       = "strip-91-from-any-number"
	faultFirstDigit7         = "numbers-start-7-to-9"
	faultFirstDigit5         = "numbers-start-5-to-9"
	faultUnanchoredNumber    = "number-pattern-unanchored"
	faultNineDigits          = "numbers-of-9-digits"
	faultStripFormatting     = "strip-number-formatting"
	faultKeysNullAsMissing   = "keys-null-as-missing"
	faultKeysRequired        = "keys-required"
	faultSingleValueAsList   = "single-value-as-list"
)

var boundaryFaults = []struct{ name, desc string }{
	{faultCallsLimitEarly, fmt.Sprintf("refuses exactly %d calls with 303 (the limit enforced as calls >= %[1]d)", protocol.MaxCallsPerRequest)},
	{faultCallsLimitLate, fmt.Sprintf("accepts %d calls (the limit enforced as calls > %[1]d)", protocol.MaxCallsPerRequest+1)},
	{faultPullLimitEarly, fmt.Sprintf("refuses a pull of exactly %d uuids with 303 (uuids >= %[1]d)", protocol.MaxUUIDsPerPull)},
	{faultPullLimitLate, fmt.Sprintf("accepts a pull of %d uuids (uuids > %[1]d)", protocol.MaxUUIDsPerPull+1)},
	{faultBodyLimitEarly, fmt.Sprintf("answers 413 to a body of exactly %d KB (the limit enforced as size >= %d)", protocol.MaxBodyBytes>>10, protocol.MaxBodyBytes)},
	{faultNullCrashes, "a JSON null where a value is required crashes the handler: 500 FAILURE instead of 210 or 400"},
	{faultEmptyAsMissing, "an empty string in a required field counts as missing (210, or 400 in the envelope) instead of a wrong value"},
	{faultCoerceScalars, "numbers and booleans are accepted where a string is required (a JSON mapper's default coercion)"},
	{faultTrimStrings, "string fields are trimmed of surrounding whitespace before use"},
	{faultFieldNamesAnyCase, "field names are matched without regard to case (\"Flow-Id\" is \"flow-id\")"},
	{faultAPIVersionAnyCase, "api-version \"test\" or \"Test\" is taken as TEST"},
	{faultAPIVersionNumeric, "api-version is compared as a number: \"1.00\", \"1\" and \"01.0\" are 1.0"},
	{faultSecurityIDAnyCase, "security-id is compared without regard to case"},
	{faultSecurityIDPrefix, "security-id is matched as a prefix of the flow's (SQL LIKE 'given%')"},
	{faultFlowIDAnyCase, "flow ids (the envelope's and the payload's) are looked up without regard to case"},
	{faultTruncateIdentifiers, "identifiers are cut to their width before the lookup (flow-id 8, security-id 64 characters), as a fixed-width column does"},
	{faultImpossibleDate, "a start-time on a date that does not exist (February 30, February 29 of a common year, April 31) is normalised into the next month and accepted"},
	{faultNoLeapDay, "February 29 is refused in every year (a days-per-month table without leap years)"},
	{faultEndOfDay24, "a start-time at 24:00:00 is accepted as midnight of the next day"},
	{faultTimeLettersAnyCase, "a start-time with a lower-case 't' or 'z' is accepted"},
	{faultAssumeOffset, "a start-time without an offset is taken as IST (+05:30) instead of being refused"},
	{faultMillisOnly, "a start-time fraction must have exactly 3 digits (milliseconds); .5 or nanoseconds are refused"},
	{faultStartDateUTC, "a start-time's date is judged in UTC, not in its own offset"},
	{faultOffsetOutOfRange, "a start-time offset of +24:00 is accepted, and +05:60 read as +06:00 (Go's time.Parse does both)"},
	{faultWhitelistRaw, "under TEST a number is compared with the whitelist as written, so 91 / +91 prefixes make a whitelisted number unknown"},
	{faultStrip91Always, "a leading 91 is stripped from every number, so a 10-digit number starting 91 loses two digits"},
	{faultFirstDigit7, "a valid number must start 7-9 (the numbering before 6-series numbers), so numbers starting 6 are refused"},
	{faultFirstDigit5, "a valid number may start 5-9"},
	{faultUnanchoredNumber, "the number pattern has no end anchor: a valid number followed by more digits is accepted"},
	{faultNineDigits, "a number of 9 digits is accepted (length checked as 9 to 10)"},
	{faultStripFormatting, "spaces, dashes and parentheses are removed from a number before it is checked"},
	{faultKeysNullAsMissing, "\"keys\": null is taken as no keys instead of being refused"},
	{faultKeysRequired, "a call without keys (no \"keys\", or an empty list) is refused with 210, though keys are optional"},
	{faultSingleValueAsList, "a lone value where a list is required (contact-numbers, keys, calls) is taken as a list of one, as Jackson's ACCEPT_SINGLE_VALUE_AS_ARRAY does"},
}
