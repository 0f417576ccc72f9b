Feature: IP whitelist
  Rule 5.3: a caller whose socket address is not on the flow account's IP
  whitelist is refused with 401 IP_NOT_WHITELISTED (a profile may say 403, as
  Phonon's bulk host does: knob ip-not-whitelisted-code). Forwarded-for
  headers are never trusted, since any caller can send them. On the encrypted
  endpoints the check runs as soon as the envelope names the flow, before any
  RSA work; on the plain ones right after the payload names the flow, before
  the security-id is compared.

  # Rule 5.3: a caller off the flow account's whitelist -> 401.
  @status-401 @spec-5.3 @doc
  Scenario Outline: a caller off the whitelist is refused with 401 (<endpoint> <kind>)
    Given a <kind> flow whose account does not whitelist this machine
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 401 IP_NOT_WHITELISTED

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

  # Rule 5.3 before 5.4: the IP check comes before the envelope is opened (no RSA work for strangers).
  @status-401 @spec-5.3 @ref
  Scenario Outline: a caller off the whitelist gets 401 even for an envelope that does not open (<endpoint> <kind>)
    Given a <kind> flow whose account does not whitelist this machine
    And a payload with 1 call to a whitelisted number
    When the envelope is sent with bit 0 of byte 0 of requestDigitalSignatureValue flipped
    Then the response code is 401 IP_NOT_WHITELISTED

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Rule 5.3 before 5.8 on the plain endpoints: the IP check comes before the security-id.
  @status-401 @spec-5.3 @ref
  Scenario Outline: a caller off the whitelist gets 401 even with a wrong security-id (<endpoint> <kind>)
    Given a <kind> flow whose account does not whitelist this machine
    And a payload with 1 call to a whitelisted number
    And the payload's "security-id" is wrong
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 401 IP_NOT_WHITELISTED

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      |
      | plain    | multicast |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   |
      | encrypted | dialer |

  # Rule 5.3: forwarded-for headers are never trusted. 203.0.113.7 is the address the reference world's
  # account does whitelist (a documentation address, RFC 5737); 127.0.0.1 is what a proxy on the host would claim.
  @status-401 @spec-5.3 @ref @transport @security
  Scenario Outline: <header> claiming a whitelisted address does not bypass the whitelist (<endpoint> <kind>)
    Given a <kind> flow whose account does not whitelist this machine
    And a payload with 1 call to a whitelisted number
    When the payload is sent to the <endpoint> endpoint with the header "<header>: <value>"
    Then the response code is 401 IP_NOT_WHITELISTED

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | header          | value                  |
      | encrypted | multicast | X-Forwarded-For | 203.0.113.7            |
      | encrypted | multicast | X-Forwarded-For | 127.0.0.1              |
      | encrypted | multicast | Forwarded       | for=203.0.113.7        |
      | encrypted | multicast | X-Real-IP       | 203.0.113.7            |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | header          | value                  |
      | encrypted | dialer | X-Forwarded-For | 203.0.113.7, 127.0.0.1 |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | header          | value       |
      | plain    | multicast | X-Forwarded-For | 203.0.113.7 |
