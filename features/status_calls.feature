Feature: Status codes of the calls
  Rule 5.12 refuses a whole request whose calls lack a field or carry an
  unusable start-time (210). Rule 5.21 judges each call: under TEST a number
  off the flow's test-phone whitelist gets 402, an invalid number 205 (one bad
  number, alternates included, refuses the call). Rule 5.22 sums up: all
  accepted 200, some 209 PARTIAL_SUCCESS, none the first call's code, with
  call-details for every call in request order either way (section 4).

  # Rule 5.12: a call without client-identifier -> 210.
  @status-210 @spec-5.12 @ref
  Scenario Outline: a call without client-identifier is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call has no "client-identifier"
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

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

  # Rule 5.12: a call lacking a mandatory field, or with an empty one, refuses the whole request -> 210.
  @status-210 @spec-5.12 @ref
  Scenario Outline: a call whose <field> is <problem> is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 2 calls to whitelisted numbers
    And the last call's "<field>" is <value>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | field             | problem           | value              |
      | encrypted | multicast | client-identifier | empty             | an empty string    |
      | encrypted | multicast | contact-numbers   | an empty list     | an empty list      |
      | encrypted | multicast | contact-numbers   | a string          | "12345"            |
      | encrypted | multicast | keys              | null              | null               |
      | encrypted | multicast | keys              | a list of strings | ["$flow.key.Name"] |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | field      | problem  | value |
      | encrypted | dialer | start-time | a number | 12    |

  # Rule 5.12: a call without start-time or contact-numbers -> 210.
  @status-210 @spec-5.12 @ref
  Scenario Outline: a call without <field> is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call has no "<field>"
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | field           |
      | encrypted | multicast | start-time      |
      | encrypted | multicast | contact-numbers |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | field           |
      | encrypted | dialer | start-time      |
      | encrypted | dialer | contact-numbers |

  # Rule 5.12 and section 2: a start-time on a date before today (in its own offset) -> 210.
  @status-210 @spec-5.12 @ref
  Scenario Outline: a start-time yesterday is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is yesterday
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

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

  # Rule 5.12 and section 2: start-time is exactly YYYY-MM-DDTHH:MM:SS[.fraction](Z|+-HH:MM); anything else -> 210.
  @status-210 @spec-5.12 @ref @endpoint-enc-multicast
  Scenario Outline: a start-time written as <format> is refused with 210
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is tomorrow in the format "<format>"
    When the payload is sent to the encrypted endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    # The first is the shape of Phonon's own sample ("...311Z+05:30"), which the spec declares invalid.
    Examples:
      | format                         |
      | YYYY-MM-DDThh:mm:ss.sssZ+05:30 |
      | YYYY-MM-DD hh:mm:ss+05:30      |
      | YYYY-MM-DDThh:mm:ss            |
      | DD/MM/YYYY hh:mm               |
      | YYYY-MM-DDThh:mm:ss+0530       |

  # Rule 5.21: under TEST a number off the flow's test-phone whitelist -> 402 for the call; none accepted -> the first call's code.
  @status-402 @spec-5.21 @ref
  Scenario Outline: under TEST a number off the whitelist is refused with 402 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a not-whitelisted number
    And the api-version is "TEST"
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 402 PHONE_NOT_WHITELISTED
    And call 1 of call-details is refused with 402 PHONE_NOT_WHITELISTED

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

  # Rule 5.21: under TEST the whitelist is checked first, so an invalid number also gets 402.
  @status-402 @spec-5.21 @ref @endpoint-enc-multicast
  Scenario: under TEST an invalid number is refused with 402, not 205
    Given a healthy multicast flow
    And a payload with 1 call to an invalid number
    And the api-version is "TEST"
    When the payload is sent to the encrypted endpoint
    Then the response code is 402 PHONE_NOT_WHITELISTED
    And call 1 of call-details is refused with 402 PHONE_NOT_WHITELISTED

  # Rule 5.21: an invalid contact number -> 205 for the call; none accepted -> the first call's code.
  @status-205 @spec-5.21 @ref
  Scenario Outline: an invalid number is refused with 205 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to an invalid number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 205 INVALID_CONTACT_NUMBER
    And call 1 of call-details is refused with 205 INVALID_CONTACT_NUMBER

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

  # Rule 5.21: one invalid number, alternates included, refuses the whole call -> 205.
  @status-205 @spec-5.21 @ref @endpoint-enc-dialer
  Scenario: a call whose alternate number is invalid is refused with 205
    Given a healthy dialer flow
    And a payload with 1 call to a whitelisted number
    And the call has an invalid alternate number
    When the payload is sent to the encrypted endpoint
    Then the response code is 205 INVALID_CONTACT_NUMBER
    And call 1 of call-details is refused with 205 INVALID_CONTACT_NUMBER

  # Rule 5.22: no call accepted -> the first call's code, and call-details for every call.
  @status-205 @spec-5.22 @ref @endpoint-enc-multicast
  Scenario: when no call is accepted every call is listed with its code
    Given a healthy multicast flow
    And a payload with 2 calls to invalid numbers
    When the payload is sent to the encrypted endpoint
    Then the response code is 205 INVALID_CONTACT_NUMBER
    And every call of call-details is refused with 205 INVALID_CONTACT_NUMBER

  # Rule 5.22: some calls accepted -> 209; accepted calls carry a phonon-uuid, refused ones their own code.
  @status-209 @spec-5.22 @ref
  Scenario Outline: a valid and an invalid number give 209 PARTIAL_SUCCESS (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And another call to an invalid number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 209 PARTIAL_SUCCESS
    And call 1 of call-details is accepted with a phonon-uuid
    And call 2 of call-details is refused with 205 INVALID_CONTACT_NUMBER

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

  # Rule 5.22 under TEST: a whitelisted and a non-whitelisted number -> 209, the second call 402.
  @status-209 @spec-5.22 @ref
  Scenario Outline: under TEST a whitelisted and a non-whitelisted number give 209 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a not-whitelisted number
    And another call to a whitelisted number
    And the api-version is "TEST"
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 209 PARTIAL_SUCCESS
    And call 1 of call-details is refused with 402 PHONE_NOT_WHITELISTED
    And call 2 of call-details is accepted with a phonon-uuid

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |
