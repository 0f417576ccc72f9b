Feature: Input classes of start-time
  A start-time's date is judged in the start-time's own offset (spec section
  2.5 [doc]); its form is exactly YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
  on a date and at a time that exist (section 2.6 [ref]). These scenarios
  test both sides of each boundary: a date that is today in its own offset
  but yesterday in UTC and the reverse, dates that do not exist beside the
  leap day that does, 24:00:00 beside 23:59:59, fractions of any length,
  lower-case letters and offsets out of range. Dates are in the future
  unless the scenario says otherwise, so only the class under test is
  wrong.

  # Section 2.5 [doc]: the date is read in the start-time's own offset; today there is not in the past, whatever the date in UTC.
  @status-200 @spec-2.5 @doc @boundary
  Scenario Outline: a start-time at midnight today east of UTC, still yesterday in UTC, is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is midnight today at an offset east of UTC, which is still yesterday in UTC
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

  # Section 2.5 [doc] and rule 5.12: a date before today in the start-time's own offset is refused, though the instant is today in UTC -> 210.
  @status-210 @spec-2.5 @spec-5.12 @ref @boundary
  Scenario Outline: a start-time at the last second of yesterday west of UTC, already today in UTC, is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is the last second of yesterday at an offset west of UTC, which is already today in UTC
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

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   |
      | plain    | dialer |

  # Section 2.5: February 29 exists in a leap year -> accepted.
  @status-200 @spec-2.5 @doc @boundary
  Scenario Outline: a start-time on February 29 of a leap year is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is on February 29 of the next leap year
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 200 SUCCESS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      |
      | encrypted | multicast |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   |
      | plain    | dialer |

  # Sections 2.5 and 2.6 and rule 5.12: a date that does not exist is unparseable, not the first days of the next month -> 210.
  @status-210 @spec-2.6 @spec-5.12 @ref @boundary
  Scenario Outline: a start-time on <month> <day> of the next <year> is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is on <month> <day> of the next <year>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | month    | day | year        |
      | encrypted | multicast | February | 29  | common year |
      | encrypted | multicast | February | 30  | year        |
      | encrypted | multicast | April    | 31  | year        |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | month    | day | year        |
      | encrypted | dialer | February | 29  | common year |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | month    | day | year |
      | plain    | multicast | February | 30  | year |

  # Section 2.6 [ref]: the last second of a day, and a fraction of any number of digits, are within the form -> accepted.
  @status-200 @spec-2.6 @ref @boundary
  Scenario Outline: a start-time written <form> is accepted (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is tomorrow <how>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 200 SUCCESS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | form                      | how                                                      |
      | encrypted | multicast | at 23:59:59               | at 23:59:59                                              |
      | encrypted | multicast | with a one-digit fraction | in the format "YYYY-MM-DDThh:mm:ss.5+05:30"              |
      | encrypted | multicast | with nanoseconds          | in the format "YYYY-MM-DDThh:mm:ss.123456789Z"           |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | form                      | how                                         |
      | encrypted | dialer | with a one-digit fraction | in the format "YYYY-MM-DDThh:mm:ss.5+05:30" |

  # Section 2.6 [ref] and rule 5.12: 24:00:00, a lower-case 't' or 'z', and an offset past +23:59 are not the form -> 210.
  @status-210 @spec-2.6 @spec-5.12 @ref @boundary
  Scenario Outline: a start-time written <form> is refused with 210 (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    And the call's start-time is tomorrow <how>
    When the payload is sent to the <endpoint> endpoint
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | form                  | how                                         |
      | encrypted | multicast | at 24:00:00           | at 24:00:00                                 |
      | encrypted | multicast | with a lower-case t   | in the format "YYYY-MM-DDthh:mm:ss+05:30"   |
      | encrypted | multicast | with a lower-case z   | in the format "YYYY-MM-DDThh:mm:ssz"        |
      | encrypted | multicast | with the offset +05:60 | in the format "YYYY-MM-DDThh:mm:ss+05:60"  |
      | encrypted | multicast | with the offset +24:00 | in the format "YYYY-MM-DDThh:mm:ss+24:00"  |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | form                | how                                  |
      | encrypted | dialer | at 24:00:00         | at 24:00:00                          |
      | encrypted | dialer | with a lower-case z | in the format "YYYY-MM-DDThh:mm:ssz" |

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | form                   | how                                        |
      | plain    | multicast | with the offset +05:60 | in the format "YYYY-MM-DDThh:mm:ss+05:60" |
