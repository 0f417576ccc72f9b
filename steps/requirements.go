package steps

// requirements quotes the rule each @spec-X.Y tag stands for
// (shared/spec/kairos-api.md); a failing step's first line is the rule of
// its scenario, h2spec style. Section-5 rules use the table's order number.
var requirements = map[string]string{
	"1": "every endpoint is a POST with a JSON body (Content-Type application/json)",
	"2": "the inner payload is the JSON object of section 2: required fields by exact name, other fields ignored, at most 256 KB",
	"3": "an envelope is sealed as Phonon's published sample was: AES-128-ECB of the base64 payload under SHA-256(base64(k))[:16], k RSA-encrypted for the flow's key",
	"4": "responses are JSON with api-response-code and api-response-message (and a request-id); HTTP 200 for every processed request, 404/405/413/415 for transport errors",
	"6": "generateKeyPair, encryptdata and the Pull API behave as section 6 says",
	"7": "the target's knobs (section 7) hold",

	"5.1":  "a body that is not a JSON object, or an envelope field that is missing or not a string, is refused with 400 INVALID_FORMAT",
	"5.2":  "an envelope whose outer flow-id is unknown or of the other kind is refused with 301 INVALID_FLOW_ID",
	"5.3":  "a caller whose address is not on the flow account's IP whitelist is refused with 401 IP_NOT_WHITELISTED (forwarded-for headers are never trusted)",
	"5.4":  "an envelope that does not open is refused with 400 INVALID_FORMAT, one code and one message whatever failed (no decryption oracle)",
	"5.5":  "a payload whose api-version, security-id, flow-id or calls is missing or of the wrong JSON type is refused with 210 INVALID_MANDATORY_PARAMETERS",
	"5.6":  "an api-version other than 1.0 or TEST is refused with 203 INVALID_API_VERSION",
	"5.7":  "an inner flow-id that is unknown, of the other kind, or different from the envelope's is refused with 301 INVALID_FLOW_ID",
	"5.8":  "a security-id that is not the flow's is refused with 202 INVALID_SECURITY_ID",
	"5.9":  "api-version TEST on a flow without a testing version is refused with 304 INVALID_FLOW_VERSION",
	"5.10": "an empty calls list is refused with 302 EMPTY_CALL_LIST",
	"5.11": "more calls than the limit (500) is refused with 303 MAX_DATA_LIST_SIZE_EXCEEDED",
	"5.12": "a call without client-identifier, start-time or contact-numbers, or with an unparseable or past-date start-time, is refused with 210 INVALID_MANDATORY_PARAMETERS",
	"5.13": "a flow whose account validity has expired is refused with 211 VALIDITY_EXPIRED",
	"5.14": "a flow whose account has no balance is refused with 212 INSUFFICIENT_BALANCE",
	"5.15": "a flow with no DID attached is refused with 207 DID_NOT_MAPPED",
	"5.16": "a flow whose mask pool is empty is refused with 208 NO_MASK_AVAILABLE",
	"5.17": "a flow whose SMS gateway is not valid is refused with 204 INVALID_GATEWAY_ID",
	"5.18": "a flow whose gateway refuses the request is refused with 206 FAILURE_FROM_GATEWAY",
	"5.19": "any other failure (a failing flow, an internal error) is answered with 500 FAILURE",
	"5.20": "the same inner payload bytes already accepted for the flow within 24 hours are refused with 201 CHECKSUM_REPEATED, whatever AES key sealed them; only accepted requests record a checksum",
	"5.21": "under TEST a number off the flow's test-phone whitelist gets 402 PHONE_NOT_WHITELISTED; an invalid number gets 205 INVALID_CONTACT_NUMBER (per call)",
	"5.22": "all calls accepted: 200 SUCCESS; some: 209 PARTIAL_SUCCESS; none: the first call's code; call-details echo every client-identifier in request order, accepted ones with a phonon-uuid",
}

// requirement is the first line of a failure: the rule the scenario checks.
func (st *scenario) requirement() string {
	if st.meta.spec == "" {
		return "spec: (the scenario has no @spec tag)"
	}
	if r, ok := requirements[st.meta.spec]; ok {
		return "spec " + st.meta.spec + ": " + r
	}
	return "spec " + st.meta.spec
}
