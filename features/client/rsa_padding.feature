@client @spec-3
Feature: Client RSA padding
  Spec section 3 step 6 RSA-encrypts base64(k) with the flow's public key.
  The pages do not name the padding; this project reads it as PKCS#1 v1.5,
  Java's default "RSA" cipher, and every client must support it (it is the
  padding of every other client scenario). OAEP is optional: a vendor who
  declares it (runner certify-client --rsa-paddings pkcs1v15,oaep-sha256)
  has it certified here, with KAIROS_RSA_PADDING naming the padding to use
  and the server opening only that one; a padding not declared is skipped,
  with the reason. oaep-sha256 means SHA-256 for both the OAEP hash and
  MGF1, with an empty label; oaep-sha1 means SHA-1 for both.

  @spec-3.3 @ref
  Scenario Outline: The client seals with <padding> when KAIROS_RSA_PADDING says so
    Given the client must send a payload with 1 call for the "healthy-dialer" flow
    And the server expects the RSA padding "<padding>"
    When the client sends it
    Then the RSA value is exactly the modulus length and opens with that padding
    And the client sent a valid envelope for the payload
    And the client printed the body the server sent

    Examples:
      | padding     |
      | pkcs1v15    |
      | oaep-sha1   |
      | oaep-sha256 |
