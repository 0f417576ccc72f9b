package steps

import (
	"fmt"
	"strconv"

	"github.com/onsi/gomega"
	"github.com/tidwall/gjson"
)

func (st *scenario) registerResponseSteps(sc stepRegistry) {
	sc.Step(`^the response code is (\d{3}) ([A-Z_]+)$`, st.responseCode)
	sc.Step(`^the request is refused with HTTP (\d{3}) and code (\d{3}) ([A-Z_]+)$`, st.transportRefusal)
	sc.Step(`^every call-details entry echoes its client-identifier with a phonon-uuid$`, st.everyCallEchoed)
	sc.Step(`^call (\d+) of call-details is accepted with a phonon-uuid$`, st.callAccepted)
	sc.Step(`^call (\d+) of call-details is refused with (\d{3}) ([A-Z_]+)$`, st.callRefused)
	sc.Step(`^every call of call-details is refused with (\d{3}) ([A-Z_]+)$`, st.everyCallRefused)
	sc.Step(`^the response "([^"]+)" is `+literalRE+`$`, st.responseField)
	sc.Step(`^the response has no "([^"]+)"$`, st.responseLacks)
	sc.Step(`^the response header "([^"]+)" is "([^"]*)"$`, st.responseHeader)
	sc.Step(`^the response carries a request-id, the same in its body and its header$`, st.requestIDConsistent)
}

func (st *scenario) responseCode(num int, name string) error {
	want, err := parseCode(num, name)
	if err != nil {
		return err
	}
	var v verdict
	st.expectCode(st.sent.last, want, 0, &v)
	return st.fail(st.sent.last, v)
}

func (st *scenario) transportRefusal(status, num int, name string) error {
	want, err := parseCode(num, name)
	if err != nil {
		return err
	}
	var v verdict
	st.expectCode(st.sent.last, want, status, &v)
	return st.fail(st.sent.last, v)
}

func (st *scenario) everyCallEchoed() error {
	var v verdict
	if st.responseOK(st.sent.last, &v) {
		st.expectEcho(st.sent.last, st.sentCalls(), &v)
	}
	return st.fail(st.sent.last, v)
}

func (st *scenario) callAccepted(n int) error {
	if n < 1 || n > len(st.sentCalls()) {
		return stepError("the request had %d calls; there is no call %d", len(st.sentCalls()), n)
	}
	var v verdict
	if st.responseOK(st.sent.last, &v) {
		p := fmt.Sprintf("call-details.%d", n-1)
		okID := v.match(st.sent.last.body, p+".client-identifier", gomega.Equal(st.sentCalls()[n-1]), fmt.Sprintf("the client-identifier of call %d, %q", n, st.sentCalls()[n-1]))
		okUUID := v.match(st.sent.last.body, p+".phonon-uuid", gomega.And(gomega.BeAssignableToTypeOf(""), gomega.MatchRegexp(uuidPattern)), "a well-formed phonon-uuid (RFC 4122)")
		v.match(st.sent.last.body, p+".api-response-code", gomega.BeNil(), "no api-response-code of its own for an accepted call")
		if okID && okUUID {
			st.pull.accepted = append(st.pull.accepted, acceptedCall{
				clientID: st.sentCalls()[n-1], uuid: gjson.GetBytes(st.sent.last.body, p+".phonon-uuid").Str,
				requestID: gjson.GetBytes(st.sent.last.body, "request-id").Str,
			})
		}
	}
	return st.fail(st.sent.last, v)
}

func (st *scenario) callRefused(n, num int, name string) error {
	want, err := parseCode(num, name)
	if err != nil {
		return err
	}
	if n < 1 || n > len(st.sentCalls()) {
		return stepError("the request had %d calls; there is no call %d", len(st.sentCalls()), n)
	}
	var v verdict
	if st.responseOK(st.sent.last, &v) {
		st.expectRefusedCall(st.sent.last, n-1, st.sentCalls(), want, &v)
	}
	return st.fail(st.sent.last, v)
}

func (st *scenario) everyCallRefused(num int, name string) error {
	want, err := parseCode(num, name)
	if err != nil {
		return err
	}
	var v verdict
	if st.responseOK(st.sent.last, &v) {
		n := gjson.GetBytes(st.sent.last.body, "call-details.#").Int()
		if int(n) != len(st.sentCalls()) {
			v.add(fmt.Sprintf("%d call-details entries (one per call)", len(st.sentCalls())), strconv.FormatInt(n, 10), "call-details.#")
		}
		for i := range st.sentCalls() {
			st.expectRefusedCall(st.sent.last, i, st.sentCalls(), want, &v)
		}
	}
	return st.fail(st.sent.last, v)
}

// responseField compares a response field with a literal: a "string", a
// number, true, false, null.
func (st *scenario) responseField(path, phrase string) error {
	want, err := parseLiteral(phrase)
	if err != nil {
		return stepError("%v", err)
	}
	var v verdict
	if st.responseOK(st.sent.last, &v) {
		switch w := want.(type) {
		case nil:
			res := gjson.GetBytes(st.sent.last.body, path)
			if !res.Exists() || res.Type != gjson.Null {
				v.add("null", rawOf(res), path)
			}
		case fmt.Stringer: // json.Number
			f, _ := strconv.ParseFloat(w.String(), 64)
			v.match(st.sent.last.body, path, gomega.BeNumerically("==", f), w.String())
		case string:
			v.match(st.sent.last.body, path, gomega.Equal(w), strconv.Quote(w))
		default:
			v.match(st.sent.last.body, path, gomega.Equal(w), phrase)
		}
	}
	return st.fail(st.sent.last, v)
}

func (st *scenario) responseLacks(path string) error {
	var v verdict
	if st.responseOK(st.sent.last, &v) {
		v.match(st.sent.last.body, path, gomega.BeNil(), "no "+path)
	}
	return st.fail(st.sent.last, v)
}

// requestIDConsistent checks the reference server's request-id [ref]: a
// UUID in the body and the same value in the request-id header.
func (st *scenario) requestIDConsistent() error {
	var v verdict
	if st.responseOK(st.sent.last, &v) {
		if v.match(st.sent.last.body, "request-id", gomega.And(gomega.BeAssignableToTypeOf(""), gomega.MatchRegexp(uuidPattern)), "a request-id (a UUID) in the body") {
			id := gjson.GetBytes(st.sent.last.body, "request-id").Str
			if h := st.sent.last.header.Get("request-id"); h != id {
				v.add(fmt.Sprintf("header request-id: %s, as in the body", id), fmt.Sprintf("%q", h), "header request-id")
			}
		}
	}
	return st.fail(st.sent.last, v)
}

func (st *scenario) responseHeader(name, want string) error {
	var v verdict
	if st.responseOK(st.sent.last, &v) {
		if got := st.sent.last.header.Values(name); len(got) != 1 || got[0] != want {
			v.add(fmt.Sprintf("header %s: %s", name, want), fmt.Sprintf("%q", got), "header "+name)
		}
	}
	return st.fail(st.sent.last, v)
}
