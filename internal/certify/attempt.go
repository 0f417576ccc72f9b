package certify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// Attempt is one run of the client command and what it sent.
type Attempt struct {
	N           int    // 1-based within the session
	TimeoutEnv  string // the KAIROS_TIMEOUT_SECONDS it was given
	Locale      string // the locale it was run under, if forced
	Exec        *ExecResult
	Inspections []*Inspection
}

// ClientProblem says how this run of the client broke the contract (hung,
// crashed, printed nothing or garbage), or nil if it exited 0 and printed
// JSON. Whether that JSON is the body the server sent is CheckOutput's job.
func (a *Attempt) ClientProblem() error {
	f := a.clientProblem()
	if f == nil {
		return nil
	}
	if n := len(a.Inspections); n != 1 && a.Exec.Outcome != NotRun {
		if f.Mistake == "client-garbage" || f.Mistake == "client-silent" {
			f.Want = "each run of the client must send exactly one request and print the response body (JSON) on stdout"
			f.Got = fmt.Sprintf("the server received %d requests, and %s", n, f.Got)
		} else {
			f.Got += fmt.Sprintf(" (the server received %d requests)", n)
		}
	}
	return f
}

func (a *Attempt) clientProblem() *Finding {
	const rule = "client contract"
	if p := a.Exec.Problem(); p != "" {
		if f := a.exitOnRefusal(); f != nil {
			return f
		}
		mistake := map[Outcome]string{Hung: "client-hung", Failed: "client-not-run", NotRun: "client-not-run"}[a.Exec.Outcome]
		f := &Finding{Rule: rule, Want: "the client must exit 0 once it has printed the response body", Got: p, Mistake: mistake}
		if mistake == "" {
			f.Mistake = "client-crashed"
			if strings.Contains(a.TimeoutEnv, ".") {
				f.Detail = fmt.Sprintf("this run's %s was %s: the contract allows a fraction of a second, so parse it as a decimal number", EnvTimeout, a.TimeoutEnv)
			}
		}
		return f
	}
	out := bytes.TrimSpace(a.Exec.Stdout)
	want := "the client must print the response body the server sent (JSON) on stdout"
	switch {
	case len(out) == 0:
		return &Finding{Rule: rule, Want: want, Got: "the client printed nothing", Mistake: "client-silent"}
	case a.Exec.StdoutTruncated:
		return &Finding{Rule: rule, Want: want, Got: fmt.Sprintf("the client printed garbage: over %d bytes", maxStdout), Mistake: "client-garbage"}
	case !json.Valid(out):
		return &Finding{Rule: rule, Want: want, Got: "the client printed garbage, not JSON: " + quoteStart(out), Mistake: "client-garbage"}
	}
	return nil
}

// exitOnRefusal is the finding for a client that got a refusal (an
// api-response-code other than 200, or an HTTP status of 400 or more) and
// exited non-zero: the contract asks it to print the body and exit 0.
func (a *Attempt) exitOnRefusal() *Finding {
	if a.Exec.Outcome != Exited || a.Exec.Signal != "" || a.Exec.ExitCode == 0 || len(a.Inspections) != 1 {
		return nil
	}
	ex := a.Inspections[0].Exchange
	code, hasCode := responseCode(ex.ResponseBody)
	if ex.Status == 0 || ex.Status < 400 && (!hasCode || code == strconv.Itoa(int(protocol.Success))) {
		return nil
	}
	printed := "without printing the body"
	if out := bytes.TrimSpace(a.Exec.Stdout); len(out) > 0 {
		printed = "after printing " + map[bool]string{true: "the body", false: "something other than the body"}[jsonEqualOK(ex.ResponseBody, out)]
	}
	answer := fmt.Sprintf("HTTP %d", ex.Status)
	if hasCode {
		answer += ", api-response-code " + code
	}
	detail := "the server answered " + answer
	if tail := strings.TrimSpace(a.Exec.Stderr); tail != "" {
		detail += "; the client's stderr ends:\n" + indentLines(tail, "    ")
	}
	return &Finding{Rule: "client contract",
		Want:   "the client must print the response body and exit 0 whatever the answer: a refusal (any api-response-code, HTTP 404, 405, 413, 415) is the caller's to act on, not a failure of the client",
		Got:    fmt.Sprintf("the client exited with status %d on a refusal, %s: it did not crash, it must exit 0", a.Exec.ExitCode, printed),
		Detail: detail, Mistake: "client-exit-on-refusal"}
}

// responseCode is the api-response-code of a response body, as text.
func responseCode(body []byte) (string, bool) {
	var b struct {
		Code json.Number `json:"api-response-code"`
	}
	if json.Unmarshal(body, &b) != nil || b.Code == "" {
		return "", false
	}
	return b.Code.String(), true
}

func jsonEqualOK(a, b []byte) bool {
	equal, err := jsonEqual(a, b)
	return err == nil && equal
}

// Summary is one line about the attempt for the report: how the client
// ended and what each request got.
func (a *Attempt) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "run %d: ", a.N)
	if a.Locale != "" {
		fmt.Fprintf(&b, "under %s, ", a.Locale)
	}
	switch {
	case a.Exec.Outcome == Exited && a.Exec.Signal != "":
		fmt.Fprintf(&b, "killed by signal %s after %s", a.Exec.Signal, a.Exec.Duration.Round(time.Millisecond))
	case a.Exec.Outcome == Exited:
		fmt.Fprintf(&b, "exit %d after %s", a.Exec.ExitCode, a.Exec.Duration.Round(time.Millisecond))
	case a.Exec.Outcome == Hung:
		fmt.Fprintf(&b, "hung, killed after %s", a.Exec.Timeout)
	default:
		b.WriteString("not run")
	}
	if len(a.Inspections) == 0 {
		b.WriteString("; no request")
	}
	for _, in := range a.Inspections {
		ex := in.Exchange
		fmt.Fprintf(&b, "; %s %s -> HTTP %d", ex.Method, ex.Path, ex.Status)
		if code, ok := responseCode(ex.ResponseBody); ok {
			fmt.Fprintf(&b, ", api-response-code %s", code)
		}
		if ex.Forced {
			b.WriteString(" (forced)")
		}
	}
	return b.String()
}
