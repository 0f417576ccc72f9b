Feature: Pull API
  The Pull API returns call details by phonon-uuid (spec section 6). Its
  refusals, in order: missing fields 210; api-version not 2.0 203; unknown
  flow 301; the IP check 401; wrong security-id 202; an empty or non-string
  uuid list 210; more than 100 uuids 303 (knob max-uuids-per-pull); none
  known for this flow 213. A mix of known and unknown uuids answers 200 with
  the known ones. fetch-attempt is optional, ALL or LAST. Skipped when the
  profile says the target has no Pull API (knob pull-api).

  Background:
    Given a healthy multicast flow
    And a payload with 2 calls to whitelisted numbers
    And the payload has been accepted by the encrypted endpoint

  # Section 6.3: fetch-attempt ALL (the default) and LAST both return the calls.
  @status-200 @spec-6.3 @ref @endpoint-pull
  Scenario Outline: the accepted calls are found with fetch-attempt <attempt>
    Given a pull request for the accepted calls
    And the pull request's "fetch-attempt" is "<attempt>"
    When the pull request is sent
    Then the response code is 200 SUCCESS
    And the pulled data lists exactly the accepted calls, each with its client-identifier and request-id

    Examples:
      | attempt |
      | ALL     |
      | LAST    |

  # Section 6.3: fetch-attempt is optional.
  @status-200 @spec-6.3 @ref @endpoint-pull
  Scenario: the accepted calls are found without fetch-attempt
    Given a pull request for the accepted calls
    And the pull request has no "fetch-attempt"
    When the pull request is sent
    Then the response code is 200 SUCCESS
    And the pulled data lists exactly the accepted calls, each with its client-identifier and request-id

  # Section 6.3: known and unknown uuids together -> 200 with the known ones only.
  @status-200 @spec-6.3 @ref @endpoint-pull
  Scenario: unknown uuids among known ones are left out
    Given a pull request for the accepted calls
    And the pull request also asks for an unknown phonon-uuid
    When the pull request is sent
    Then the response code is 200 SUCCESS
    And the pulled data lists exactly the accepted calls, each with its client-identifier and request-id

  # Section 6.3: none of the uuids known -> 213.
  @status-213 @spec-6.3 @ref @endpoint-pull
  Scenario: only unknown uuids are answered with 213
    Given a pull request for 3 unknown phonon-uuids
    When the pull request is sent
    Then the response code is 213 NO_DATA_AVAILABLE

  # Section 6.3: "none known for this flow": another flow's credentials do not reveal this flow's calls -> 213.
  @status-213 @spec-6.3 @ref @endpoint-pull @security
  Scenario: another flow cannot pull this flow's calls
    Given a pull request for the accepted calls
    And the pull request is made with the credentials of a healthy dialer flow
    When the pull request is sent
    Then the response code is 213 NO_DATA_AVAILABLE

  # Section 6.3: missing fields, an empty or non-string uuid list, or an unknown fetch-attempt -> 210.
  @status-210 @spec-6.3 @ref @endpoint-pull
  Scenario Outline: a pull request <problem> is refused with 210
    Given a pull request for the accepted calls
    And <edit>
    When the pull request is sent
    Then the response code is 210 INVALID_MANDATORY_PARAMETERS

    Examples:
      | problem                      | edit                                               |
      | without security-id          | the pull request has no "security-id"              |
      | without phonon-uuids         | the pull request has no "phonon-uuids"             |
      | with an empty uuid list      | the pull request's "phonon-uuids" is an empty list |
      | with a number as a uuid      | the pull request's "phonon-uuids" is [42]          |
      | with fetch-attempt "FIRST"   | the pull request's "fetch-attempt" is "FIRST"      |

  # Section 6.3: api-version not 2.0 -> 203.
  @status-203 @spec-6.3 @ref @endpoint-pull
  Scenario: a pull request with api-version 1.0 is refused with 203
    Given a pull request for the accepted calls
    And the pull request's "api-version" is "1.0"
    When the pull request is sent
    Then the response code is 203 INVALID_API_VERSION

  # Section 6.3: unknown flow -> 301.
  @status-301 @spec-6.3 @ref @endpoint-pull
  Scenario: a pull request for an unknown flow is refused with 301
    Given a pull request for the accepted calls
    And the pull request's "flow-id" is unknown
    When the pull request is sent
    Then the response code is 301 INVALID_FLOW_ID

  # Section 6.3: wrong security-id -> 202.
  @status-202 @spec-6.3 @ref @endpoint-pull
  Scenario: a pull request with a wrong security-id is refused with 202
    Given a pull request for the accepted calls
    And the pull request's "security-id" is wrong
    When the pull request is sent
    Then the response code is 202 INVALID_SECURITY_ID

  # Section 6.3: more uuids than the limit (100) -> 303.
  @status-303 @spec-6.3 @ref @endpoint-pull
  Scenario: one uuid more than the limit is refused with 303
    Given a pull request for the accepted calls
    And the pull request asks for one phonon-uuid more than the limit
    When the pull request is sent
    Then the response code is 303 MAX_DATA_LIST_SIZE_EXCEEDED

  # Section 6.3: the IP check runs after 301, before 202.
  @status-401 @spec-6.3 @ref @endpoint-pull
  Scenario: a pull request from an address off the whitelist is refused with 401
    Given a pull request for the accepted calls
    And the pull request is made with the credentials of a multicast flow whose account does not whitelist this machine
    And the pull request's "security-id" is wrong
    When the pull request is sent
    Then the response code is 401 IP_NOT_WHITELISTED
