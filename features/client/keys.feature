@client @spec-3
Feature: Client key freshness
  Spec section 3 step 2: a random key string for every request. With ECB a
  reused key makes equal payloads give equal ciphertexts, and one leaked
  key opens every request sealed with it. Every scenario of the run also
  checks its requests' keys against all earlier requests of the run.

  @spec-3.2 @doc
  Scenario: Three requests of the same payload carry three different key strings
    Given the client must send a payload with 1 call for the "healthy-multicast" flow
    When the client sends it 3 times
    Then the client sent a valid envelope for the payload each time
    And no two requests of this scenario carried the same key string

  @spec-3.2 @doc
  Scenario: The same payload sealed twice gives two different ciphertexts
    Given the client must send a payload with 1 call for the "healthy-dialer" flow
    When the client sends it 2 times
    Then no two requests carried the same requestEncryptedValue
