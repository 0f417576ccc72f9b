// Package protocol holds the facts of the Kairos protocol, each written
// once: the endpoints (SPEC.md section 1), the limits (sections 2, 3, 5 and
// 6), the defaults of the knobs a profile may override (section 7) and
// Phonon's table of the 22 status codes (section 5).
//
// It is a leaf package: the reference server, the step definitions,
// certification, the profiles and the reports import it, and it imports
// nothing of this module, so that they all name a path, a limit or a code
// the same way. Crypto facts (key sizes, RSA paddings) are the envelope
// package's.
package protocol
