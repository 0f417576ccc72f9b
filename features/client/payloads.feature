@client @spec-2 @spec-3
Feature: Client payload coverage
  The client seals whatever payload it is given: one call or the 500 a
  request may carry, flow variables beyond ASCII, the published sample's
  payload, the TEST version of a flow, files laid out in several ways.
  Each time the envelope must open to the payload file's bytes exactly
  (spec 3 step 1 encodes the payload's bytes: a client that parses and
  re-serialises the JSON fails, and is told so) and the client must print
  the body the server sent. Every scenario whose payload has characters
  beyond ASCII runs a second time with LC_ALL=C and LANG=C in the client's
  environment: a client that reads the file through the platform's default
  charset fails that run.

  @spec-3.2 @doc
  Scenario: One call
    Given the client must send a payload with 1 call for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent

  @spec-2.3 @spec-3.2 @doc
  Scenario: 500 calls, the most a request may carry
    Given the client must send a payload with 500 calls for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent

  @spec-3.2 @doc
  Scenario: Unicode flow variables
    Given the client must send a payload with unicode flow variables for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent

  @spec-3.2 @spec-3.8 @doc
  Scenario: The published vector's payload, sealed byte for byte
    Given the client must send the published vector's payload for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the opened payload is byte for byte the payload given
    And the client printed the body the server sent

  @spec-2.1 @spec-3.2 @doc
  Scenario: A TEST-mode payload
    Given the client must send a TEST-mode payload for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the client printed the body the server sent

  @spec-3.2 @doc
  Scenario Outline: A payload file laid out "<format>", sealed byte for byte
    Given the client must send a payload formatted "<format>" for the "healthy-multicast" flow
    When the client sends it
    Then the client sent a valid envelope for the payload
    And the opened payload is byte for byte the payload given
    And the client printed the body the server sent

    Examples:
      | format    | layout                                                                       |
      | pretty    | 2-space indent, LF line endings, a trailing newline, non-ASCII as UTF-8      |
      | reordered | keys in neither the spec's nor sorted order, a space after each : and ,      |
      | escaped   | one line, non-ASCII written as \u escapes (\u00eb, surrogate pairs), / as \/ |
      | crlf-tabs | tab indent, CRLF line endings and a trailing CRLF, non-ASCII as UTF-8        |
