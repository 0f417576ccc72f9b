package reporting

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cucumber/godog"

	"github.com/kairos-conformance/kairos-conformance/internal/evidence"
)

// The canaries a sample run plants in every place a secret could leak from:
// attachments, step errors, doc strings.
const (
	canarySecurityID = "CANARYsecID0123456789abcdef0123456789abcdef0123456789abcdefCANARY"
	canaryAESKey     = "CanaryK3y!"
	canaryKeyB64     = "Q2FuYXJ5SzN5IQ=="
	canaryPhone      = "9876501234"
	canaryPhone91    = "+919876505678"
	canaryPEMBody    = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCCANARYPEM"
)

// sampleFeature exercises every convention reporting reads: status and
// endpoint tags, a skip with a reason, a skip without one, an h2spec
// failure with evidence, a security finding, an outline, an undefined step.
const sampleFeature = `@spec-5
Feature: Status codes on the encrypted multicast endpoint

  @status-200 @endpoint-enc-multicast
  Scenario: a healthy flow accepts a call
    Given the flow "healthy-multicast"
    When the target answers 200

  @status-202 @endpoint-enc-multicast @spec-5.8 @doc
  Scenario: a wrong security id is refused
    Given the flow "healthy-multicast"
    When the target answers 200
    Then the code is 202

  @status-207 @endpoint-enc-dialer
  Scenario: a flow without a DID
    Given the flow "no-did-dialer"
    When the target answers 207

  @status-400 @endpoint-enc-multicast @security
  Scenario: a tampered envelope is refused
    Given the flow "healthy-multicast"
    When the target answers 400
    And a security finding is recorded

  @status-205 @endpoint-plain-dialer @spec-5.21 @ref
  Scenario Outline: invalid contact numbers are refused
    Given the flow "healthy-dialer"
    When the target answers <code>

    Examples:
      | code |
      | 205  |
      | 210  |

  @status-302 @endpoint-pull
  Scenario: a silent skip
    Given nothing is said

  @status-303 @endpoint-pull @ref
  Scenario: an undefined step
    Given a step nobody wrote
`

// sampleCucumber runs sampleFeature through godog and returns its cucumber
// JSON: the tests read what godog v0.16 really writes, not a guess of it.
func sampleCucumber(t testing.TB) []byte {
	t.Helper()
	var out bytes.Buffer
	suite := godog.TestSuite{
		ScenarioInitializer: initSampleSteps,
		Options: &godog.Options{
			Format:          "cucumber",
			Output:          &out,
			Strict:          true,
			Concurrency:     1,
			FeatureContents: []godog.Feature{{Name: "features/encrypted.feature", Contents: []byte(sampleFeature)}},
		},
	}
	suite.Run() // its status is the sample's failures, not an error
	if out.Len() == 0 {
		t.Fatal("godog wrote no cucumber JSON")
	}
	return out.Bytes()
}

func initSampleSteps(sc *godog.ScenarioContext) {
	sc.Step(`^the flow "([^"]*)"$`, func(ctx context.Context, role string) (context.Context, error) {
		if role == "no-did-dialer" {
			ctx = godog.Attach(ctx, godog.Attachment{FileName: evidence.AttachSkipReason, MediaType: "text/plain",
				Body: []byte(`profile staging.yaml maps no flow to role "no-did-dialer"`)})
			return ctx, godog.ErrSkip
		}
		return ctx, nil
	})
	sc.Step(`^the target answers (\d+)$`, func(ctx context.Context, code int) (context.Context, error) {
		request := fmt.Sprintf(`{"requestEncryptedValue":"%s","requestDigitalSignatureValue":"%s","flow-id":"HealthM1","aesKey":"%s","keyB64":"%s"}`,
			bytes.Repeat([]byte("QUJD"), 40), bytes.Repeat([]byte("WFla"), 128), canaryAESKey, canaryKeyB64)
		payload := fmt.Sprintf(`{"api-version":"1.0","security-id":"%s","flow-id":"HealthM1","calls":[{"client-identifier":"c1","contact-numbers":["%s","%s"]}]}`,
			canarySecurityID, canaryPhone, canaryPhone91)
		response := fmt.Sprintf(`{"api-response-code":%d,"api-response-message":"x","request-id":"367a25ec-065b-4ca7-a73f-70d1da818a22"}`, code)
		ctx = godog.Attach(ctx,
			godog.Attachment{FileName: evidence.AttachRequest, MediaType: "application/json", Body: []byte(request)},
			godog.Attachment{FileName: evidence.AttachPayload, MediaType: "application/json", Body: []byte(payload)},
			godog.Attachment{FileName: evidence.AttachResponse, MediaType: "application/json", Body: []byte(response)},
		)
		if code == 210 {
			return ctx, errors.New("spec 5 rule 21: an invalid contact number is refused with 205\nExpected: api-response-code 205\nActual: api-response-code 210")
		}
		return ctx, nil
	})
	sc.Step(`^the code is (\d+)$`, func(ctx context.Context, code int) (context.Context, error) {
		return ctx, fmt.Errorf("spec 5 rule 8: a security-id that is not the flow's is refused with 202\n"+
			"Expected: api-response-code 202 for security-id %q\n"+
			"Actual: api-response-code 200 (sealed with key string %q, private key -----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----)",
			canarySecurityID, canaryAESKey, canaryPEMBody)
	})
	sc.Step(`^a security finding is recorded$`, func(ctx context.Context) (context.Context, error) {
		return godog.Attach(ctx, godog.Attachment{FileName: evidence.AttachSecurityFinding, MediaType: "text/plain",
			Body: []byte("the server answered 400 after 3ms for a bad padding and 40ms for a bad RSA value: a timing oracle")},
			godog.Attachment{FileName: evidence.AttachTiming, MediaType: "text/plain",
				Body: []byte("fails at the RSA padding     median   6.05ms  (30 answers)\nfails at the AES padding     median  46.36ms  (30 answers)")}), nil
	})
	sc.Step(`^nothing is said$`, func(ctx context.Context) error { return godog.ErrSkip })
}
