package steps

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// TestAnswerJSONDecidedOnce: readAnswer decides once whether an answer is
// JSON, and every check that needs it (settle, responseOK, shed) judges
// as gjson.ValidBytes on the body would, including the bodies edged with
// white space that JSON does not allow but responseOK trims.
func TestAnswerJSONDecidedOnce(t *testing.T) {
	large := `{"api-response-code": 400, "padding": "` + strings.Repeat("x", shedAbove) + `"}`
	for _, tc := range []struct {
		name, body string
		object     bool // responseOK accepts it as a JSON object
	}{
		{"object", `{"api-response-code": 400}`, true},
		{"JSON white space around it", " \r\n\t{\"api-response-code\": 400}\n", true},
		{"other white space around it", "\f\v{\"api-response-code\": 400}\u00a0\u2028", true},
		{"an array", `[1]`, false},
		{"not JSON", `{"api-response-code": 400`, false},
		{"other white space inside", "{\"api-response-code\":\f400}", false},
		{"empty", ``, false},
		{"large object", large, true},
		{"large, not JSON", large + `x`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := &exchange{status: 200, header: http.Header{"Content-Type": {"application/json"}}}
			readAnswer(x, &http.Response{Body: io.NopCloser(strings.NewReader(tc.body)), ContentLength: int64(len(tc.body))})
			if x.err != nil || !x.jsonKnown || x.json != gjson.Valid(tc.body) || x.isJSON() != gjson.Valid(tc.body) {
				t.Fatalf("read: err %v, decided %v, json %v; gjson says %v", x.err, x.jsonKnown, x.json, gjson.Valid(tc.body))
			}
			var v verdict
			if got := (&scenario{}).responseOK(x, &v); got != tc.object {
				t.Errorf("responseOK %v, want %v (%v)", got, tc.object, v)
			}
			shed(x)
			if x.isJSON() != gjson.ValidBytes(x.body) {
				t.Errorf("after shedding (from %d bytes): isJSON %v, the body kept is %.80q", x.shedFrom, x.isJSON(), x.body)
			}
			if len(tc.body) > shedAbove && (x.shedFrom == 0 || bytes.Equal(x.body, []byte(tc.body))) {
				t.Errorf("a large answer was not shed")
			}
		})
	}
}
