package protocol

import "strconv"

// Code is a Kairos api-response-code.
type Code int

// The 22 codes of Phonon's status-code table (SPEC.md section 5): the number
// travels in a response body as api-response-code, the message as
// api-response-message, character for character; the name (INVALID_FORMAT)
// is the table's Name column, not a field on the wire.
const (
	Success                    Code = 200
	ChecksumRepeated           Code = 201
	InvalidSecurityID          Code = 202
	InvalidAPIVersion          Code = 203
	InvalidGatewayID           Code = 204
	InvalidContactNumber       Code = 205
	FailureFromGateway         Code = 206
	DIDNotMapped               Code = 207
	NoMaskAvailable            Code = 208
	PartialSuccess             Code = 209
	InvalidMandatoryParameters Code = 210
	ValidityExpired            Code = 211
	InsufficientBalance        Code = 212
	NoDataAvailable            Code = 213
	InvalidFlowID              Code = 301
	EmptyCallList              Code = 302
	MaxDataListSizeExceeded    Code = 303
	InvalidFlowVersion         Code = 304
	InvalidFormat              Code = 400
	IPNotWhitelisted           Code = 401
	PhoneNotWhitelisted        Code = 402
	Failure                    Code = 500
)

type entry struct {
	code    Code
	name    string
	message string
}

// table is ordered by code; All returns it in this order. The messages are
// Phonon's, exactly as its table publishes them (case included).
var table = [...]entry{
	{Success, "SUCCESS", "Success"},
	{ChecksumRepeated, "CHECKSUM_REPEATED", "Checksum Repeated"},
	{InvalidSecurityID, "INVALID_SECURITY_ID", "Invalid Security ID"},
	{InvalidAPIVersion, "INVALID_API_VERSION", "API Version not Supported"},
	{InvalidGatewayID, "INVALID_GATEWAY_ID", "Invalid SMS Gateway"},
	{InvalidContactNumber, "INVALID_CONTACT_NUMBER", "Invalid Contact Number"},
	{FailureFromGateway, "FAILURE_FROM_GATEWAY", "Failure from Gateway"},
	{DIDNotMapped, "DID_NOT_MAPPED", "DID Not Mapped"},
	{NoMaskAvailable, "NO_MASK_AVAILABLE", "No Mask Available"},
	{PartialSuccess, "PARTIAL_SUCCESS", "Partial Success"},
	{InvalidMandatoryParameters, "INVALID_MANDATORY_PARAMETERS", "Invalid Mandatory Parameters"},
	{ValidityExpired, "VALIDITY_EXPIRED", "Validity Expired"},
	{InsufficientBalance, "INSUFFICIENT_BALANCE", "Insufficient Balance"},
	{NoDataAvailable, "NO_DATA_AVAILABLE", "No Data Available"},
	{InvalidFlowID, "INVALID_FLOW_ID", "Invalid Flow ID"},
	{EmptyCallList, "EMPTY_CALL_LIST", "Empty Call List"},
	{MaxDataListSizeExceeded, "MAX_DATA_LIST_SIZE_EXCEEDED", "Max Data List Size Exceeded"},
	{InvalidFlowVersion, "INVALID_FLOW_VERSION", "Invalid Flow Version"},
	{InvalidFormat, "INVALID_FORMAT", "Invalid Format"},
	{IPNotWhitelisted, "IP_NOT_WHITELISTED", "IP Not Whitelisted"},
	{PhoneNotWhitelisted, "PHONE_NOT_WHITELISTED", "Phone Not Whitelisted"},
	{Failure, "FAILURE", "Failure"},
}

func (c Code) lookup() (entry, bool) {
	for _, e := range table {
		if e.code == c {
			return e, true
		}
	}
	return entry{}, false
}

// Valid reports whether c is one of the 22 defined codes.
func (c Code) Valid() bool {
	_, ok := c.lookup()
	return ok
}

// Name is the table's name, e.g. "INVALID_FORMAT"; "UNDEFINED_<n>" for an
// undefined code so that reports never print an empty name.
func (c Code) Name() string {
	if e, ok := c.lookup(); ok {
		return e.name
	}
	return "UNDEFINED_" + strconv.Itoa(int(c))
}

// Message is the api-response-message, e.g. "Invalid Format"; empty for an
// undefined code.
func (c Code) Message() string {
	e, _ := c.lookup()
	return e.message
}

// String is "400 INVALID_FORMAT".
func (c Code) String() string {
	return strconv.Itoa(int(c)) + " " + c.Name()
}

// All returns the 22 codes in ascending order (a fresh slice each call).
func All() []Code {
	out := make([]Code, len(table))
	for i, e := range table {
		out[i] = e.code
	}
	return out
}

// Lookup finds a code by its name ("INVALID_FORMAT"); the match is exact.
func Lookup(name string) (Code, bool) {
	for _, e := range table {
		if e.name == name {
			return e.code, true
		}
	}
	return 0, false
}

// Parse accepts a name ("INVALID_FORMAT") or a number ("400") naming a
// defined code; scenarios and profiles write codes either way.
func Parse(s string) (Code, bool) {
	if c, ok := Lookup(s); ok {
		return c, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	c := Code(n)
	return c, c.Valid()
}
