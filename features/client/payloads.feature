@client @spec-2 @spec-3
Feature: Client payload coverage
  The client seals whatever payload it is given: one call or the 500 a
  request may carry, flow variables beyond ASCII, the published sample's
  payload byte for byte, the TEST version of a flow. Each time the
  envelope must open to the payload given and the client must print the
  body the server sent.

  @spec-3.2 @doc
  Scenario: One call
    Given the client must send a payload with 1 call for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent

  @spec-2.3 @spec-3.2 @doc
  Scenario: 500 calls, the most a request may carry
    Given the client must send a payload with 500 calls for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent

  @spec-3.2 @doc
  Scenario: Unicode flow variables
    Given the client must send a payload with unicode flow variables for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent

  @spec-3.2 @spec-3.8 @doc
  Scenario: The published vector's payload, sealed byte for byte
    Given the client must send the published vector's payload for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the opened payload is byte for byte the payload given
    And the client printed the body the server sent

  @spec-2.1 @spec-3.2 @doc
  Scenario: A TEST-mode payload
    Given the client must send a TEST-mode payload for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent
