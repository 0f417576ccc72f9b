package strictjson_test

import (
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/strictjson"
)

// nestedObjects returns objects nested `depth` levels deep: depth 1 is {}.
func nestedObjects(depth int) string {
	return strings.Repeat(`{"k":`, depth-1) + "{}" + strings.Repeat("}", depth-1)
}

// nestedArrays returns an object holding arrays, `depth` levels in all.
func nestedArrays(depth int) string {
	return `{"k":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + "}"
}

func TestCheckObjectAccepts(t *testing.T) {
	valid := []string{
		`{}`,
		" \n\t{ } \n",
		`{"api-version":"1.0","calls":[{"contact-numbers":["7016225597"],"keys":[]}]}`,
		`{"a":1,"b":-2.5e10,"c":true,"d":false,"e":null,"f":"\u00e9\n","g":[],"h":{}}`,
		`{"a":{"x":1},"b":{"x":2}}`,              // the same key in sibling objects
		`{"a":[{"x":1},{"x":2}]}`,                // and in array elements
		`{"x":{"x":{"x":1}}}`,                    // and at each depth
		`{"name":"Aśha ☎ 😀"}`,                    // multi-byte UTF-8
		`{"big":123456789012345678901234567890}`, // beyond float64 precision
		`{"a":"b","A":"c"}`,                      // keys are case-sensitive
		nestedObjects(strictjson.MaxDepth),       // exactly the limit
		nestedArrays(strictjson.MaxDepth),        // arrays count too
	}
	for _, data := range valid {
		if err := strictjson.CheckObject([]byte(data)); err != nil {
			t.Errorf("CheckObject(%.60q): Expected success, Actual %v", data, err)
		}
	}
}

func TestCheckObjectRefuses(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", ``, "invalid JSON"},
		{"whitespace only", " \n", "invalid JSON"},
		{"array", `[{"a":1}]`, "not an object (starts with [)"},
		{"string", `"{}"`, "not an object (starts with a string)"},
		{"number", `42`, "not an object"},
		{"null", `null`, "not an object (starts with null)"},
		{"duplicate key", `{"a":1,"a":2}`, `duplicate JSON key "a"`},
		{"duplicate key, same value", `{"a":1,"a":1}`, `duplicate JSON key "a"`},
		{"duplicate key spelled with an escape", `{"a":1,"\u0061":2}`, `duplicate JSON key "a"`},
		{"duplicate key nested in an object", `{"x":{"a":1,"b":2,"a":3}}`, `duplicate JSON key "a"`},
		{"duplicate key nested in an array", `{"calls":[{"ok":1},{"start-time":"x","start-time":"y"}]}`, `duplicate JSON key "start-time"`},
		{"duplicate key deep", `{"a":[[{"b":{"c":1,"c":2}}]]}`, `duplicate JSON key "c"`},
		{"trailing object", `{} {}`, "trailing data"},
		{"trailing garbage", `{}x`, "trailing data"},
		{"trailing comma-separated value", `{"a":1},`, "trailing data"},
		{"trailing NUL", "{}\x00", "trailing data"},
		{"invalid UTF-8 in a string", "{\"a\":\"\xff\"}", "UTF-8"},
		{"invalid UTF-8 in a key", "{\"\xc3\x28\":1}", "UTF-8"},
		{"invalid UTF-8 after the object", "{}\xff", "UTF-8"},
		{"surrogate half as raw bytes", "{\"a\":\"\xed\xa0\x80\"}", "UTF-8"},
		{"unterminated", `{"a":1`, "invalid JSON"},
		{"trailing comma in object", `{"a":1,}`, "invalid JSON"},
		{"trailing comma in array", `{"a":[1,]}`, "invalid JSON"},
		{"missing colon", `{"a" 1}`, "invalid JSON"},
		{"missing comma", `{"a":1 "b":2}`, "invalid JSON"},
		{"unquoted key", `{a:1}`, "invalid JSON"},
		{"single quotes", `{'a':1}`, "invalid JSON"},
		{"leading zero", `{"a":01}`, "invalid JSON"},
		{"NaN", `{"a":NaN}`, "invalid JSON"},
		{"bad escape", `{"a":"\x"}`, "invalid JSON"},
		{"control character in a string", "{\"a\":\"\n\"}", "invalid JSON"},
		{"comment", `{"a":1 /* c */}`, "invalid JSON"},
		{"too deep (objects)", nestedObjects(strictjson.MaxDepth + 1), "nested deeper than 64"},
		{"too deep (arrays)", nestedArrays(strictjson.MaxDepth + 1), "nested deeper than 64"},
		{"far too deep", `{"a":` + strings.Repeat("[", 100000), "nested deeper than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := strictjson.CheckObject([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("CheckObject(%.60q): Expected an error containing %q, Actual %v", tt.data, tt.want, err)
			}
		})
	}
}

func TestUnmarshal(t *testing.T) {
	var got struct {
		FlowID string `json:"flow-id"`
		Calls  []struct {
			Numbers []string `json:"contact-numbers"`
		} `json:"calls"`
	}
	if err := strictjson.Unmarshal([]byte(`{"flow-id":"ZH0RKJvh","calls":[{"contact-numbers":["7016225597"]}]}`), &got); err != nil {
		t.Fatal(err)
	}
	if got.FlowID != "ZH0RKJvh" || len(got.Calls) != 1 || len(got.Calls[0].Numbers) != 1 || got.Calls[0].Numbers[0] != "7016225597" {
		t.Errorf("Unmarshal: Actual %+v", got)
	}
	// encoding/json alone would keep the last "flow-id"; strictjson refuses.
	var dup struct {
		FlowID string `json:"flow-id"`
	}
	err := strictjson.Unmarshal([]byte(`{"flow-id":"ZH0RKJvh","flow-id":"other123"}`), &dup)
	if err == nil || dup.FlowID != "" {
		t.Errorf("duplicate key: Expected an error and nothing decoded, Actual %v, %+v", err, dup)
	}
	// A type mismatch is still encoding/json's to report.
	if err := strictjson.Unmarshal([]byte(`{"flow-id":1}`), &dup); err == nil {
		t.Error("type mismatch: Expected an error, Actual none")
	}
}
