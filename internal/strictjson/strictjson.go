// Package strictjson checks that bytes are exactly one JSON object, the way
// the Kairos reference server reads request bodies (spec sections 2-3):
// invalid UTF-8, duplicate object keys (at any depth) and trailing data are
// refused, where encoding/json would accept or silently pick one.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// MaxDepth bounds nesting so a hostile body cannot exhaust the stack.
const MaxDepth = 64

// CheckObject returns nil if data is a single, strictly valid JSON object.
func CheckObject(data []byte) error {
	if !utf8.Valid(data) {
		return errors.New("JSON is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("JSON is not an object (starts with %v)", describe(tok))
	}
	if err := checkObject(dec, 1); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// Unmarshal checks data with CheckObject and then decodes it into v.
func Unmarshal(data []byte, v any) error {
	if err := CheckObject(data); err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

func checkObject(dec *json.Decoder, depth int) error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("invalid JSON: %w", err)
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("invalid JSON: object key %v", describe(tok))
		}
		if seen[key] {
			return fmt.Errorf("duplicate JSON key %q", key)
		}
		seen[key] = true
		if err := checkValue(dec, depth); err != nil {
			return err
		}
	}
	return closing(dec)
}

func checkValue(dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth >= MaxDepth {
		return fmt.Errorf("JSON nested deeper than %d", MaxDepth)
	}
	if delim == '{' {
		return checkObject(dec, depth+1)
	}
	for dec.More() {
		if err := checkValue(dec, depth+1); err != nil {
			return err
		}
	}
	return closing(dec)
}

func closing(dec *json.Decoder) error {
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	return nil
}

func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return string(t)
	case string:
		return "a string"
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%T", t)
	}
}
