Feature: Transport
  Every endpoint is a POST with a JSON body (spec section 1), at most 256 KB
  (section 2). A request the service does not process is answered with its
  HTTP status: 404 for an unknown path, 405 for another method (with Allow:
  POST), 415 for a missing or non-JSON content type (a charset other than
  utf-8 too), 413 over 256 KB; each still with a JSON body, code 400
  (section 4). The HTTP statuses follow the profile's http-status-policy
  (section 7). The IP-whitelist and forwarded-for scenarios are in
  ip_whitelist.feature.

  # Sections 1 and 4: a method other than POST -> HTTP 405 with Allow: POST, body code 400.
  @status-400 @spec-4.3 @ref @transport
  Scenario Outline: <method> is refused with 405 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint with the method "<method>"
    Then the request is refused with HTTP 405 and code 400 INVALID_FORMAT
    And the response header "Allow" is "POST"

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | method |
      | encrypted | multicast | GET    |
      | encrypted | multicast | PUT    |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | method |
      | encrypted | dialer | GET    |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | method |
      | plain    | multicast | DELETE |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | method |
      | plain    | dialer | PATCH  |

  # Sections 1 and 4: a missing or non-JSON content type, or a charset other than utf-8 -> HTTP 415, body code 400.
  @status-400 @spec-4.3 @ref @transport
  Scenario Outline: content type "<type>" is refused with 415 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint with the content type "<type>"
    Then the request is refused with HTTP 415 and code 400 INVALID_FORMAT

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | type                                 |
      | encrypted | multicast | text/plain                           |
      | encrypted | multicast |                                      |
      | encrypted | multicast | application/json; charset=iso-8859-1 |
      | encrypted | multicast | application/x-www-form-urlencoded    |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | type       |
      | encrypted | dialer | text/plain |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | type       |
      | plain    | multicast | text/plain |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | type |
      | plain    | dialer |      |

  # Section 4.3: application/json with charset utf-8 is JSON.
  @status-200 @spec-4.3 @ref @transport
  Scenario Outline: content type "application/json; charset=utf-8" is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint with the content type "application/json; charset=utf-8"
    Then the response code is 200 SUCCESS

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      |
      | plain    | multicast |

  # Sections 2 and 4: a body over 256 KB -> HTTP 413, body code 400.
  @status-400 @spec-4.3 @ref @transport
  Scenario Outline: a body one byte over 256 KB is refused with 413 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint in a body one byte over 256 KB
    Then the request is refused with HTTP 413 and code 400 INVALID_FORMAT

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

  # Section 2.11: a body of exactly 256 KB is within the limit.
  @status-200 @spec-2.11 @ref @transport
  Scenario Outline: a body of exactly 256 KB is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint in a body of exactly 256 KB
    Then the response code is 200 SUCCESS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   |
      | plain    | dialer |

  # Section 4.3: an unknown path -> HTTP 404, still a JSON body with code 400.
  @status-400 @spec-4.3 @ref @transport @endpoint-none
  Scenario: an unknown path is answered with 404
    When an empty JSON object is sent to the path "/kairos-apis/enc/outbound/cancel"
    Then the request is refused with HTTP 404 and code 400 INVALID_FORMAT
