Feature: Round trip
  A payload the harness seals exactly as Phonon's published sample was sealed
  (spec section 3) is opened by the server and accepted: 200 SUCCESS and one
  call-details entry per call, in request order, echoing its client-identifier
  with a phonon-uuid (rule 5.22). The accepted calls can then be found through
  the Pull API (section 6). The plain endpoints take the same payload unsealed.

  # Rule 5.22: all calls accepted -> 200 SUCCESS; call-details echo each client-identifier with a phonon-uuid.
  @status-200 @spec-5.22 @ref
  Scenario Outline: a payload with one call is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
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

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      |
      | plain    | multicast |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   |
      | plain    | dialer |

  # Rule 5.22: call-details list every call, in request order.
  @status-200 @spec-5.22 @ref
  Scenario Outline: a payload with three calls is accepted and echoed in request order (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 3 calls to whitelisted numbers
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 200 SUCCESS
    And the response "call-details.#" is 3
    And every call-details entry echoes its client-identifier with a phonon-uuid

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Section 6.3, Pull API: accepted calls are found by phonon-uuid, with their client-identifier and the create request's request-id.
  @status-200 @spec-6.3 @ref @endpoint-pull
  Scenario Outline: accepted calls are found through the Pull API (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 2 calls to whitelisted numbers
    And the payload has been accepted by the <endpoint> endpoint
    When the accepted calls are pulled by their phonon-uuids
    Then the response code is 200 SUCCESS
    And the pulled data lists exactly the accepted calls, each with its client-identifier and request-id

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Section 2.1: api-version TEST runs the flow's testing version, which dials its test-phone whitelist.
  @status-200 @spec-2.1 @doc
  Scenario Outline: api-version TEST with a whitelisted number is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the api-version is "TEST"
    When the payload is sent to the <endpoint> endpoint
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

  # Section 2.8: fields the spec does not name are ignored.
  @status-200 @spec-2.8 @ref @endpoint-enc-multicast
  Scenario: unknown fields in the payload and in a call are ignored
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And the payload's "campaign" is "spring-sale"
    And the call's "priority" is 5
    When the payload is sent to the encrypted endpoint
    Then the response code is 200 SUCCESS
    And every call-details entry echoes its client-identifier with a phonon-uuid

  # Section 2.9: the 91 / +91 prefix is ignored when a number is compared with the test-phone whitelist.
  @status-200 @spec-2.9 @ref @endpoint-enc-multicast
  Scenario Outline: a whitelisted number written with the prefix <prefix> is accepted under TEST
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And the api-version is "TEST"
    And the call's contact number is written with the prefix "<prefix>"
    When the payload is sent to the encrypted endpoint
    Then the response code is 200 SUCCESS

    Examples:
      | prefix |
      | 91     |
      | +91    |

  # Section 2.5: a past time today is accepted; the call starts at once.
  @status-200 @spec-2.5 @doc @endpoint-enc-dialer
  Scenario: a start-time earlier today is accepted
    Given a healthy dialer flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is earlier today
    When the payload is sent to the encrypted endpoint
    Then the response code is 200 SUCCESS

  # Section 2.6: start-time is YYYY-MM-DDTHH:MM:SS[.fraction](Z|+-HH:MM).
  @status-200 @spec-2.6 @ref @endpoint-enc-multicast
  Scenario Outline: a start-time written as <format> is accepted
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is tomorrow in the format "<format>"
    When the payload is sent to the encrypted endpoint
    Then the response code is 200 SUCCESS

    Examples:
      | format                        |
      | YYYY-MM-DDThh:mm:ssZ          |
      | YYYY-MM-DDThh:mm:ss+05:30     |
      | YYYY-MM-DDThh:mm:ss.sss+05:30 |

  # Section 4.2 [ref]: every response carries a request-id, the same in the body and the request-id header.
  @status-200 @spec-4.2 @ref @endpoint-enc-multicast
  Scenario: a response carries its request-id in the body and the header
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the encrypted endpoint
    Then the response code is 200 SUCCESS
    And the response carries a request-id, the same in its body and its header
