package steps

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
)

// Template names under fixtures/payloads.
const (
	tmplSingleCall  = "single-call.json"
	tmplPull        = "pull.json"
	tmplKeyPair     = "generate-key-pair.json"
	tmplEncryptData = "encryptdata.json"
	vectorFile      = "vectors/published-vector.json"
)

// ist is the offset of Phonon's samples; start-times are written in it.
var ist = time.FixedZone("IST", 5*3600+30*60)

// startTimeLayout is the spec's start-time shape with milliseconds, as in
// Phonon's sample.
const startTimeLayout = "2006-01-02T15:04:05.000-07:00"

func loadTemplates(fsys fs.FS) (map[string]string, error) {
	out := map[string]string{}
	for _, name := range []string{tmplSingleCall, tmplPull, tmplKeyPair, tmplEncryptData} {
		data, err := fs.ReadFile(fsys, path.Join("payloads", name))
		if err != nil {
			return nil, fmt.Errorf("steps: payload template: %w", err)
		}
		out[name] = string(data)
	}
	return out, nil
}

var placeholder = regexp.MustCompile(`\{\{([a-z-]+)\}\}`)

// fill replaces {{name}} placeholders (inside JSON strings) with values,
// JSON-escaped, and decodes the result. An unknown placeholder is an error.
func (s *Suite) fill(name string, values map[string]string) (*object, error) {
	tmpl, ok := s.templates[name]
	if !ok {
		return nil, fmt.Errorf("steps: no template %s", name)
	}
	var missing []string
	text := placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		key := placeholder.FindStringSubmatch(m)[1]
		v, ok := values[key]
		if !ok {
			missing = append(missing, key)
			return m
		}
		q, _ := json.Marshal(v)
		return string(q[1 : len(q)-1])
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("steps: template %s: no value for %s", name, strings.Join(missing, ", "))
	}
	v, err := decodeOrdered([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("steps: template %s is not JSON once filled: %w", name, err)
	}
	o, ok := v.(*object)
	if !ok {
		return nil, fmt.Errorf("steps: template %s is not a JSON object", name)
	}
	return o, nil
}

// phone returns a profile number of the given sort ("whitelisted",
// "not-whitelisted", "invalid"), rotating through the list.
func (st *scenario) phone(sort string) (string, error) {
	var list []string
	ph := st.s.prof.Phones
	switch sort {
	case "whitelisted":
		list = ph.Whitelisted
	case "not-whitelisted":
		list = ph.NotWhitelisted
	case "invalid":
		list = ph.Invalid
	default:
		return "", stepError("no phone sort %q", sort)
	}
	if len(list) == 0 {
		return "", st.skip("the profile lists no %s phone numbers (phones.%s)", sort, sort)
	}
	return list[st.s.ids.next()%uint64(len(list))], nil
}

// startTime is now plus d, in IST, in the spec's shape.
func (st *scenario) startTime(d time.Duration) string {
	return st.s.now().Add(d).In(ist).Format(startTimeLayout)
}

func (st *scenario) registerPayloadSteps(sc stepRegistry) {
	sc.Step(`^a payload with (\d+) calls? to (?:a |an )?(whitelisted|not-whitelisted|invalid) numbers?$`, st.newPayload)
	sc.Step(`^another call to (?:a |an )?(whitelisted|not-whitelisted|invalid) number$`, st.anotherCall)
	sc.Step(`^the api-version is "([^"]*)"$`, func(v string) error { return st.setInPayload("api-version", v) })
	sc.Step(`^the payload has no "([^"]+)"$`, st.removeFromPayload)
	sc.Step(`^the payload has no calls$`, func() error { return st.setInPayload("calls", []any{}) })
	sc.Step(`^the payload has one call more than the limit$`, st.callsOverLimit)
	sc.Step(`^the (call|first call|last call) has no "([^"]+)"$`, st.removeFromCall)
	st.registerStartTimeSteps(sc)
	sc.Step(`^the call has an? (whitelisted|not-whitelisted|invalid) alternate number$`, st.alternateNumber)
	sc.Step(`^the call's contact number is written with the prefix "(91|\+91)"$`, st.prefixNumber)
}

