// Package bounded reads what a target sends within fixed limits, so that a
// hostile or broken server cannot make the harness hold more than a known
// amount of memory or recurse without end.
//
// ReadBody reads at most a limit of bytes and never holds more; CheckDepth
// scans JSON for its nesting depth without recursion, before anything that
// recurses (gjson, encoding/json, json.Indent's callers) sees it.
package bounded

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// TooLargeError is a body over the limit.
type TooLargeError struct {
	Limit int64
	// Declared is the Content-Length the server announced (-1: none).
	Declared int64
}

func (e *TooLargeError) Error() string {
	if e.Declared > e.Limit {
		return fmt.Sprintf("the response body (Content-Length %d) is larger than the harness's limit of %s: not read", e.Declared, Size(e.Limit))
	}
	return fmt.Sprintf("the response body is larger than the harness's limit of %s: reading stopped there", Size(e.Limit))
}

// ShortBodyError is a body that ended before its Content-Length.
type ShortBodyError struct {
	Got, Declared int64
	Err           error
}

func (e *ShortBodyError) Error() string {
	return fmt.Sprintf("the response body ended after %d of the %d bytes its Content-Length announced (%v)", e.Got, e.Declared, e.Err)
}

func (e *ShortBodyError) Unwrap() error { return e.Err }

// ReadBody reads r to its end, at most limit bytes. declared is the
// Content-Length (-1 when unknown): over the limit, nothing is read; short
// of it, the error says how short. On an error, the bytes read so far are
// returned with it.
func ReadBody(r io.Reader, declared, limit int64) ([]byte, error) {
	if declared > limit {
		return nil, &TooLargeError{Limit: limit, Declared: declared}
	}
	buf, err := readAtMost(r, declared, limit+1)
	n := int64(len(buf))
	if err != nil {
		if declared >= 0 && n < declared && errors.Is(err, io.ErrUnexpectedEOF) {
			return buf, &ShortBodyError{Got: n, Declared: declared, Err: err}
		}
		return buf, err
	}
	if n > limit {
		return buf[:limit], &TooLargeError{Limit: limit, Declared: declared}
	}
	return buf, nil
}

// readAtMost reads until EOF or max bytes, growing its buffer by doubling
// but never past max, so it never holds more than max bytes of capacity.
func readAtMost(r io.Reader, declared, max int64) ([]byte, error) {
	size := int64(512)
	if declared >= 0 {
		size = declared + 1 // +1 to see EOF without growing
	}
	buf := make([]byte, 0, min(size, max))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) >= max {
				return buf, nil
			}
			grown := make([]byte, len(buf), min(int64(cap(buf))*2, max))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// TooDeepError is JSON nested deeper than the limit.
type TooDeepError struct {
	Limit  int
	Offset int // of the bracket that went over it
}

func (e *TooDeepError) Error() string {
	return fmt.Sprintf("the JSON nests deeper than the harness's limit of %d levels (at byte %d): not parsed", e.Limit, e.Offset)
}

// CheckDepth returns a *TooDeepError if data, read as JSON, opens more than
// limit arrays and objects inside one another; brackets inside strings do
// not count. It does not validate the JSON: it makes parsing it safe.
//
// Outside strings it looks only at the five bytes that can change the
// depth or open a string; a string is skipped to its closing quote, the
// first one after an even run of backslashes (a hostile answer is up to a
// MiB of them, scanned once per answer).
func CheckDepth(data []byte, limit int) error {
	depth := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !structural[c] {
			continue
		}
		switch c {
		case '"':
			end := stringEnd(data, i)
			if end < 0 {
				return nil // an unterminated string: nothing after it counts
			}
			i = end
		case '[', '{':
			depth++
			if depth > limit {
				return &TooDeepError{Limit: limit, Offset: i}
			}
		default: // ']', '}'
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// structural marks the bytes CheckDepth acts on outside strings.
var structural = [256]bool{'"': true, '[': true, '{': true, ']': true, '}': true}

// stringEnd is the offset of the quote that closes the string opened by
// the quote at data[open], or -1 if none does: a quote preceded by an odd
// run of backslashes is escaped.
func stringEnd(data []byte, open int) int {
	for from := open + 1; ; {
		k := bytes.IndexByte(data[from:], '"')
		if k < 0 {
			return -1
		}
		q := from + k
		backslashes := 0
		for p := q - 1; p > open && data[p] == '\\'; p-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return q
		}
		from = q + 1
	}
}

// Size is a byte count for people: "1 MiB (1048576 bytes)".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB (%d bytes)", n>>20, n)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB (%d bytes)", n>>10, n)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
