Feature: The valid side of each limit
  Each limit is tested from both sides: one over it is refused elsewhere
  (status_request.feature, pull_api.feature, transport.feature); here
  exactly the limit is accepted, so a server that enforces a limit one too
  early is caught. A request of 500 calls places 500 calls, so those
  scenarios are tagged bulk and run only where the profile allows bulk calls
  (knobs.allow-bulk-calls), skipped with that reason elsewhere.

  # Section 2.3 [doc]: a request carries 1 to 500 calls; exactly 500 (knob max-calls-per-request) is within the limit.
  @status-200 @spec-2.3 @doc @bulk @boundary
  Scenario Outline: exactly as many calls as the limit are accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload has exactly as many calls as the limit
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 200 SUCCESS

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

  # Section 6.3 [ref]: a pull asks for at most 100 uuids (knob max-uuids-per-pull); exactly 100 is within the limit -> 200 with the known ones.
  @status-200 @spec-6.3 @ref @endpoint-pull @boundary
  Scenario: a pull of exactly as many uuids as the limit is answered with the known ones
    Given a healthy multicast flow
    And a payload with 2 calls to whitelisted numbers
    And the payload has been accepted by the encrypted endpoint
    And a pull request for the accepted calls
    And the pull request asks for exactly as many phonon-uuids as the limit
    When the pull request is sent
    Then the response code is 200 SUCCESS
    And the pulled data lists exactly the accepted calls, each with its client-identifier and request-id

  # Section 6.3 [ref]: the pull request's fields must have a value; null -> 210, never a crash (500).
  @status-210 @spec-6.3 @ref @endpoint-pull @boundary
  Scenario Outline: a pull request whose "<field>" is null is refused with 210
    Given a healthy dialer flow
    And a payload with 1 call to a whitelisted number
    And the payload has been accepted by the plain endpoint
    And a pull request for the accepted calls
    And the pull request's "<field>" is null
    When the pull request is sent
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    Examples:
      | field        |
      | security-id  |
      | phonon-uuids |
