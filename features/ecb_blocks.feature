Feature: ECB block manipulation
  AES-ECB (spec section 3) has no integrity: whole 16-byte blocks of a valid
  envelope's ciphertext can be dropped, repeated or swapped, and the result
  still decrypts. Each block carries exactly 12 bytes of the payload, so when
  the blocks lie inside a JSON string the payload stays valid and says
  something else. A server following the spec cannot tell; one that accepts
  has processed a payload that changed under it. These scenarios record what
  the server did as a security finding (a warning in the reports), not as a
  pass or a conformance failure. They fail only if the answer is neither a
  refusal (400) nor an acceptance consistent with the tampered payload.

  # Section 3.6: ECB blocks can be cut and pasted; the server's answer is a security finding.
  @status-none @spec-3.6 @doc @security
  Scenario Outline: whole ciphertext blocks are <manipulation> (<endpoint> <kind>)
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the payload is sealed, whole ciphertext blocks inside its client-identifier are <manipulation>, and it is sent
    Then the server's answer is recorded as a security finding

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | manipulation |
      | encrypted | multicast | dropped      |
      | encrypted | multicast | duplicated   |
      | encrypted | multicast | swapped      |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | manipulation |
      | encrypted | dialer | dropped      |
      | encrypted | dialer | duplicated   |
      | encrypted | dialer | swapped      |
