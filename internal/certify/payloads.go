package certify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// PublishedVectorPayload is the payload of Phonon's published sample
// (fixtures/vectors/published-vector.json, payload_json), byte for byte: its
// indentation and newlines are part of what a client must seal unchanged.
const PublishedVectorPayload = "{\n  \"api-version\": \"1.0\",\n  \"security-id\": \"5c45a01919eab5c4b0ce5484daf8105bc2bbb7bd0e958cb122864c67ac249322\",\n  \"flow-id\": \"ZH0RKJvh\",\n  \"calls\": [\n    {\n      \"client-identifier\": \"7845sdwq\",\n      \"start-time\": \"2022-01-23T08:02:53.311+05:30\",\n      \"contact-numbers\": [\n        \"7016225597\"\n      ],\n      \"keys\": []\n    }\n  ]\n}"

// FlowVar is one of a call's flow variables (spec section 2).
type FlowVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// UnicodeVars are flow variables beyond ASCII: Devanagari, Tamil, CJK,
// emoji with a skin-tone modifier, combining accents, and the characters
// JSON must escape.
func UnicodeVars() []FlowVar {
	return []FlowVar{
		{"$flow.key.Name", "आशा"},
		{"$flow.key.City", "சென்னை"},
		{"$flow.key.Note", "日本語のメモ"},
		{"$flow.key.Emoji", "🙂👍🏽"},
		{"$flow.key.Accents", "Zoë Ångström, Zoe\u0308"},
		{"$flow.key.Escapes", "quote \" backslash \\ slash / tab \t newline \n"},
	}
}

// PayloadSpec describes a payload for a flow (spec section 2).
type PayloadSpec struct {
	APIVersion string // "1.0" or "TEST"
	SecurityID string
	FlowID     string
	Calls      int
	Phone      string    // dialled by every call
	Vars       []FlowVar // the same variables on every call
	IDPrefix   string    // client-identifiers are IDPrefix-0001, ...
	Start      time.Time // every call's start-time
}

type payloadCall struct {
	ClientIdentifier string    `json:"client-identifier"`
	StartTime        string    `json:"start-time"`
	ContactNumbers   []string  `json:"contact-numbers"`
	Keys             []FlowVar `json:"keys"`
}

type payloadJSON struct {
	APIVersion string        `json:"api-version"`
	SecurityID string        `json:"security-id"`
	FlowID     string        `json:"flow-id"`
	Calls      []payloadCall `json:"calls"`
}

// Build renders the payload as compact UTF-8 JSON (non-ASCII unescaped).
func (p PayloadSpec) Build() []byte {
	body := payloadJSON{APIVersion: p.APIVersion, SecurityID: p.SecurityID, FlowID: p.FlowID}
	vars := p.Vars
	if vars == nil {
		vars = []FlowVar{}
	}
	for i := 1; i <= p.Calls; i++ {
		body.Calls = append(body.Calls, payloadCall{
			ClientIdentifier: fmt.Sprintf("%s-%04d", p.IDPrefix, i),
			StartTime:        p.Start.Format("2006-01-02T15:04:05-07:00"),
			ContactNumbers:   []string{p.Phone},
			Keys:             vars,
		})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		panic(err) // strings and ints only: cannot fail
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// ist is India Standard Time, the offset of the spec's samples.
var ist = time.FixedZone("IST", 5*3600+1800)

// TomorrowMorning is 10:00 IST on the day after now: a start-time no
// server refuses as past.
func TomorrowMorning(now time.Time) time.Time {
	d := now.In(ist).AddDate(0, 0, 1)
	return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, ist)
}

// ClientIDs returns the client-identifiers of a payload's calls, in order,
// or nil if it has none that parse.
func ClientIDs(payload []byte) []string {
	var p struct {
		Calls []struct {
			ID string `json:"client-identifier"`
		} `json:"calls"`
	}
	if json.Unmarshal(payload, &p) != nil {
		return nil
	}
	var ids []string
	for _, c := range p.Calls {
		ids = append(ids, c.ID)
	}
	return ids
}