func (st *scenario) newPayload(n int, sort string) error {
	if err := st.needFlow(); err != nil {
		return err
	}
	if n < 1 {
		return stepError("a payload needs at least one call; use \"the payload has no calls\"")
	}
	number, err := st.phone(sort)
	if err != nil {
		return err
	}
	p, err := st.s.fill(tmplSingleCall, map[string]string{
		"api-version":       "1.0",
		"security-id":       st.target.flow.SecurityID,
		"flow-id":           st.target.flow.FlowID,
		"client-identifier": st.s.ids.clientID("kc"),
		"start-time":        st.startTime(time.Hour),
		"contact-number":    number,
	})
	if err != nil {
		return err
	}
	st.draft.payload, st.draft.rawPayload = p, nil
	for i := 1; i < n; i++ {
		if err := st.anotherCall(sort); err != nil {
			return err
		}
	}
	return nil
}

// calls returns the payload's calls list.
func (st *scenario) calls() ([]any, error) {
	if st.draft.payload == nil {
		return nil, stepError("no payload yet: add \"a payload with 1 call to a whitelisted number\"")
	}
	v, _ := st.draft.payload.get("calls")
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, stepError("the payload has no calls to copy or edit")
	}
	return list, nil
}

// anotherCall appends a copy of the first call with a new client-identifier
// and a number of the given sort.
func (st *scenario) anotherCall(sort string) error {
	list, err := st.calls()
	if err != nil {
		return err
	}
	number, err := st.phone(sort)
	if err != nil {
		return err
	}
	c, ok := clone(list[0]).(*object)
	if !ok {
		return stepError("the first call is not an object")
	}
	c.set("client-identifier", st.s.ids.clientID("kc"))
	c.set("contact-numbers", []any{number})
	st.draft.payload.set("calls", append(list, c))
	return nil
}

func (st *scenario) callsOverLimit() error {
	list, err := st.calls()
	if err != nil {
		return err
	}
	limit := st.knobs().MaxCallsPerRequest
	out := make([]any, 0, limit+1)
	for i := 0; i <= limit; i++ {
		c := clone(list[0]).(*object)
		c.set("client-identifier", st.s.ids.clientID("kc"))
		out = append(out, c)
	}
	st.draft.payload.set("calls", out)
	return nil
}

// setInPayload sets the value at a path of the payload being built.
func (st *scenario) setInPayload(field string, v any) error {
	if st.draft.payload == nil {
		return stepError("no payload yet")
	}
	if err := setPath(st.draft.payload, field, v); err != nil {
		return stepError("%v", err)
	}
	return nil
}

func (st *scenario) removeFromPayload(field string) error {
	if st.draft.payload == nil {
		return stepError("no payload yet")
	}
	if err := deletePath(st.draft.payload, field); err != nil {
		return stepError("%v", err)
	}
	return nil
}

func (st *scenario) callPath(which string) (string, error) {
	list, err := st.calls()
	if err != nil {
		return "", err
	}
	if which == "last call" {
		return "calls." + strconv.Itoa(len(list)-1), nil
	}
	return "calls.0", nil
}

func (st *scenario) removeFromCall(which, field string) error {
	p, err := st.callPath(which)
	if err != nil {
		return err
	}
	return st.removeFromPayload(p + "." + field)
}

// relativeStartTimes are the start-times a step names relative to now.
var relativeStartTimes = []struct {
	phrase string
	at     func(now time.Time) time.Time
}{
	{"yesterday", func(now time.Time) time.Time { return now.AddDate(0, 0, -1) }},
	{"earlier today", func(now time.Time) time.Time {
		midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
		return midnight.Add(now.Sub(midnight) / 2)
	}},
	{"in an hour", func(now time.Time) time.Time { return now.Add(time.Hour) }},
	{"tomorrow", func(now time.Time) time.Time { return now.Add(24 * time.Hour) }},
}

func (st *scenario) registerStartTimeSteps(sc stepRegistry) {
	for _, r := range relativeStartTimes {
		sc.Step(`^the call's start-time is `+regexp.QuoteMeta(r.phrase)+`$`, func() error {
			return st.setStartTime(r.at(st.s.now().In(ist)))
		})
	}
	sc.Step(`^the call's start-time is in (\d+) days$`, func(days int) error {
		return st.setStartTime(st.s.now().In(ist).Add(time.Duration(days) * 24 * time.Hour))
	})
	sc.Step(`^the call's start-time is tomorrow in the format "([^"]+)"$`, st.startTimeFormat)
}

// setStartTime writes the first call's start-time in the spec's shape.
func (st *scenario) setStartTime(t time.Time) error {
	return st.setInPayload("calls.0.start-time", t.In(ist).Format(startTimeLayout))
}

