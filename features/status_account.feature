Feature: Status codes of the flow and its account
  Rules 5.13 to 5.19 refuse a well-formed request because of the flow it names:
  its account has expired (211) or has no balance (212); the flow has no DID
  (207), no mask (208), an invalid (204) or refusing (206) SMS gateway, or
  fails internally (500). Each role of spec section 8 is a flow that is healthy
  in every other way, so it reaches exactly its code; the server checks in
  this order and answers with the first that applies. Every code is triggered
  on all four create endpoints.

  # Rule 5.13: a flow whose account's validity has expired -> 211.
  @status-211 @spec-5.13 @ref
  Scenario Outline: a flow whose account validity has expired is refused with 211 (<endpoint> <kind>)
    Given a <kind> flow whose account validity has expired
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 211 VALIDITY_EXPIRED

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

  # Rule 5.14: a flow whose account has no balance (zero or less) -> 212.
  @status-212 @spec-5.14 @ref
  Scenario Outline: a flow whose account has zero balance is refused with 212 (<endpoint> <kind>)
    Given a <kind> flow whose account has zero balance
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 212 INSUFFICIENT_BALANCE

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

  # Rule 5.15: a flow with no DID attached -> 207.
  @status-207 @spec-5.15 @ref
  Scenario Outline: a flow without DID is refused with 207 (<endpoint> <kind>)
    Given a <kind> flow without DID
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 207 DID_NOT_MAPPED

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

  # Rule 5.16: a flow whose mask (sender id) pool is empty -> 208.
  @status-208 @spec-5.16 @ref
  Scenario Outline: a flow with an empty mask pool is refused with 208 (<endpoint> <kind>)
    Given a <kind> flow with an empty mask pool
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 208 NO_MASK_AVAILABLE

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

  # Rule 5.17: a flow whose SMS gateway is not a valid gateway -> 204.
  @status-204 @spec-5.17 @ref
  Scenario Outline: a flow with an invalid SMS gateway is refused with 204 (<endpoint> <kind>)
    Given a <kind> flow with an invalid SMS gateway
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 204 INVALID_GATEWAY_ID

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

  # Rule 5.18: a flow whose gateway refuses the request -> 206.
  @status-206 @spec-5.18 @ref
  Scenario Outline: a flow whose SMS gateway refuses requests is refused with 206 (<endpoint> <kind>)
    Given a <kind> flow whose SMS gateway refuses requests
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 206 FAILURE_FROM_GATEWAY

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

  # Rule 5.19: any other failure, e.g. a flow marked as failing -> 500 FAILURE (HTTP 200: the request was processed).
  @status-500 @spec-5.19 @doc
  Scenario Outline: a failing flow is refused with 500 (<endpoint> <kind>)
    Given a failing <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 500 FAILURE

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

  # Rule 5.13 before 5.21: the flow's refusal comes before the calls are judged, so no call-details are owed.
  @status-211 @spec-5.13 @ref @endpoint-enc-dialer
  Scenario: an expired account is refused with 211 even when a call's number is invalid
    Given a dialer flow whose account validity has expired
    And a payload with 1 call to an invalid number
    When the payload is sent to the encrypted endpoint
    Then the response code is 211 VALIDITY_EXPIRED

  # Rule 5.12 before 5.13: a call without start-time is refused before the account is looked at.
  @status-210 @spec-5.12 @ref @endpoint-enc-multicast
  Scenario: a flow without DID still gets 210 for a call without start-time
    Given a multicast flow without DID
    And a payload with 1 call to a whitelisted number
    And the call has no "start-time"
    When the payload is sent to the encrypted endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS
