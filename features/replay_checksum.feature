Feature: Replay and checksum
  Rule 5.20: the same inner payload bytes, already accepted for the flow in
  the last 24 hours, are refused with 201 CHECKSUM_REPEATED, whatever AES key
  sealed them. The checksum covers the payload, not the ciphertext; its scope
  is the flow, not the endpoint (on the plain endpoints the payload is the raw
  body); only accepted requests (200, 209) record one. Concurrent identical
  requests must not both get through. Every payload here carries
  client-identifiers unique to the run, so scenarios never collide.

  # Rule 5.20: a byte-identical resend of an accepted request -> 201.
  @status-201 @spec-5.20 @doc @checksum
  Scenario Outline: a byte-identical resend is refused with 201 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 200 SUCCESS
    When the same request is sent again unchanged
    Then the response code is 201 CHECKSUM_REPEATED

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      |
      | plain    | multicast |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   |
      | plain    | dialer |

  # Rule 5.20: the checksum covers the payload, not the ciphertext: re-sealed under a new AES key -> 201.
  @status-201 @spec-5.20 @ref @checksum
  Scenario Outline: the same payload sealed with a new AES key is refused with 201 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 200 SUCCESS
    When the same payload is sealed again with a new AES key and sent
    Then the response code is 201 CHECKSUM_REPEATED

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Rule 5.20: a payload one byte different is a new payload -> 200.
  @status-200 @spec-5.20 @ref @checksum
  Scenario Outline: the payload with one byte changed is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 200 SUCCESS
    When the payload with one byte changed is sent again
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

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   |
      | plain    | dialer |

  # Rule 5.20: the checksum's scope is the flow, not the endpoint: accepted on plain, repeated on encrypted -> 201.
  @status-201 @spec-5.20 @ref @checksum
  Scenario Outline: a payload accepted on the plain endpoint is a repeat on the encrypted one (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the plain endpoint
    Then the response code is 200 SUCCESS
    When the same payload is sent again to the <endpoint> endpoint
    Then the response code is 201 CHECKSUM_REPEATED

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Rule 5.20: concurrent identical envelopes -> exactly one accepted, the others 201.
  @status-201 @spec-5.20 @ref @checksum
  Scenario Outline: five identical envelopes sent at once: exactly one is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When 5 copies of the same sealed envelope are sent at once
    Then exactly one of them is accepted and the others are refused with 201 CHECKSUM_REPEATED

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Rule 5.20: concurrent copies of one payload under different AES keys -> exactly one accepted.
  @status-201 @spec-5.20 @ref @checksum @endpoint-enc-multicast
  Scenario: one payload sealed five times and sent at once: exactly one is accepted
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    When the same payload is sealed 5 times with different AES keys and sent at once
    Then exactly one of them is accepted and the others are refused with 201 CHECKSUM_REPEATED

  # Rule 5.20: only accepted requests record a checksum: a refused payload sent again is judged again, not a repeat.
  @status-402 @spec-5.20 @ref @checksum
  Scenario Outline: a refused payload sent again is refused again, not a repeat (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a not-whitelisted number
    And the api-version is "TEST"
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 402 PHONE_NOT_WHITELISTED
    When the same request is sent again unchanged
    Then the response code is 402 PHONE_NOT_WHITELISTED

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   |
      | plain    | dialer |

  # Rule 5.20: a partly accepted request (209) records a checksum too.
  @status-201 @spec-5.20 @ref @checksum @endpoint-enc-dialer
  Scenario: a payload accepted with 209 is a repeat when sent again
    Given a healthy dialer flow
    And a payload with 1 call to a whitelisted number
    And another call to an invalid number
    When the payload is sent to the encrypted endpoint
    Then the response code is 209 PARTIAL_SUCCESS
    When the same payload is sealed again with a new AES key and sent
    Then the response code is 201 CHECKSUM_REPEATED

  # Rule 5.20: the window is 24 hours (knob checksum-window): after it the same payload is new again.
  # The target's clock must be moved, so this runs only against an in-process reference server.
  @status-200 @spec-5.20 @ref @checksum @clock @endpoint-enc-multicast
  Scenario: after the checksum window the same payload is accepted again
    Given the target's clock can be moved
    And a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is in 3 days
    When the payload is sent to the encrypted endpoint
    Then the response code is 200 SUCCESS
    When the checksum window passes
    And the same request is sent again unchanged
    Then the response code is 200 SUCCESS
    And every call-details entry echoes its client-identifier with a phonon-uuid
