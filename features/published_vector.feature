Feature: The published vector
  Phonon's documentation publishes one sealed sample: a payload, the key
  string "abcd1234" and the requestEncryptedValue they give
  (fixtures/vectors/published-vector.json). AES-ECB is deterministic, so a
  server's encryptdata helper given that payload and key must answer that
  requestEncryptedValue byte for byte (spec sections 3 and 6). The sample's
  own flow is Phonon's; only the RSA half depends on the flow, so the vector
  is asked for on the target's flows.

  # Sections 3 and 6: encryptdata with the published payload and key returns the published requestEncryptedValue.
  @status-200 @spec-3.8 @spec-6.2 @ref @endpoint-encryptdata
  Scenario Outline: encryptdata reproduces the published requestEncryptedValue (<kind> flow)
    Given a healthy <kind> flow
    And an encryptdata request for the published vector's payload and key
    When the encryptdata request is sent
    Then the response code is 200 SUCCESS
    And the response requestEncryptedValue is the published one, byte for byte
    And the response requestDigitalSignatureValue carries the key for the flow
    And the response's flow-id is the flow's

    Examples:
      | kind      |
      | multicast |
      | dialer    |
