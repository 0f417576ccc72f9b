// Package certify judges a vendor's Kairos client: the harness plays the
// server, runs the client's command once per request, records what arrives
// and says, per requirement of the spec (SPEC.md, section 3), what the
// client got right and what it got wrong.
//
// The pieces, in the order a request flows through them:
//
//   - Contract: the environment a client command is run with (KAIROS_URL,
//     KAIROS_PAYLOAD_FILE, ...) and what it must do: seal the payload, POST
//     it, print the response body, exit 0. Send is the reference client.
//   - Exec runs the command with a deadline and classifies how it ended
//     (exited, crashed, hung).
//   - Recorder is the loopback server the client talks to: it records every
//     request and answers by delegating to the reference server or with a
//     code a scenario forces.
//   - Inspect judges one recorded request; Diagnose explains an envelope
//     that does not open ("the AES key must be SHA-256(base64(k))[:16]; the
//     ciphertext decrypts with the raw key string instead").
//   - Run holds what spans the whole certification (the AES keys seen, the
//     scenario verdicts); Session is one scenario's server and requests.
//   - Report renders certification.json and certification.html.
//
// The feature files (features/client) and their steps (steps/clientsteps)
// put these together; runner certify-client is the command.
package certify
