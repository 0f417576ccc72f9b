Feature: Malformed envelopes
  Rule 5.4: an envelope that does not open is refused with 400 INVALID_FORMAT,
  one code and one message whatever failed, so that the answer is no
  decryption oracle; rule 5.1: a body that is not a JSON object, or an
  envelope field missing or not a string, gets the same 400. Each malformation
  below is the only thing wrong with an otherwise valid envelope for the flow,
  so a server that skips that one check would accept the request. The last
  scenarios send them all and require the answers to be identical apart from
  request-id.

  # Rule 5.4: a bit flipped in either field -> 400 (ECB: the block garbles; PKCS#1 v1.5: the padding check fails).
  @status-400 @spec-5.4 @ref
  Scenario Outline: a bit-flipped envelope is refused with 400 (<endpoint> <kind>): <malformation>
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the envelope is sent with <malformation>
    Then the response code is 400 INVALID_FORMAT

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | malformation                                                   |
      | encrypted | multicast | bit 7 of byte 3 of requestEncryptedValue flipped               |
      | encrypted | multicast | bit 0 of the last byte of requestEncryptedValue flipped        |
      | encrypted | multicast | bit 7 of byte 0 of requestDigitalSignatureValue flipped        |
      | encrypted | multicast | bit 0 of the last byte of requestDigitalSignatureValue flipped |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | malformation                                                   |
      | encrypted | dialer | bit 7 of byte 3 of requestEncryptedValue flipped               |
      | encrypted | dialer | bit 0 of the last byte of requestEncryptedValue flipped        |
      | encrypted | dialer | bit 7 of byte 0 of requestDigitalSignatureValue flipped        |
      | encrypted | dialer | bit 0 of the last byte of requestDigitalSignatureValue flipped |

  # Rule 5.4 and section 3: the AES ciphertext is a non-zero multiple of 16 bytes with valid PKCS#5 padding; padding is checked byte by byte.
  @status-400 @spec-5.4 @ref
  Scenario Outline: a bad AES ciphertext is refused with 400 (<endpoint> <kind>): <malformation>
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the envelope is sent with <malformation>
    Then the response code is 400 INVALID_FORMAT

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | malformation                                 |
      | encrypted | multicast | requestEncryptedValue cut short by one block |
      | encrypted | multicast | requestEncryptedValue cut short by 5 bytes   |
      | encrypted | multicast | an empty requestEncryptedValue               |
      | encrypted | multicast | PKCS#5 padding bytes that disagree           |
      | encrypted | multicast | a PKCS#5 padding length of 0                 |
      | encrypted | multicast | a PKCS#5 padding length of 17                |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | malformation                                 |
      | encrypted | dialer | requestEncryptedValue cut short by one block |
      | encrypted | dialer | requestEncryptedValue cut short by 5 bytes   |
      | encrypted | dialer | an empty requestEncryptedValue               |
      | encrypted | dialer | PKCS#5 padding bytes that disagree           |
      | encrypted | dialer | a PKCS#5 padding length of 0                 |
      | encrypted | dialer | a PKCS#5 padding length of 17                |

  # Rule 5.4 and section 3: the RSA value is exactly the modulus length (511 or 513 bytes for RSA-4096 -> 400, even when numerically valid), made for this flow's key with PKCS#1 v1.5 (the knob rsa-padding), and carries a non-empty canonical base64 key string.
  @status-400 @spec-5.4 @ref
  Scenario Outline: a bad RSA value is refused with 400 (<endpoint> <kind>): <malformation>
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the envelope is sent with <malformation>
    Then the response code is 400 INVALID_FORMAT

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | malformation                                   |
      | encrypted | multicast | an RSA value one byte shorter than the key     |
      | encrypted | multicast | an RSA value one byte longer than the key      |
      | encrypted | multicast | an empty requestDigitalSignatureValue          |
      | encrypted | multicast | the AES key sealed for another flow's RSA key  |
      | encrypted | multicast | the AES key sealed with OAEP-SHA1 padding      |
      | encrypted | multicast | the AES key sealed with OAEP-SHA256 padding    |
      | encrypted | multicast | an RSA-encrypted key string that is not base64 |
      | encrypted | multicast | an empty RSA-encrypted key string              |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | malformation                                   |
      | encrypted | dialer | an RSA value one byte shorter than the key     |
      | encrypted | dialer | an RSA value one byte longer than the key      |
      | encrypted | dialer | an empty requestDigitalSignatureValue          |
      | encrypted | dialer | the AES key sealed for another flow's RSA key  |
      | encrypted | dialer | the AES key sealed with OAEP-SHA1 padding      |
      | encrypted | dialer | the AES key sealed with OAEP-SHA256 padding    |
      | encrypted | dialer | an RSA-encrypted key string that is not base64 |
      | encrypted | dialer | an empty RSA-encrypted key string              |

  # Rule 5.4 and section 3: the RSA value opens only as one PKCS#1 v1.5 encryption block (RFC 8017 7.2.1: 00 02, at least 8 non-zero
  # padding bytes, a zero, the key string) of a value below the modulus, holding a canonical base64 key string. These are the probes of
  # padding-oracle (Bleichenbacher) scanners, made with the public key only; each carries an AES half sealed for the key string inside,
  # so a server that skips the one check a probe aims at opens the envelope. A key string one byte shorter or longer than base64 allows
  # is 43 or 45 characters beside the harness's 44. (Correctly padded empty and not-base64 key strings are in the outline above.)
  @status-400 @spec-5.4 @ref
  Scenario Outline: a Bleichenbacher-class RSA probe is refused with 400 (<endpoint> <kind>): <malformation>
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the envelope is sent with <malformation>
    Then the response code is 400 INVALID_FORMAT

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | malformation                                                    |
      | encrypted | multicast | an RSA block whose first byte is 01                             |
      | encrypted | multicast | an RSA block of type 01                                         |
      | encrypted | multicast | an RSA block of type FF                                         |
      | encrypted | multicast | an RSA block with no zero separator                             |
      | encrypted | multicast | an RSA block with a zero at padding byte 1                      |
      | encrypted | multicast | an RSA block with a zero at padding byte 8                      |
      | encrypted | multicast | an RSA block whose padding string is 5 bytes long               |
      | encrypted | multicast | an RSA-encrypted key string one byte shorter than base64 allows |
      | encrypted | multicast | an RSA-encrypted key string one byte longer than base64 allows  |
      | encrypted | multicast | an RSA value equal to the modulus                               |
      | encrypted | multicast | an RSA value above the modulus                                  |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | malformation                                                    |
      | encrypted | dialer | an RSA block whose first byte is 01                             |
      | encrypted | dialer | an RSA block of type 01                                         |
      | encrypted | dialer | an RSA block of type FF                                         |
      | encrypted | dialer | an RSA block with no zero separator                             |
      | encrypted | dialer | an RSA block with a zero at padding byte 1                      |
      | encrypted | dialer | an RSA block with a zero at padding byte 8                      |
      | encrypted | dialer | an RSA block whose padding string is 5 bytes long               |
      | encrypted | dialer | an RSA-encrypted key string one byte shorter than base64 allows |
      | encrypted | dialer | an RSA-encrypted key string one byte longer than base64 allows  |
      | encrypted | dialer | an RSA value equal to the modulus                               |
      | encrypted | dialer | an RSA value above the modulus                                  |

  # Rule 5.4 and section 3: both fields are canonical standard base64: no line breaks or spaces, no URL alphabet, '=' padding present.
  @status-400 @spec-5.4 @ref
  Scenario Outline: non-canonical base64 is refused with 400 (<endpoint> <kind>): <malformation>
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the envelope is sent with <malformation>
    Then the response code is 400 INVALID_FORMAT

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | malformation                                                 |
      | encrypted | multicast | line breaks in requestDigitalSignatureValue                  |
      | encrypted | multicast | a space in requestEncryptedValue                             |
      | encrypted | multicast | the URL-safe base64 alphabet in requestEncryptedValue        |
      | encrypted | multicast | the URL-safe base64 alphabet in requestDigitalSignatureValue |
      | encrypted | multicast | no base64 padding in requestEncryptedValue                   |
      | encrypted | multicast | no base64 padding in requestDigitalSignatureValue            |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | malformation                                                 |
      | encrypted | dialer | line breaks in requestDigitalSignatureValue                  |
      | encrypted | dialer | a space in requestEncryptedValue                             |
      | encrypted | dialer | the URL-safe base64 alphabet in requestEncryptedValue        |
      | encrypted | dialer | the URL-safe base64 alphabet in requestDigitalSignatureValue |
      | encrypted | dialer | no base64 padding in requestEncryptedValue                   |
      | encrypted | dialer | no base64 padding in requestDigitalSignatureValue            |

  # Rule 5.4 and section 3: the plaintext is canonical base64 of one strict JSON object (no duplicate keys, no trailing data, valid UTF-8).
  @status-400 @spec-5.4 @ref
  Scenario Outline: a bad sealed payload is refused with 400 (<endpoint> <kind>): <malformation>
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the envelope is sent with <malformation>
    Then the response code is 400 INVALID_FORMAT

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | malformation                                     |
      | encrypted | multicast | a sealed payload that is not base64              |
      | encrypted | multicast | a sealed payload that is not valid JSON          |
      | encrypted | multicast | a sealed payload with duplicate "flow-id" keys   |
      | encrypted | multicast | a sealed payload that is a JSON array            |
      | encrypted | multicast | a sealed payload with data after the JSON object |
      | encrypted | multicast | a sealed payload that is not valid UTF-8         |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | malformation                                     |
      | encrypted | dialer | a sealed payload that is not base64              |
      | encrypted | dialer | a sealed payload that is not valid JSON          |
      | encrypted | dialer | a sealed payload with duplicate "flow-id" keys   |
      | encrypted | dialer | a sealed payload that is a JSON array            |
      | encrypted | dialer | a sealed payload with data after the JSON object |
      | encrypted | dialer | a sealed payload that is not valid UTF-8         |

  # Rule 5.1: a body that is not one strict JSON object, or an envelope field missing (names match exactly, case included) or not a string -> 400.
  @status-400 @spec-5.1 @ref
  Scenario Outline: a malformed envelope body is refused with 400 (<endpoint> <kind>): <malformation>
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the envelope is sent with <malformation>
    Then the response code is 400 INVALID_FORMAT

    @endpoint-enc-multicast
    Examples: encrypted multicast
      | endpoint  | kind      | malformation                                                                            |
      | encrypted | multicast | the field name "RequestEncryptedValue" instead of "requestEncryptedValue"               |
      | encrypted | multicast | the field name "requestdigitalsignaturevalue" instead of "requestDigitalSignatureValue" |
      | encrypted | multicast | no "requestEncryptedValue" field                                                        |
      | encrypted | multicast | no "flow-id" field                                                                      |
      | encrypted | multicast | a number as "requestDigitalSignatureValue"                                              |
      | encrypted | multicast | a body that is not JSON                                                                 |
      | encrypted | multicast | a JSON array as the body                                                                |
      | encrypted | multicast | duplicate "requestEncryptedValue" keys in the envelope                                  |
      | encrypted | multicast | data after the envelope's JSON object                                                   |
      | encrypted | multicast | invalid UTF-8 in the envelope                                                           |

    @endpoint-enc-dialer
    Examples: encrypted dialer
      | endpoint  | kind   | malformation                                                                            |
      | encrypted | dialer | the field name "RequestEncryptedValue" instead of "requestEncryptedValue"               |
      | encrypted | dialer | the field name "requestdigitalsignaturevalue" instead of "requestDigitalSignatureValue" |
      | encrypted | dialer | no "requestEncryptedValue" field                                                        |
      | encrypted | dialer | no "flow-id" field                                                                      |
      | encrypted | dialer | a number as "requestDigitalSignatureValue"                                              |
      | encrypted | dialer | a body that is not JSON                                                                 |
      | encrypted | dialer | a JSON array as the body                                                                |
      | encrypted | dialer | duplicate "requestEncryptedValue" keys in the envelope                                  |
      | encrypted | dialer | data after the envelope's JSON object                                                   |
      | encrypted | dialer | invalid UTF-8 in the envelope                                                           |

  # Rule 5.1 on the plain endpoints: the body is the payload and must be one strict JSON object -> 400.
  @status-400 @spec-5.1 @ref
  Scenario Outline: a malformed plain body is refused with 400 (<endpoint> <kind>): <malformation>
    Given a healthy <kind> flow
    And a payload with 1 call to a whitelisted number
    When the plain payload is sent with <malformation>
    Then the response code is 400 INVALID_FORMAT

    @endpoint-plain-multicast
    Examples: plain multicast
      | endpoint | kind      | malformation               |
      | plain    | multicast | a body that is not JSON    |
      | plain    | multicast | a JSON array as the body   |
      | plain    | multicast | duplicate "flow-id" keys   |
      | plain    | multicast | data after the JSON object |
      | plain    | multicast | invalid UTF-8 in a string  |

    @endpoint-plain-dialer
    Examples: plain dialer
      | endpoint | kind   | malformation               |
      | plain    | dialer | a body that is not JSON    |
      | plain    | dialer | a JSON array as the body   |
      | plain    | dialer | duplicate "flow-id" keys   |
      | plain    | dialer | data after the JSON object |
      | plain    | dialer | invalid UTF-8 in a string  |

  # Rule 5.4: one code, one message, whatever failed: the answers to every malformation are identical apart
  # from request-id (same HTTP status, Content-Type and body), so they tell an attacker nothing (no decryption oracle).
  @status-400 @spec-5.4 @ref @security @endpoint-enc-multicast
  Scenario: every malformed envelope gets the same answer (multicast)
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    When each of these malformed envelopes is sent:
      | malformation                                                                            |
      | bit 7 of byte 3 of requestEncryptedValue flipped                                        |
      | bit 0 of the last byte of requestEncryptedValue flipped                                 |
      | bit 7 of byte 0 of requestDigitalSignatureValue flipped                                 |
      | bit 0 of the last byte of requestDigitalSignatureValue flipped                          |
      | requestEncryptedValue cut short by one block                                            |
      | requestEncryptedValue cut short by 5 bytes                                              |
      | an empty requestEncryptedValue                                                          |
      | PKCS#5 padding bytes that disagree                                                      |
      | a PKCS#5 padding length of 0                                                            |
      | a PKCS#5 padding length of 17                                                           |
      | an RSA value one byte shorter than the key                                              |
      | an RSA value one byte longer than the key                                               |
      | an empty requestDigitalSignatureValue                                                   |
      | the AES key sealed for another flow's RSA key                                           |
      | an RSA-encrypted key string that is not base64                                          |
      | an empty RSA-encrypted key string                                                       |
      | an RSA block whose first byte is 01                                                     |
      | an RSA block of type 01                                                                 |
      | an RSA block of type FF                                                                 |
      | an RSA block with no zero separator                                                     |
      | an RSA block with a zero at padding byte 1                                              |
      | an RSA block with a zero at padding byte 8                                              |
      | an RSA block whose padding string is 5 bytes long                                       |
      | an RSA-encrypted key string one byte shorter than base64 allows                         |
      | an RSA-encrypted key string one byte longer than base64 allows                          |
      | an RSA value equal to the modulus                                                       |
      | an RSA value above the modulus                                                          |
      | line breaks in requestDigitalSignatureValue                                             |
      | a space in requestEncryptedValue                                                        |
      | the URL-safe base64 alphabet in requestEncryptedValue                                   |
      | the URL-safe base64 alphabet in requestDigitalSignatureValue                            |
      | no base64 padding in requestEncryptedValue                                              |
      | no base64 padding in requestDigitalSignatureValue                                       |
      | a sealed payload that is not base64                                                     |
      | a sealed payload that is not valid JSON                                                 |
      | a sealed payload with duplicate "flow-id" keys                                          |
      | a sealed payload that is a JSON array                                                   |
      | a sealed payload with data after the JSON object                                        |
      | a sealed payload that is not valid UTF-8                                                |
      | the field name "RequestEncryptedValue" instead of "requestEncryptedValue"               |
      | the field name "requestdigitalsignaturevalue" instead of "requestDigitalSignatureValue" |
      | no "requestEncryptedValue" field                                                        |
      | no "flow-id" field                                                                      |
      | a number as "requestDigitalSignatureValue"                                              |
      | a body that is not JSON                                                                 |
      | a JSON array as the body                                                                |
      | duplicate "requestEncryptedValue" keys in the envelope                                  |
      | data after the envelope's JSON object                                                   |
      | invalid UTF-8 in the envelope                                                           |
    Then every response is 400 INVALID_FORMAT, identical apart from request-id

  # Rule 5.4: one code, one message, whatever failed: the answers to every malformation are identical apart
  # from request-id (same HTTP status, Content-Type and body), so they tell an attacker nothing (no decryption oracle).
  @status-400 @spec-5.4 @ref @security @endpoint-enc-dialer
  Scenario: every malformed envelope gets the same answer (dialer)
    Given a healthy dialer flow
    And a payload with 1 call to a whitelisted number
    When each of these malformed envelopes is sent:
      | malformation                                                                            |
      | bit 7 of byte 3 of requestEncryptedValue flipped                                        |
      | bit 0 of the last byte of requestEncryptedValue flipped                                 |
      | bit 7 of byte 0 of requestDigitalSignatureValue flipped                                 |
      | bit 0 of the last byte of requestDigitalSignatureValue flipped                          |
      | requestEncryptedValue cut short by one block                                            |
      | requestEncryptedValue cut short by 5 bytes                                              |
      | an empty requestEncryptedValue                                                          |
      | PKCS#5 padding bytes that disagree                                                      |
      | a PKCS#5 padding length of 0                                                            |
      | a PKCS#5 padding length of 17                                                           |
      | an RSA value one byte shorter than the key                                              |
      | an RSA value one byte longer than the key                                               |
      | an empty requestDigitalSignatureValue                                                   |
      | the AES key sealed for another flow's RSA key                                           |
      | an RSA-encrypted key string that is not base64                                          |
      | an empty RSA-encrypted key string                                                       |
      | an RSA block whose first byte is 01                                                     |
      | an RSA block of type 01                                                                 |
      | an RSA block of type FF                                                                 |
      | an RSA block with no zero separator                                                     |
      | an RSA block with a zero at padding byte 1                                              |
      | an RSA block with a zero at padding byte 8                                              |
      | an RSA block whose padding string is 5 bytes long                                       |
      | an RSA-encrypted key string one byte shorter than base64 allows                         |
      | an RSA-encrypted key string one byte longer than base64 allows                          |
      | an RSA value equal to the modulus                                                       |
      | an RSA value above the modulus                                                          |
      | line breaks in requestDigitalSignatureValue                                             |
      | a space in requestEncryptedValue                                                        |
      | the URL-safe base64 alphabet in requestEncryptedValue                                   |
      | the URL-safe base64 alphabet in requestDigitalSignatureValue                            |
      | no base64 padding in requestEncryptedValue                                              |
      | no base64 padding in requestDigitalSignatureValue                                       |
      | a sealed payload that is not base64                                                     |
      | a sealed payload that is not valid JSON                                                 |
      | a sealed payload with duplicate "flow-id" keys                                          |
      | a sealed payload that is a JSON array                                                   |
      | a sealed payload with data after the JSON object                                        |
      | a sealed payload that is not valid UTF-8                                                |
      | the field name "RequestEncryptedValue" instead of "requestEncryptedValue"               |
      | the field name "requestdigitalsignaturevalue" instead of "requestDigitalSignatureValue" |
      | no "requestEncryptedValue" field                                                        |
      | no "flow-id" field                                                                      |
      | a number as "requestDigitalSignatureValue"                                              |
      | a body that is not JSON                                                                 |
      | a JSON array as the body                                                                |
      | duplicate "requestEncryptedValue" keys in the envelope                                  |
      | data after the envelope's JSON object                                                   |
      | invalid UTF-8 in the envelope                                                           |
    Then every response is 400 INVALID_FORMAT, identical apart from request-id

  # Rule 5.4 [ref]: one answer whatever failed. A Bleichenbacher attacker needs only to tell a block with valid padding from one
  # without: the RSA probes, the correctly padded blocks whose key string is wrong, and envelopes whose RSA half opened (wrong AES
  # padding, a payload that is not JSON) all get the same answer apart from request-id: HTTP status, headers but Date, body, and
  # whether the server closes the connection.
  @status-400 @spec-5.4 @ref @security @endpoint-enc-multicast
  Scenario: every Bleichenbacher-class RSA probe gets the same answer (multicast)
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    When each of these malformed envelopes is sent:
      | malformation                                                    |
      | an RSA block whose first byte is 01                             |
      | an RSA block of type 01                                         |
      | an RSA block of type FF                                         |
      | an RSA block with no zero separator                             |
      | an RSA block with a zero at padding byte 1                      |
      | an RSA block with a zero at padding byte 8                      |
      | an RSA block whose padding string is 5 bytes long               |
      | an RSA-encrypted key string one byte shorter than base64 allows |
      | an RSA-encrypted key string one byte longer than base64 allows  |
      | an RSA value equal to the modulus                               |
      | an RSA value above the modulus                                  |
      | an RSA value one byte shorter than the key                      |
      | an RSA value one byte longer than the key                       |
      | an RSA-encrypted key string that is not base64                  |
      | an empty RSA-encrypted key string                               |
      | the AES key sealed for another flow's RSA key                   |
      | PKCS#5 padding bytes that disagree                              |
      | a sealed payload that is not valid JSON                         |
    Then every response is 400 INVALID_FORMAT, identical apart from request-id

  # Rule 5.4 [ref]: one answer whatever failed. A Bleichenbacher attacker needs only to tell a block with valid padding from one
  # without: the RSA probes, the correctly padded blocks whose key string is wrong, and envelopes whose RSA half opened (wrong AES
  # padding, a payload that is not JSON) all get the same answer apart from request-id: HTTP status, headers but Date, body, and
  # whether the server closes the connection.
  @status-400 @spec-5.4 @ref @security @endpoint-enc-dialer
  Scenario: every Bleichenbacher-class RSA probe gets the same answer (dialer)
    Given a healthy dialer flow
    And a payload with 1 call to a whitelisted number
    When each of these malformed envelopes is sent:
      | malformation                                                    |
      | an RSA block whose first byte is 01                             |
      | an RSA block of type 01                                         |
      | an RSA block of type FF                                         |
      | an RSA block with no zero separator                             |
      | an RSA block with a zero at padding byte 1                      |
      | an RSA block with a zero at padding byte 8                      |
      | an RSA block whose padding string is 5 bytes long               |
      | an RSA-encrypted key string one byte shorter than base64 allows |
      | an RSA-encrypted key string one byte longer than base64 allows  |
      | an RSA value equal to the modulus                               |
      | an RSA value above the modulus                                  |
      | an RSA value one byte shorter than the key                      |
      | an RSA value one byte longer than the key                       |
      | an RSA-encrypted key string that is not base64                  |
      | an empty RSA-encrypted key string                               |
      | the AES key sealed for another flow's RSA key                   |
      | PKCS#5 padding bytes that disagree                              |
      | a sealed payload that is not valid JSON                         |
    Then every response is 400 INVALID_FORMAT, identical apart from request-id