// startTimeFormat writes tomorrow's start-time in a format given with
// tokens YYYY MM DD hh mm ss sss (everything else is literal).
func (st *scenario) startTimeFormat(format string) error {
	t := st.s.now().Add(24 * time.Hour).In(ist)
	r := strings.NewReplacer(
		"YYYY", fmt.Sprintf("%04d", t.Year()), "MM", fmt.Sprintf("%02d", int(t.Month())), "DD", fmt.Sprintf("%02d", t.Day()),
		"hh", fmt.Sprintf("%02d", t.Hour()), "mm", fmt.Sprintf("%02d", t.Minute()), "sss", fmt.Sprintf("%03d", t.Nanosecond()/1e6),
		"ss", fmt.Sprintf("%02d", t.Second()),
	)
	return st.setInPayload("calls.0.start-time", r.Replace(format))
}

func (st *scenario) alternateNumber(sort string) error {
	list, err := st.calls()
	if err != nil {
		return err
	}
	number, err := st.phone(sort)
	if err != nil {
		return err
	}
	c := list[0].(*object)
	nums, _ := c.get("contact-numbers")
	l, _ := nums.([]any)
	c.set("contact-numbers", append(l, number))
	return nil
}

func (st *scenario) prefixNumber(prefix string) error {
	list, err := st.calls()
	if err != nil {
		return err
	}
	c := list[0].(*object)
	nums, _ := c.get("contact-numbers")
	l, _ := nums.([]any)
	if len(l) == 0 {
		return stepError("the call has no contact number to prefix")
	}
	n, _ := l[0].(string)
	l[0] = prefix + n
	return nil
}

// payloadBytes is the inner payload the next request carries.
func (st *scenario) payloadBytes() ([]byte, error) {
	if st.draft.rawPayload != nil {
		return st.draft.rawPayload, nil
	}
	if st.draft.payload == nil {
		return nil, stepError("no payload yet: add \"a payload with 1 call to a whitelisted number\"")
	}
	return json.Marshal(st.draft.payload)
}

// clientIDs lists the client-identifiers of a payload's calls, in order
// (nil if the payload has no readable calls).
func clientIDs(payload []byte) []string {
	var p struct {
		Calls []struct {
			ClientID *string `json:"client-identifier"`
		} `json:"calls"`
	}
	if json.Unmarshal(payload, &p) != nil {
		return nil
	}
	out := make([]string, 0, len(p.Calls))
	for _, c := range p.Calls {
		if c.ClientID == nil {
			out = append(out, "")
			continue
		}
		out = append(out, *c.ClientID)
	}
	return out
}

// refreshClientIDs gives every call a new client-identifier, so that the
// payload is new to the server's checksum store.
func (st *scenario) refreshClientIDs() error {
	list, err := st.calls()
	if err != nil {
		return err
	}
	for _, c := range list {
		if o, ok := c.(*object); ok {
			o.set("client-identifier", st.s.ids.clientID("kc"))
		}
	}
	return nil
}

// publishedVector is fixtures/vectors/published-vector.json.
type publishedVector struct {
	PayloadJSON                  string `json:"payload_json"`
	PayloadB64                   string `json:"payload_b64"`
	AESKey                       string `json:"aes_key"`
	AESKeyB64                    string `json:"aes_key_b64"`
	RequestEncryptedValue        string `json:"requestEncryptedValue"`
	RequestDigitalSignatureValue string `json:"requestDigitalSignatureValue"`
	FlowID                       string `json:"flow-id"`
}

func loadVector(fsys fs.FS) (*publishedVector, error) {
	data, err := fs.ReadFile(fsys, vectorFile)
	if err != nil {
		return nil, fmt.Errorf("steps: published vector: %w", err)
	}
	var v publishedVector
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("steps: published vector %s: %w", vectorFile, err)
	}
	if v.PayloadB64 == "" || v.AESKey == "" || v.RequestEncryptedValue == "" {
		return nil, errors.New("steps: published vector: payload_b64, aes_key or requestEncryptedValue missing")
	}
	// The harness's own sealing must reproduce it, or every comparison
	// with a server would be meaningless.
	ct, err := envelope.EncryptECB(envelope.DeriveAESKey(v.AESKey), []byte(v.PayloadB64))
	if err != nil || encodeB64(ct) != v.RequestEncryptedValue {
		return nil, errors.New("steps: the envelope package does not reproduce the published requestEncryptedValue")
	}
	return &v, nil
}
