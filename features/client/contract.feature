@client @spec-4
Feature: Client contract
  What the contract (internal/certify/README.md) says where a vendor would
  otherwise guess. A refusal at the HTTP level (404 for a wrong path, 405
  for a wrong method, 413 for a body over the limit, 415 for a wrong
  content type, spec section 4) still carries a JSON body: the client
  prints it and exits 0, as for every api-response-code. The timeout the
  client is given may have a fraction of a second.

  @spec-4.3 @spec-4.5 @ref
  Scenario Outline: The client surfaces an HTTP <status> refusal and exits 0
    Given the client must send a payload with 1 call for the "healthy-multicast" flow
    And the server answers with HTTP <status> and code 400
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent
    And the body it printed says 400 INVALID_FORMAT

    Examples:
      | status |
      | 404    |
      | 405    |
      | 413    |
      | 415    |

  @spec-4.5 @ref
  Scenario: The client accepts a fractional KAIROS_TIMEOUT_SECONDS
    Given the client must send a payload with 1 call for the "healthy-dialer" flow
    And the client is given a fractional KAIROS_TIMEOUT_SECONDS
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent
