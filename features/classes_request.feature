Feature: Input classes of the request as a whole
  The class table in features/README.md lists, for every payload and
  envelope field of spec sections 2, 3 and 5, its valid and invalid classes
  and the forms of one value that a lenient server would wrongly take as
  equal to the right one. These scenarios test the request-level classes:
  api-version, security-id, flow-id (the payload's and the envelope's), a
  null where a value is required, and field names. Each is the only thing
  wrong with an otherwise valid request, so a server that gets that one
  class wrong answers something else.

  # Rule 5.6: api-version is "1.0" or "TEST" exactly; a value that merely looks or compares like one -> 203.
  @status-203 @spec-2.1 @spec-5.6 @ref @boundary
  Scenario Outline: api-version <value> is refused with 203 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload's "api-version" is <value>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 203 INVALID_API_VERSION

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | value           |
      | encrypted | multicast | "1.00"          |
      | encrypted | multicast | "Test"          |
      | encrypted | multicast | "1.0 "          |
      | encrypted | multicast | an empty string |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | value  |
      | encrypted | dialer | "01.0" |
      | encrypted | dialer | "tEST" |
      | encrypted | dialer | "TEST " |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | value  |
      | plain    | multicast | "1.00" |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | value           |
      | plain    | dialer | " 1.0"          |
      | plain    | dialer | an empty string |

  # Rule 5.5: api-version, security-id, flow-id and calls must have a value; null is of the wrong type -> 210, never a crash (500).
  @status-210 @spec-5.5 @ref @boundary
  Scenario Outline: a payload whose "<field>" is null is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload's "<field>" is null
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | field       |
      | encrypted | multicast | api-version |
      | encrypted | multicast | security-id |
      | encrypted | multicast | flow-id     |
      | encrypted | multicast | calls       |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | field       |
      | encrypted | dialer | api-version |
      | encrypted | dialer | flow-id     |
      | encrypted | dialer | calls       |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | field       |
      | plain    | multicast | api-version |
      | plain    | multicast | calls       |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | field       |
      | plain    | dialer | security-id |
      | plain    | dialer | flow-id     |

  # Rule 5.1: an envelope field that is null is not a string -> 400, never a crash (500).
  @status-400 @spec-3.1 @spec-5.1 @ref @boundary
  Scenario Outline: an envelope whose "<field>" is null is refused with 400 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the envelope is sent with null as "<field>"
    Then the response code is 400 INVALID_FORMAT

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | field                        |
      | encrypted | multicast | requestEncryptedValue        |
      | encrypted | multicast | requestDigitalSignatureValue |
      | encrypted | multicast | flow-id                      |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | field                        |
      | encrypted | dialer | requestEncryptedValue        |
      | encrypted | dialer | requestDigitalSignatureValue |
      | encrypted | dialer | flow-id                      |

  # Rule 5.8 and section 5 [ref]: security-id is compared for equality only: another case, a space, one character more or less, or nothing at all is not the flow's -> 202.
  @status-202 @spec-2.2 @spec-5 @spec-5.8 @ref @boundary
  Scenario Outline: a security-id that is the flow's <variant> is refused with 202 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And <edit>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 202 INVALID_SECURITY_ID

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | variant                    | edit                                                              |
      | encrypted | multicast | in swapped case            | the payload's security-id is the flow's in swapped case            |
      | encrypted | multicast | with a trailing space      | the payload's security-id is the flow's with a trailing space      |
      | encrypted | multicast | with a leading space       | the payload's security-id is the flow's with a leading space       |
      | encrypted | multicast | with one more character    | the payload's security-id is the flow's with one more character    |
      | encrypted | multicast | without its last character | the payload's security-id is the flow's without its last character |
      | encrypted | multicast | emptied                    | the payload's "security-id" is an empty string                     |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | variant                    | edit                                                              |
      | encrypted | dialer | in swapped case            | the payload's security-id is the flow's in swapped case            |
      | encrypted | dialer | with one more character    | the payload's security-id is the flow's with one more character    |
      | encrypted | dialer | without its last character | the payload's security-id is the flow's without its last character |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | variant               | edit                                                         |
      | plain    | multicast | in swapped case       | the payload's security-id is the flow's in swapped case       |
      | plain    | multicast | with a trailing space | the payload's security-id is the flow's with a trailing space |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | variant                 | edit                                                           |
      | plain    | dialer | with one more character | the payload's security-id is the flow's with one more character |
      | plain    | dialer | emptied                 | the payload's "security-id" is an empty string                  |

  # Rule 5.7: the payload's flow-id names the flow exactly: another case, a space, one character more or nothing is an unknown flow (and, sealed, not the envelope's) -> 301.
  @status-301 @spec-2.2 @spec-5.7 @ref @boundary
  Scenario Outline: a payload flow-id that is the flow's <variant> is refused with 301 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And <edit>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 301 INVALID_FLOW_ID

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | variant                 | edit                                                           |
      | plain    | multicast | in swapped case         | the payload's flow-id is the flow's in swapped case             |
      | plain    | multicast | with a trailing space   | the payload's flow-id is the flow's with a trailing space       |
      | plain    | multicast | with one more character | the payload's flow-id is the flow's with one more character     |
      | plain    | multicast | emptied                 | the payload's "flow-id" is an empty string                      |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | variant                 | edit                                                       |
      | plain    | dialer | in swapped case         | the payload's flow-id is the flow's in swapped case         |
      | plain    | dialer | with one more character | the payload's flow-id is the flow's with one more character |

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | variant               | edit                                                     |
      | encrypted | multicast | in swapped case       | the payload's flow-id is the flow's in swapped case       |
      | encrypted | multicast | with a trailing space | the payload's flow-id is the flow's with a trailing space |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | variant                 | edit                                                       |
      | encrypted | dialer | with one more character | the payload's flow-id is the flow's with one more character |
      | encrypted | dialer | emptied                 | the payload's "flow-id" is an empty string                  |

  # Rule 5.2: the envelope's flow-id chooses the key by exact id: another case, a space, one character more or nothing is an unknown flow -> 301.
  @status-301 @spec-3.1 @spec-5.2 @ref @boundary
  Scenario Outline: an envelope flow-id that is the flow's <variant> is refused with 301 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And <edit>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 301 INVALID_FLOW_ID

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | variant                 | edit                                                        |
      | encrypted | multicast | in swapped case         | the envelope's flow-id is the flow's in swapped case         |
      | encrypted | multicast | with a trailing space   | the envelope's flow-id is the flow's with a trailing space   |
      | encrypted | multicast | with one more character | the envelope's flow-id is the flow's with one more character |
      | encrypted | multicast | emptied                 | the envelope's flow-id is an empty string                    |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | variant                 | edit                                                        |
      | encrypted | dialer | in swapped case         | the envelope's flow-id is the flow's in swapped case         |
      | encrypted | dialer | with one more character | the envelope's flow-id is the flow's with one more character |

  # Section 2.8 and rule 5.5: required fields are found by their exact names, case included -> 210.
  @status-210 @spec-2.8 @spec-5.5 @ref @boundary
  Scenario Outline: a payload that spells "<spelling>" instead of "<field>" is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload's "<spelling>" is <value>
    And the payload has no "<field>"
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | spelling    | field       | value |
      | encrypted | dialer | API-Version | api-version | "1.0" |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | spelling    | field       | value                               |
      | plain    | multicast | Security-ID | security-id | that of a healthy multicast flow    |
