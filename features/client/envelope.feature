@client @spec-3
Feature: Client envelope format
  A client seals the payload exactly as spec section 3 says: one POST of a
  JSON envelope with three string fields, both values canonical standard
  base64, the AES key string RSA-encrypted with the flow's public key, the
  payload's base64 AES-128-ECB encrypted under SHA-256(base64(k))[:16].
  Each scenario runs the client once and judges one requirement, so that
  the report says which ones a client meets; like every client scenario,
  each also checks that an envelope that opens carries the payload file's
  bytes exactly (spec 3 step 1).

  Background:
    Given the client must send a payload with 1 call for the "healthy-multicast" flow

  @spec-1.1 @doc
  Scenario: One request, a POST of JSON to the flow's endpoint
    When the client sends it
    Then exactly one request arrived per run of the client
    And it was a POST to the flow's endpoint with Content-Type application/json

  @spec-3.1 @ref
  Scenario: The body has the three envelope fields and nothing else
    When the client sends it
    Then its body has exactly the fields requestEncryptedValue, requestDigitalSignatureValue and flow-id
    And its flow-id is the flow's id

  @spec-3.5 @ref
  Scenario: Both envelope values are canonical standard base64
    When the client sends it
    Then both envelope values are canonical standard base64

  @spec-3.3 @spec-3.5 @ref
  Scenario: The RSA value is the modulus length with the profile's padding and carries base64(k)
    When the client sends it
    Then the RSA value is exactly the modulus length and opens with the profile's padding

  @spec-3.2 @doc
  Scenario: The envelope opens with the flow's private key to the payload given
    When the client sends it
    Then the envelope opens with the flow's private key
    And the opened payload is byte for byte the payload given

  @spec-3.7 @ref
  Scenario: The key string is long enough and fits one RSA block
    When the client sends it
    Then the key string is at least 16 bytes and its base64 fits the RSA limit

  @spec-4.5 @ref
  Scenario: The client prints the body the server sent
    When the client sends it
    Then the client printed the body the server sent
