package certifytest

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/kairos-conformance/kairos-conformance/internal/certify"
)

// Client modes besides the names of Mistakes.
const (
	// Reference is the reference client, certify.Send.
	Reference = "reference"
	// LeakAndCrash seals and sends correctly, then fails with an error
	// that quotes its key string and the payload (security id, phone
	// numbers): certification must report the crash without the secrets.
	LeakAndCrash = "leak-and-crash"
)

// RunClient acts as the client mode names, under the client contract's
// environment read through getenv.
func RunClient(ctx context.Context, mode string, getenv func(string) string, stdout io.Writer) error {
	req, err := certify.LoadClientRequest(getenv)
	if err != nil {
		return err
	}
	switch mode {
	case Reference:
		return certify.Send(ctx, req, stdout)
	case LeakAndCrash:
		k := "leaky-key-string-" + randomKey(16)
		if err := post(ctx, req, Mistake{Key: k}, io.Discard); err != nil {
			return err
		}
		return fmt.Errorf("crashing on purpose: key string %s, its base64 %s, payload %s",
			k, base64.StdEncoding.EncodeToString([]byte(k)), req.Payload)
	}
	m, ok := Mistakes[mode]
	if !ok {
		return fmt.Errorf("unknown client mode %q (want %s, %s or one of %v)", mode, Reference, LeakAndCrash, Names())
	}
	return post(ctx, req, m, stdout)
}

func post(ctx context.Context, req *certify.ClientRequest, m Mistake, stdout io.Writer) error {
	env, err := Seal(req.Payload, req.FlowID, req.PublicKey, m)
	if err != nil {
		return err
	}
	return req.PostEnvelope(ctx, env, stdout)
}
