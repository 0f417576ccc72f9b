Feature: Timing uniformity
  Rule 5.4 [ref]: an envelope that does not open gets one answer whatever
  failed, and that includes when the answer comes. A server that answers an
  RSA padding failure faster than a failure after RSA tells a Bleichenbacher
  attacker which blocks had valid padding as surely as a message would. Each
  scenario sends envelopes failing at the RSA padding, at the AES padding
  (after RSA) and at the payload JSON (after AES), knobs.timing-samples of
  each after a warm-up, in rounds: one of each per round, in a random order,
  and against a separate server as many rounds in flight (up to 8) as do not
  slow one another. Two classes differ only when the Mann-Whitney test gives
  p < 0.001 and their medians are apart by more than max(5 ms, 20% of the
  faster median): this project's finding rule, strict enough that a noisy
  shared machine is never a finding. These scenarios run without the others:
  against a separate server the two together, against the in-process reference
  server, whose work shares the harness's CPUs, each alone, one round at a
  time. The medians and the verdict are attached to the scenario and shown in
  the HTML report.

  # Rule 5.4 [ref]: answers to envelopes failing at the RSA padding, the AES padding and the payload JSON do not differ measurably in time.
  @status-400 @spec-5.4 @ref @security @timing @endpoint-enc-multicast
  Scenario: envelopes failing at the RSA padding, the AES padding and the payload JSON are answered alike in time (multicast)
    Given a healthy multicast flow
    And a payload with 1 call to a whitelisted number
    When envelopes failing at the RSA padding, the AES padding and the payload JSON are sent in rounds
    Then the answer times of the three do not differ measurably

  # Rule 5.4 [ref]: answers to envelopes failing at the RSA padding, the AES padding and the payload JSON do not differ measurably in time.
  @status-400 @spec-5.4 @ref @security @timing @endpoint-enc-dialer
  Scenario: envelopes failing at the RSA padding, the AES padding and the payload JSON are answered alike in time (dialer)
    Given a healthy dialer flow
    And a payload with 1 call to a whitelisted number
    When envelopes failing at the RSA padding, the AES padding and the payload JSON are sent in rounds
    Then the answer times of the three do not differ measurably
