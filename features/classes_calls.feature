Feature: Input classes of the calls
  The call-level rows of the class table in features/README.md:
  client-identifier, contact-numbers and keys as null or of the wrong JSON
  type, the valid and invalid classes of a contact number (spec section 2.9
  [ref]), and keys. Invalid numbers are made from the profile's whitelisted
  (test) numbers, so that a server which wrongly dials one rings at most a
  test phone. The start-time classes are in classes_start_time.feature.

  # Rule 5.12: client-identifier, start-time and contact-numbers must have a value; null is of the wrong type -> 210, never a crash (500).
  @status-210 @spec-5.12 @ref @boundary
  Scenario Outline: a call whose "<field>" is null is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 2 calls to whitelisted numbers
    And the last call's "<field>" is null
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | field             |
      | encrypted | multicast | client-identifier |
      | encrypted | multicast | start-time        |
      | encrypted | multicast | contact-numbers   |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | field             |
      | encrypted | dialer | client-identifier |
      | encrypted | dialer | start-time        |
      | encrypted | dialer | contact-numbers   |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | field      |
      | plain    | multicast | start-time |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | field             |
      | plain    | dialer | client-identifier |

  # Rule 5.12 and section 2.7: a string field holding a number, boolean or null, or keys that are not a list of {name, value} strings -> 210 (no coercion).
  @status-210 @spec-2.7 @spec-5.12 @ref @boundary
  Scenario Outline: a call whose <field> is <problem> is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And <edit>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | field             | problem                 | edit                                                                   |
      | encrypted | multicast | client-identifier | a number                | the call's "client-identifier" is 42                                   |
      | encrypted | multicast | contact number    | a JSON number           | the call's contact number is written as a JSON number                  |
      | encrypted | multicast | keys              | one object, not a list  | the call's "keys" is {"name": "$flow.key.Name", "value": "Asha"}       |
      | encrypted | multicast | key value         | a number                | the call's "keys" is [{"name": "$flow.key.Name", "value": 42}]         |
      | encrypted | multicast | key value         | null                    | the call's "keys" is [{"name": "$flow.key.Name", "value": null}]       |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | field             | problem       | edit                                                  |
      | encrypted | dialer | client-identifier | true          | the call's "client-identifier" is true                |
      | encrypted | dialer | contact number    | a JSON number | the call's contact number is written as a JSON number |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | field | problem                | edit                                                             |
      | plain    | multicast | keys  | one object, not a list | the call's "keys" is {"name": "$flow.key.Name", "value": "Asha"} |

  # Section 2.7: keys are optional [doc]; an empty list is no keys [ref] -> the call is accepted.
  @status-200 @spec-2.7 @ref @boundary
  Scenario Outline: a call <keys> is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And <edit>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 200 SUCCESS
    And every call-details entry echoes its client-identifier with a phonon-uuid

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | keys                   | edit                                  |
      | encrypted | multicast | without keys           | the call has no "keys"                |
      | encrypted | multicast | with an empty key list | the call's "keys" is an empty list    |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | keys         | edit                   |
      | plain    | dialer | without keys | the call has no "keys" |

  # Section 2.9 [ref]: a valid number is 10 digits starting 6-9: 6 is the lowest first digit, and 91 as the first two of 10 digits is not a prefix -> accepted under TEST.
  @status-200 @spec-2.9 @spec-5.21 @ref @boundary
  Scenario Outline: under TEST a whitelisted number starting <start> is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call's contact number is a whitelisted number starting <start>
    And the api-version is "TEST"
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 200 SUCCESS
    And every call-details entry echoes its client-identifier with a phonon-uuid

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | start |
      | encrypted | multicast | 6     |
      | encrypted | multicast | 91    |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | start |
      | encrypted | dialer | 6     |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | start |
      | plain    | dialer | 91    |

  # Section 2.9 [ref] and rule 5.21: 9 digits, 11 digits, a first digit of 5, or a space inside is not a valid number -> 205 for the call.
  @status-205 @spec-2.9 @spec-5.21 @ref @boundary
  Scenario Outline: a number that <mangling> is refused with 205 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call's contact number <mangling>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 205 INVALID_CONTACT_NUMBER
    And call 1 of call-details is refused with 205 INVALID_CONTACT_NUMBER

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | mangling                          |
      | encrypted | multicast | loses its last digit              |
      | encrypted | multicast | gains a trailing 0                |
      | encrypted | multicast | has its first digit replaced by 5 |
      | encrypted | multicast | has a space after its fifth digit |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | mangling                          |
      | encrypted | dialer | loses its last digit              |
      | encrypted | dialer | gains a trailing 0                |
      | encrypted | dialer | has its first digit replaced by 5 |
      | encrypted | dialer | has a space after its fifth digit |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | mangling                          |
      | plain    | multicast | gains a trailing 0                |
      | plain    | multicast | has its first digit replaced by 5 |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | mangling                          |
      | plain    | dialer | loses its last digit              |
      | plain    | dialer | has a space after its fifth digit |
