Feature: Key generation
  generateKeyPair replaces a flow's RSA key pair and answers the new public
  key (spec section 6); from then on envelopes sealed for the old key fail
  with 400. Its refusals: missing fields 210, unknown flow 301, the IP check
  401, a wrong security-id 202. Rotating a live flow's key breaks its
  clients, so these scenarios run only when the profile allows it (knob
  allow-key-rotation) and use the flows reserved for rotation. They never
  trust the key file: each first rotates the key itself, so it knows which
  key is current, whatever earlier runs did.

  # Section 6.1: after generateKeyPair an envelope sealed for the new key is accepted, one sealed for the old key is refused with 400.
  @status-200 @spec-6.1 @ref @endpoint-generatekeypair
  Scenario Outline: after a rotation only the new key opens envelopes (<endpoint> <kind>)
    Given a <kind> flow reserved for key rotation
    And a payload with 1 call to a whitelisted number
    And the flow's key pair has been rotated
    When a new payload is sealed for the new key and sent
    Then the response code is 200 SUCCESS
    When the flow's key pair is rotated
    Then the response code is 200 SUCCESS
    And the response carries a new public key for the flow
    When a new payload is sealed for the new key and sent
    Then the response code is 200 SUCCESS
    And every call-details entry echoes its client-identifier with a phonon-uuid
    When a new payload is sealed for the previous key and sent
    Then the response code is 400 INVALID_FORMAT

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Section 6.1: missing fields -> 210.
  @status-210 @spec-6.1 @ref @endpoint-generatekeypair
  Scenario Outline: a key pair request without <field> is refused with 210
    Given a multicast flow reserved for key rotation
    And a key pair request for the flow
    And the key pair request has no "<field>"
    When the key pair request is sent
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    Examples:
      | field       |
      | flow-id     |
      | security-id |

  # Section 6.1: an unknown flow -> 301.
  @status-301 @spec-6.1 @ref @endpoint-generatekeypair
  Scenario: a key pair request for an unknown flow is refused with 301
    Given a dialer flow reserved for key rotation
    And a key pair request for the flow
    And the key pair request's "flow-id" is unknown
    When the key pair request is sent
    Then the response code is 301 INVALID_FLOW_ID

  # Section 6.1 [ref]: the reference server requires the flow's security-id; a wrong one -> 202.
  @status-202 @spec-6.1 @ref @endpoint-generatekeypair
  Scenario: a key pair request with a wrong security-id is refused with 202
    Given a multicast flow reserved for key rotation
    And a key pair request for the flow
    And the key pair request's "security-id" is wrong
    When the key pair request is sent
    Then the response code is 202 INVALID_SECURITY_ID

  # Section 6.1: the IP check runs after 301 and before 202 (so no key is replaced for a stranger).
  @status-401 @spec-6.1 @ref @endpoint-generatekeypair
  Scenario: a key pair request from an address off the whitelist is refused with 401
    Given a dialer flow whose account does not whitelist this machine
    And a key pair request for the flow
    And the key pair request's "security-id" is wrong
    When the key pair request is sent
    Then the response code is 401 IP_NOT_WHITELISTED
