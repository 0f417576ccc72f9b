package steps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// object is a JSON object that keeps its keys in order, so that a payload
// edited by a scenario still reads like the template it came from (and like
// Phonon's samples) in the evidence attached to the report.
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

func (o *object) get(key string) (any, bool) {
	v, ok := o.vals[key]
	return v, ok
}

func (o *object) set(key string, v any) {
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

func (o *object) del(key string) bool {
	if _, ok := o.vals[key]; !ok {
		return false
	}
	delete(o.vals, key)
	for i, k := range o.keys {
		if k == key {
			o.keys = append(o.keys[:i:i], o.keys[i+1:]...)
			break
		}
	}
	return true
}

// MarshalJSON writes the keys in order, two-space indented like the templates.
func (o *object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// clone deep-copies a decoded JSON value.
func clone(v any) any {
	switch t := v.(type) {
	case *object:
		c := newObject()
		for _, k := range t.keys {
			c.set(k, clone(t.vals[k]))
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = clone(e)
		}
		return c
	default:
		return v
	}
}

// decodeOrdered decodes one JSON value, objects as *object, numbers as
// json.Number, so that encoding it again loses nothing.
func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(kt.(string), v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil
	}
}

// pathParts splits a dotted path such as "calls.0.start-time".
func pathParts(path string) ([]string, error) {
	if path == "" {
		return nil, errors.New("empty path")
	}
	parts := strings.Split(path, ".")
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("path %q has an empty part", path)
		}
	}
	return parts, nil
}

// lookup returns the container holding the last part of path.
func lookup(root any, parts []string) (any, error) {
	cur := root
	for i, p := range parts {
		switch c := cur.(type) {
		case *object:
			v, ok := c.get(p)
			if !ok {
				return nil, fmt.Errorf("no %q in %s", p, strings.Join(parts[:i], "."))
			}
			cur = v
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(c) {
				return nil, fmt.Errorf("no element %q in %s (it has %d)", p, strings.Join(parts[:i], "."), len(c))
			}
			cur = c[n]
		default:
			return nil, fmt.Errorf("%s is not an object or a list", strings.Join(parts[:i], "."))
		}
	}
	return cur, nil
}

// setPath sets the value at path; the last part may be a new key.
func setPath(root any, path string, v any) error {
	parts, err := pathParts(path)
	if err != nil {
		return err
	}
	parent, err := lookup(root, parts[:len(parts)-1])
	if err != nil {
		return err
	}
	last := parts[len(parts)-1]
	switch c := parent.(type) {
	case *object:
		c.set(last, v)
		return nil
	case []any:
		n, err := strconv.Atoi(last)
		if err != nil || n < 0 || n >= len(c) {
			return fmt.Errorf("no element %q in the list (it has %d)", last, len(c))
		}
		c[n] = v
		return nil
	default:
		return fmt.Errorf("cannot set %q: its parent is not an object or a list", path)
	}
}

// deletePath removes the key at path.
func deletePath(root any, path string) error {
	parts, err := pathParts(path)
	if err != nil {
		return err
	}
	parent, err := lookup(root, parts[:len(parts)-1])
	if err != nil {
		return err
	}
	o, ok := parent.(*object)
	if !ok {
		return fmt.Errorf("cannot remove %q: its parent is not an object", path)
	}
	if !o.del(parts[len(parts)-1]) {
		return fmt.Errorf("cannot remove %q: there is no such field", path)
	}
	return nil
}

// parseLiteral turns a step's value phrase into a JSON value: "a string",
// 12, true, false, null, an empty list, an empty object.
func parseLiteral(s string) (any, error) {
	switch s {
	case "null":
		return nil, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "an empty list":
		return []any{}, nil
	case "an empty object":
		return newObject(), nil
	case "an empty string":
		return "", nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1], nil
	}
	if len(s) >= 2 && (s[0] == '[' || s[0] == '{') {
		v, err := decodeOrdered([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("%q is not JSON: %v", s, err)
		}
		return v, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return json.Number(s), nil
	}
	return nil, fmt.Errorf("%q is not a value a step understands (a \"string\", a number, true, false, null, an empty string, an empty list, an empty object, or JSON in [] or {})", s)
}
