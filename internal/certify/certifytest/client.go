package certifytest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/kairos-conformance/kairos-conformance/internal/certify"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
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

// ExitError asks the client's main to exit with Code (the client is done,
// not broken: exit-on-refusal's way of saying "refused").
type ExitError struct {
	Code int
	Msg  string
}

func (e *ExitError) Error() string { return e.Msg }

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
		if err := post(ctx, req, Mistake{Key: k}, getenv, io.Discard); err != nil {
			return err
		}
		return fmt.Errorf("crashing on purpose: key string %s, its base64 %s, payload %s",
			k, base64.StdEncoding.EncodeToString([]byte(k)), req.Payload)
	}
	m, ok := Mistakes[mode]
	if !ok {
		return fmt.Errorf("unknown client mode %q (want %s, %s or one of %v)", mode, Reference, LeakAndCrash, Names())
	}
	return post(ctx, req, m, getenv, stdout)
}

func post(ctx context.Context, req *certify.ClientRequest, m Mistake, getenv func(string) string, stdout io.Writer) error {
	payload := req.Payload
	if m.Payload != nil {
		var err error
		if payload, err = m.Payload(payload, getenv); err != nil {
			return err
		}
	}
	m.Padding = req.Padding
	env, err := Seal(payload, req.FlowID, req.PublicKey, m)
	if err != nil {
		return err
	}
	if !m.ExitOnRefusal {
		return req.PostEnvelope(ctx, env, stdout)
	}
	var body recordingWriter
	if err := req.PostEnvelope(ctx, env, io.MultiWriter(stdout, &body)); err != nil {
		return err
	}
	if code, ok := body.code(); !ok || code != int(protocol.Success) {
		return &ExitError{Code: 1, Msg: "refused: " + strconv.Itoa(code)}
	}
	return nil
}

// recordingWriter keeps what the client printed, to read its code.
type recordingWriter struct{ b []byte }

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

func (w *recordingWriter) code() (int, bool) {
	var body struct {
		Code int `json:"api-response-code"`
	}
	if err := json.Unmarshal(w.b, &body); err != nil {
		return 0, false
	}
	return body.Code, true
}

// ExitCode is the status a client's main exits with for err.
func ExitCode(err error) int {
	var e *ExitError
	if errors.As(err, &e) {
		return e.Code
	}
	return 3
}
