Feature: The encryptdata helper
  encryptdata seals a payload for a flow with the caller's key string, as a
  client would (spec section 6). Because AES-ECB is deterministic its
  requestEncryptedValue must equal the harness's own seal with the same key,
  and the envelope it returns must be accepted by the encrypted endpoint.
  Its refusals come in the spec's order: missing fields, an empty aesKey or
  one whose base64 exceeds 501 bytes 210; unknown flow 301; IP check 401;
  requestValue not base64 400.

  # Section 6.2: encryptdata's requestEncryptedValue equals a local seal with the same key, byte for byte.
  @status-200 @spec-6.2 @ref @endpoint-encryptdata
  Scenario Outline: encryptdata seals like the harness does (<kind> flow)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And an encryptdata request for the payload
    When the encryptdata request is sent
    Then the response code is 200 SUCCESS
    And the response requestEncryptedValue is the payload sealed locally with the same key
    And the response requestDigitalSignatureValue carries the key for the flow
    And the response's flow-id is the flow's

    Examples:
      | kind      |
      | multicast |
      | dialer    |

  # Section 6.2: the envelope encryptdata returns is a valid envelope for the flow.
  @status-200 @spec-6.2 @ref @endpoint-encryptdata
  Scenario Outline: the envelope encryptdata returns is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And an encryptdata request for the payload
    When the encryptdata request is sent
    Then the response code is 200 SUCCESS
    When the envelope encryptdata returned is sent to the encrypted endpoint
    Then the response code is 200 SUCCESS
    And every call-details entry echoes its client-identifier with a phonon-uuid

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Section 6.2: a key string whose base64 fits PKCS#1 v1.5 with RSA-4096 (at most 501 bytes) is accepted.
  @status-200 @spec-6.2 @ref @endpoint-encryptdata @flow-key-4096
  Scenario: an aesKey of 375 characters (base64: 500 bytes) is accepted
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And an encryptdata request for the payload
    And the encryptdata request's "aesKey" is a key of 375 characters
    When the encryptdata request is sent
    Then the response code is 200 SUCCESS
    And the response requestEncryptedValue is the payload sealed locally with the same key

  # Section 6.2: missing fields, an empty aesKey, or one whose base64 exceeds 501 bytes -> 210.
  @status-210 @spec-6.2 @ref @endpoint-encryptdata
  Scenario Outline: an encryptdata request <problem> is refused with 210
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And an encryptdata request for the payload
    And <edit>
    When the encryptdata request is sent
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    Examples:
      | problem                                      | edit                                                           |
      | without requestValue                         | the encryptdata request has no "requestValue"                  |
      | without aesKey                               | the encryptdata request has no "aesKey"                        |
      | without flow-id                              | the encryptdata request has no "flow-id"                       |
      | with an empty aesKey                         | the encryptdata request's "aesKey" is an empty string          |
      | with an aesKey of 376 characters (504 base64) | the encryptdata request's "aesKey" is a key of 376 characters |

  # Section 6.2: an unknown flow -> 301.
  @status-301 @spec-6.2 @ref @endpoint-encryptdata
  Scenario: encryptdata for an unknown flow is refused with 301
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And an encryptdata request for the payload
    And the encryptdata request's "flow-id" is unknown
    When the encryptdata request is sent
    Then the response code is 301 INVALID_FLOW_ID

  # Section 6.2: the IP check runs after the flow is known.
  @status-401 @spec-6.2 @ref @endpoint-encryptdata
  Scenario: encryptdata from an address off the flow account's whitelist is refused with 401
    Given a multicast flow whose account does not whitelist this machine
    And a payload with 1 call to a whitelisted number
    And an encryptdata request for the payload
    When the encryptdata request is sent
    Then the response code is 401 IP_NOT_WHITELISTED

  # Section 6.2: a requestValue that is not canonical base64 -> 400.
  @status-400 @spec-6.2 @ref @endpoint-encryptdata
  Scenario: encryptdata with a requestValue that is not base64 is refused with 400
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And an encryptdata request for the payload
    And the encryptdata request's "requestValue" is "this is not base64!"
    When the encryptdata request is sent
    Then the response code is 400 INVALID_FORMAT
