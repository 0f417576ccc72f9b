package certify

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// The environment of a client command: the whole contract between the
// harness and a vendor's client. The command is run once per request with
// these set (on top of the harness's own environment), its working
// directory the harness's, stdin empty. It must seal the bytes of
// KAIROS_PAYLOAD_FILE for KAIROS_FLOW_ID as they are (spec section 3
// step 1: never re-serialised, never decoded through the platform's
// charset), POST the envelope to KAIROS_URL with Content-Type
// application/json, print the response body to stdout and exit 0, whatever
// api-response-code or HTTP status the answer carries, all within
// KAIROS_TIMEOUT_SECONDS. README.md in this directory is the contract in
// full.
const (
	EnvURL           = "KAIROS_URL"             // the full URL to POST to: KAIROS_BASE_URL + KAIROS_ENDPOINT
	EnvBaseURL       = "KAIROS_BASE_URL"        // e.g. http://127.0.0.1:40123 (no trailing slash)
	EnvEndpoint      = "KAIROS_ENDPOINT"        // an encrypted create path, e.g. protocol.PathEncMulticastCreate
	EnvFlowID        = "KAIROS_FLOW_ID"         // the envelope's outer flow-id
	EnvPublicKeyFile = "KAIROS_PUBLIC_KEY_FILE" // the flow's RSA public key, PEM SubjectPublicKeyInfo
	EnvPayloadFile   = "KAIROS_PAYLOAD_FILE"    // the inner payload JSON (UTF-8): seal these bytes
	EnvRSAPadding    = "KAIROS_RSA_PADDING"     // pkcs1v15 (the spec's, required), oaep-sha1 or oaep-sha256 (SHA-256 for the OAEP hash and MGF1; optional)
	EnvTimeout       = "KAIROS_TIMEOUT_SECONDS" // decimal seconds, maybe with a fraction; the client is killed no sooner
	EnvWorkDir       = "KAIROS_WORK_DIR"        // an empty scratch directory, removed when certification ends
)

// MaxResponseBytes bounds what a client reads of a response (the 500-call
// answer is about 60 KB).
const MaxResponseBytes = 4 << 20

// ClientRequest is one request a client is asked to send, read from the
// contract's environment.
type ClientRequest struct {
	URL       string
	FlowID    string
	PublicKey *rsa.PublicKey
	Payload   []byte
	Padding   envelope.Padding
	Timeout   time.Duration
}

// LoadClientRequest reads the contract's environment through getenv
// (os.Getenv for a real client).
func LoadClientRequest(getenv func(string) string) (*ClientRequest, error) {
	var missing []string
	for _, name := range []string{EnvFlowID, EnvPublicKeyFile, EnvPayloadFile} {
		if getenv(name) == "" {
			missing = append(missing, name)
		}
	}
	url := getenv(EnvURL)
	if url == "" && getenv(EnvBaseURL) != "" {
		url = strings.TrimSuffix(getenv(EnvBaseURL), "/") + getenv(EnvEndpoint)
	}
	if url == "" {
		missing = append(missing, EnvURL)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s not set (see the client contract in internal/certify/README.md)", strings.Join(missing, ", "))
	}
	req := &ClientRequest{URL: url, FlowID: getenv(EnvFlowID), Timeout: 10 * time.Second}
	var err error
	if req.PublicKey, err = envelope.LoadPublicKey(getenv(EnvPublicKeyFile)); err != nil {
		return nil, err
	}
	if req.Payload, err = os.ReadFile(getenv(EnvPayloadFile)); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	if name := getenv(EnvRSAPadding); name != "" {
		if req.Padding, err = envelope.ParsePadding(name); err != nil {
			return nil, fmt.Errorf("%s: %w", EnvRSAPadding, err)
		}
	}
	if s := getenv(EnvTimeout); s != "" {
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil || secs <= 0 {
			return nil, fmt.Errorf("%s=%q is not a positive number of seconds", EnvTimeout, s)
		}
		req.Timeout = time.Duration(secs * float64(time.Second))
	}
	return req, nil
}

// Post sends body to the request's URL as application/json and returns the
// response body, whatever the HTTP status: the Kairos code is in the body.
func (r *ClientRequest) Post(ctx context.Context, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	httpReq.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(httpReq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the response: %w", err)
	}
	if len(got) > MaxResponseBytes {
		return nil, fmt.Errorf("response body over %d bytes", MaxResponseBytes)
	}
	return got, nil
}

// Send is the reference client: it seals the request's payload with a
// fresh key string (envelope.Seal), posts it and writes the response body
// to stdout.
func Send(ctx context.Context, req *ClientRequest, stdout io.Writer) error {
	if req == nil {
		return errors.New("certify: Send needs a request")
	}
	env, err := envelope.Seal(req.Payload, req.FlowID, req.PublicKey, &envelope.SealOptions{Padding: req.Padding})
	if err != nil {
		return err
	}
	return req.PostEnvelope(ctx, env, stdout)
}

// PostEnvelope posts env as the JSON body and writes the response body to
// stdout: the part of a client's job that comes after sealing.
func (r *ClientRequest) PostEnvelope(ctx context.Context, env any, stdout io.Writer) error {
	body, err := json.Marshal(env)
	if err != nil {
		return err
	}
	resp, err := r.Post(ctx, body)
	if err != nil {
		return err
	}
	_, err = stdout.Write(resp)
	return err
}
