package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

const sealSynopsis = `usage: runner envelope seal --public-key FILE --flow-id ID [flags] [PAYLOAD_FILE|-]

Seals the payload (standard input when PAYLOAD_FILE is - or absent) byte for
byte for the flow, and prints the request body: {"requestEncryptedValue",
"requestDigitalSignatureValue", "flow-id"}. The flow id is written as given,
unchecked, so that negative vectors can be built.
`

func runEnvelopeSeal(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newEnvelopeCommand("seal", sealSynopsis, stdout, stderr)
	publicKey := c.flags.String("public-key", "", "the flow's RSA public key, PEM `FILE` (PUBLIC KEY or RSA PUBLIC KEY)")
	flowID := c.flags.String("flow-id", "", "the flow `ID` written into the envelope")
	aesKey := c.flags.String("aes-key", "", "the key string `K` (raw, as encryptdata's aesKey); default: a fresh random one.\n"+
		"Fix it only to reproduce a vector: ECB with a reused key makes payloads comparable")
	paddingName := c.flags.String("rsa-padding", envelope.PKCS1v15.String(), "RSA padding `NAME`: "+envelope.PaddingNames)
	allowInvalid := c.flags.Bool("allow-invalid-payload", false, "seal a payload that is not a strict JSON object (to build negative vectors)")
	showKey := c.flags.Bool("show-key", false, "print the key string and the derived AES key to stderr (secrets)")
	if code, ok := c.parse(args); !ok {
		return code
	}
	if err := c.missing("public-key", "flow-id"); err != nil {
		return c.usageError("%v", err)
	}
	if c.isSet("aes-key") && *aesKey == "" {
		return c.usageError("--aes-key is empty (leave it out for a random key string)")
	}
	padding, err := parsePadding(*paddingName)
	if err != nil {
		return c.usageError("%v", err)
	}
	payloadFile, err := c.inputFile("PAYLOAD_FILE")
	if err != nil {
		return c.usageError("%v", err)
	}
	pub, err := envelope.LoadPublicKey(*publicKey)
	if err != nil {
		return c.usageError("--public-key: %v", err)
	}
	payload, label, err := readInput(payloadFile, stdin)
	if err != nil {
		return c.usageError("payload: %v", err)
	}
	if err := strictjson.CheckObject(payload); err != nil && !*allowInvalid {
		return c.usageError("payload %s is not a strict JSON object: %v (--allow-invalid-payload seals it anyway)", label, err)
	}
	sealed, err := envelope.SealDetailed(payload, *flowID, pub, &envelope.SealOptions{Key: *aesKey, Padding: padding})
	if err != nil {
		return c.usageError("%v", err)
	}
	if *showKey {
		printKeyDetails(stderr, base64.StdEncoding.EncodeToString([]byte(sealed.Key)))
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false) // a flow id is printed as given, not as \u003c...
	if err := enc.Encode(sealed.Envelope); err != nil {
		fmt.Fprintf(stderr, "%s: writing the envelope: %v\n", c.flags.Name(), err)
		return exitUsage
	}
	return exitOK
}
