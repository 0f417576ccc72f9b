@client @spec-1.1 @doc
Feature: Client endpoints
  A multicast flow is served by /kairos-apis/enc/outbound/create, a dialer
  flow by /kairos-apis/enc/outbounddialer/create (spec section 1): the
  client posts to the URL it is given for the flow.

  Scenario Outline: A <kind> flow's request goes to <path>
    Given the client must send a payload with 1 call for the "healthy-<kind>" flow
    When the client sends it
    Then it was a POST to "<path>"
    And the client sent a valid envelope for the payload
    And the client printed the body the server sent

    Examples:
      | kind      | path                                   |
      | multicast | /kairos-apis/enc/outbound/create       |
      | dialer    | /kairos-apis/enc/outbounddialer/create |
