@client @spec-4 @spec-5
Feature: Client surfaces every response code
  Whatever api-response-code the server answers with (one of the 22 codes of
  SPEC.md section 5), with HTTP 200 as the reference server does, the client
  prints the body it got and exits 0: the code is the caller's to act on,
  not the client's to swallow. Here the server is told which code to
  answer with; the envelope is still judged in full.

  @spec-4.5 @ref
  Scenario Outline: The client surfaces <code> <name>
    Given the client must send a payload with 1 call for the "healthy-multicast" flow
    And the server answers with code <code>
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent
    And the body it printed says <code> <name>

    Examples:
      | code | name                         |
      | 200  | SUCCESS                      |
      | 201  | CHECKSUM_REPEATED            |
      | 202  | INVALID_SECURITY_ID          |
      | 203  | INVALID_API_VERSION          |
      | 204  | INVALID_GATEWAY_ID           |
      | 205  | INVALID_CONTACT_NUMBER       |
      | 206  | FAILURE_FROM_GATEWAY         |
      | 207  | DID_NOT_MAPPED               |
      | 208  | NO_MASK_AVAILABLE            |
      | 209  | PARTIAL_SUCCESS              |
      | 210  | INVALID_MANDATORY_PARAMETERS |
      | 211  | VALIDITY_EXPIRED             |
      | 212  | INSUFFICIENT_BALANCE         |
      | 213  | NO_DATA_AVAILABLE            |
      | 301  | INVALID_FLOW_ID              |
      | 302  | EMPTY_CALL_LIST              |
      | 303  | MAX_DATA_LIST_SIZE_EXCEEDED  |
      | 304  | INVALID_FLOW_VERSION         |
      | 400  | INVALID_FORMAT               |
      | 401  | IP_NOT_WHITELISTED           |
      | 402  | PHONE_NOT_WHITELISTED        |
      | 500  | FAILURE                      |
