package steps

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

func (st *scenario) registerPullSteps(sc stepRegistry) {
	sc.Step(`^the payload has been accepted by the (encrypted|plain) endpoint$`, st.payloadAccepted)
	sc.Step(`^a pull request for the accepted calls$`, st.newPullRequest)
	sc.Step(`^a pull request for (\d+) unknown phonon-uuids?$`, st.unknownPullRequest)
	sc.Step(`^the accepted calls are pulled by their phonon-uuids$`, st.pullAccepted)
	sc.Step(`^the pull request also asks for an unknown phonon-uuid$`, func() error { return st.addUnknownUUIDs(1) })
	sc.Step(`^the pull request asks for one phonon-uuid more than the limit$`, st.uuidsOverLimit)
	sc.Step(`^the pull request is made with the credentials of `+roleRE+`$`, st.pullAs)
	sc.Step(`^the pulled data lists exactly the accepted calls, each with its client-identifier and request-id$`, st.pulledExactly)
}

// payloadAccepted is the Given form of sending: the request must succeed,
// so that later steps have accepted calls to work with.
func (st *scenario) payloadAccepted(ctx context.Context, endpoint string) error {
	if err := st.sendPayload(ctx, endpoint, ""); err != nil {
		return err
	}
	var v verdict
	st.expectCode(st.sent.last, protocol.Success, 0, &v)
	if len(v) == 0 {
		st.expectEcho(st.sent.last, st.sentCalls(), &v)
	}
	if err := st.fail(st.sent.last, v); err != nil {
		return fmt.Errorf("setting up: the payload must be accepted for this scenario:\n%w", err)
	}
	return nil
}

func (st *scenario) newPull() error {
	if err := st.needFlow(); err != nil {
		return err
	}
	if !st.knobs().PullAPI {
		return st.skip("the profile says the target has no Pull API (knob pull-api: false)")
	}
	r, err := st.s.fill(tmplPull, map[string]string{"flow-id": st.target.flow.FlowID, "security-id": st.target.flow.SecurityID})
	if err != nil {
		return err
	}
	st.side = sideRequest{body: r, kind: reqPull, flow: st.target.flow}
	return nil
}

func (st *scenario) newPullRequest() error {
	if err := st.newPull(); err != nil {
		return err
	}
	if len(st.pull.accepted) == 0 {
		return stepError("no accepted calls yet: add \"the payload has been accepted by the encrypted endpoint\"")
	}
	uuids := make([]any, len(st.pull.accepted))
	for i, c := range st.pull.accepted {
		uuids[i] = c.uuid
	}
	st.side.body.set("phonon-uuids", uuids)
	return nil
}

func (st *scenario) unknownPullRequest(n int) error {
	if err := st.newPull(); err != nil {
		return err
	}
	return st.addUnknownUUIDs(n)
}

func (st *scenario) addUnknownUUIDs(n int) error {
	if err := st.needRequest(reqPull); err != nil {
		return err
	}
	v, _ := st.side.body.get("phonon-uuids")
	list, _ := v.([]any)
	for range n {
		list = append(list, st.s.ids.uuid())
	}
	st.side.body.set("phonon-uuids", list)
	return nil
}

func (st *scenario) uuidsOverLimit() error {
	if err := st.needRequest(reqPull); err != nil {
		return err
	}
	v, _ := st.side.body.get("phonon-uuids")
	list, _ := v.([]any)
	if more := st.knobs().MaxUUIDsPerPull + 1 - len(list); more > 0 {
		return st.addUnknownUUIDs(more)
	}
	return nil
}

func (st *scenario) pullAccepted(ctx context.Context) error {
	if err := st.newPullRequest(); err != nil {
		return err
	}
	return st.sendRequest(ctx, reqPull)
}

func (st *scenario) pullAs(phrase string) error {
	if err := st.needRequest(reqPull); err != nil {
		return err
	}
	role, err := roleOf(phrase)
	if err != nil {
		return err
	}
	f, err := st.flowFor(role)
	if err != nil {
		return err
	}
	if f.FlowID == st.target.flow.FlowID {
		return st.skip("the profile maps %s to the scenario's own flow", role)
	}
	st.side.body.set("flow-id", f.FlowID)
	st.side.body.set("security-id", f.SecurityID)
	st.side.flow = f
	return nil
}

// pulledExactly checks data has one entry per accepted call (by
// phonon-uuid) with its client-identifier and the request-id of the create
// request, and nothing else.
func (st *scenario) pulledExactly() error {
	var v verdict
	x := st.sent.last
	if !st.responseOK(x, &v) {
		return st.fail(x, v)
	}
	data := gjson.GetBytes(x.body, "data")
	if !data.IsArray() {
		v.add("data: a list of call records", rawOf(data), "data")
		return st.fail(x, v)
	}
	if n := len(data.Array()); n != len(st.pull.accepted) {
		v.add(fmt.Sprintf("%d records, one per accepted call", len(st.pull.accepted)), strconv.Itoa(n), "data.#")
	}
	for _, c := range st.pull.accepted {
		q := fmt.Sprintf(`data.#(phonon-uuid==%q)`, c.uuid)
		rec := gjson.GetBytes(x.body, q)
		if !rec.Exists() {
			v.add("a record for phonon-uuid "+c.uuid, "(absent)", "data")
			continue
		}
		if got := rec.Get("client-identifier"); got.Str != c.clientID {
			v.add(fmt.Sprintf("client-identifier %q", c.clientID), rawOf(got), q+".client-identifier")
		}
		if c.requestID != "" {
			if got := rec.Get("request-id"); got.Str != c.requestID {
				v.add(fmt.Sprintf("request-id %s, the create request's", c.requestID), rawOf(got), q+".request-id")
			}
		}
	}
	return st.fail(x, v)
}
