Feature: Status codes of the request as a whole
  Rules 5.5 to 5.11 judge the payload before its calls: mandatory fields
  (210), api-version (203), the flow (301), the security-id (202), the
  testing version (304), an empty call list (302) and the calls limit (303).
  On the encrypted endpoints the envelope opens first; on the plain ones the
  body is the payload. Every code is triggered on all four create endpoints.

  # Rule 5.5: api-version, security-id, flow-id or calls missing -> 210.
  @status-210 @spec-5.5 @ref
  Scenario Outline: a payload without "<field>" is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload has no "<field>"
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
      | encrypted | dialer | security-id |
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

  # Rule 5.5: a mandatory field of the wrong JSON type -> 210; fields are matched by exact name and case.
  @status-210 @spec-5.5 @ref
  Scenario Outline: a payload whose <field> is <value> is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload's "<field>" is <value>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | field       | value          |
      | encrypted | multicast | api-version | 1.0            |
      | encrypted | multicast | calls       | "all of them"  |
      | encrypted | multicast | calls       | an empty object |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | field       | value |
      | encrypted | dialer | security-id | null  |
      | encrypted | dialer | flow-id     | 12345 |

  # Rule 5.5: required fields are matched by exact name and case.
  @status-210 @spec-5.5 @ref @endpoint-enc-multicast
  Scenario: a payload that spells "Flow-Id" instead of "flow-id" is refused with 210
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And the payload's "Flow-Id" is that of a healthy multicast flow
    And the payload has no "flow-id"
    When the payload is sent to the encrypted endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

  # Rule 5.6: an api-version other than 1.0 or TEST -> 203.
  @status-203 @spec-5.6 @ref
  Scenario Outline: api-version "<version>" is refused with 203 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the api-version is "<version>"
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 203 INVALID_API_VERSION

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | version |
      | encrypted | multicast | 2.0     |
      | encrypted | multicast | test    |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | version |
      | encrypted | dialer | 2.0     |
      | encrypted | dialer | 1       |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | version |
      | plain    | multicast | 2.0     |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | version |
      | plain    | dialer | 2.0     |

  # Rule 5.2: an envelope addressed to an unknown flow -> 301 (the server cannot choose a key).
  @status-301 @spec-5.2 @doc
  Scenario Outline: an envelope addressed to an unknown flow is refused with 301 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the envelope's flow-id is unknown
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 301 INVALID_FLOW_ID

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Rule 5.2: a flow is served only by the endpoints of its own kind; an envelope for a flow of the other kind -> 301.
  @status-301 @spec-5.2 @ref
  Scenario Outline: a <kind> flow on the <endpoint> endpoint of the other kind is refused with 301
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint of the other kind
    Then the response code is 301 INVALID_FLOW_ID

    @endpoint-enc-multicast
    Examples: encrypted multicast (a dialer flow on it)
      | endpoint  | kind   |
      | encrypted | dialer |

    @endpoint-enc-dialer
    Examples: encrypted dialer (a multicast flow on it)
      | endpoint  | kind      |
      | encrypted | multicast |

  # Rule 5.7: an inner flow-id that is unknown -> 301.
  @status-301 @spec-5.7 @ref
  Scenario Outline: a payload naming an unknown flow is refused with 301 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload's "flow-id" is unknown
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 301 INVALID_FLOW_ID

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

  # Rule 5.7: an inner flow-id different from the envelope's -> 301.
  @status-301 @spec-5.7 @ref
  Scenario Outline: an envelope addressed to another flow than its payload names is refused with 301 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the envelope is addressed to a <kind> flow without DID
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 301 INVALID_FLOW_ID

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Rule 5.7: on the plain endpoints, a payload naming a flow of the other kind -> 301.
  @status-301 @spec-5.7 @ref
  Scenario Outline: a payload naming a flow of the other kind is refused with 301 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload's "flow-id" is that of a healthy <other> flow
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 301 INVALID_FLOW_ID

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | other  |
      | plain    | multicast | dialer |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | other     |
      | plain    | dialer | multicast |

  # Rule 5.8: a security-id that is not the flow's -> 202.
  @status-202 @spec-5.8 @doc
  Scenario Outline: a wrong security-id is refused with 202 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload's "security-id" is wrong
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 202 INVALID_SECURITY_ID

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

  # Rule 5.8: another flow's security-id is not this flow's -> 202.
  @status-202 @spec-5.8 @doc @endpoint-enc-multicast
  Scenario: another flow's security-id is refused with 202
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    And the payload's "security-id" is that of a healthy dialer flow
    When the payload is sent to the encrypted endpoint
    Then the response code is 202 INVALID_SECURITY_ID

  # Rule 5.9: api-version TEST on a flow without a testing version -> 304.
  @status-304 @spec-5.9 @ref
  Scenario Outline: TEST on a flow without a testing version is refused with 304 (<endpoint> <kind>)
    Given a <kind> flow without a testing version
    And a payload with 1 call to a whitelisted number
    And the api-version is "TEST"
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 304 INVALID_FLOW_VERSION

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

  # Rule 5.9 (the other side): api-version 1.0 runs the production version of a flow without a testing version.
  @status-200 @spec-5.9 @ref @endpoint-enc-multicast
  Scenario: 1.0 on a flow without a testing version is accepted
    Given a multicast flow without a testing version
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the encrypted endpoint
    Then the response code is 200 SUCCESS

  # Rule 5.10: an empty calls list -> 302.
  @status-302 @spec-5.10 @ref
  Scenario Outline: an empty call list is refused with 302 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload has no calls
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 302 EMPTY_CALL_LIST

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

  # Rule 5.11: more calls than the limit (500, knob max-calls-per-request) -> 303.
  @status-303 @spec-5.11 @ref
  Scenario Outline: one call more than the limit is refused with 303 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the payload has one call more than the limit
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 303 MAX_DATA_LIST_SIZE_EXCEEDED

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
