package envelope_test

import (
	"fmt"
	"log"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// Seal a payload for a flow and open it again with the flow's private key.
// A fixed key string is used only so the output is reproducible: ECB with
// the same key and payload always gives the same requestEncryptedValue
// (the RSA value still differs on every run). Real callers leave Key empty.
func ExampleSeal() {
	pub, err := envelope.LoadPublicKey("../fixtures/keys/TEST-ONLY-rsa2048_public.key")
	if err != nil {
		log.Fatal(err)
	}
	priv, err := envelope.LoadPrivateKey("../fixtures/keys/TEST-ONLY-rsa2048_private.key")
	if err != nil {
		log.Fatal(err)
	}
	payload := []byte(`{"api-version":"1.0","flow-id":"ZH0RKJvh"}`)

	env, err := envelope.Seal(payload, "ZH0RKJvh", pub, &envelope.SealOptions{Key: "abcd1234"})
	if err != nil {
		log.Fatal(err)
	}
	rsaValue, err := envelope.DecodeStrict(env.RequestDigitalSignatureValue)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("requestEncryptedValue:", env.RequestEncryptedValue)
	fmt.Println("RSA value bytes:", len(rsaValue))

	opened, err := envelope.Open(env, priv, envelope.PKCS1v15)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("opened:", string(opened))
	// Output:
	// requestEncryptedValue: MKZ5YskDy1fnaEdvpra/TOCRB4LPw5HDBZfHbNRgAeTxh8kgpopC3uVAeavkncMIaRqeJop85OiXzQATmiD7XQ==
	// RSA value bytes: 256
	// opened: {"api-version":"1.0","flow-id":"ZH0RKJvh"}
}
