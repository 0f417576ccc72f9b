package bounded

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/tidwall/gjson"
)

const testLimit = 1 << 20

func TestReadBody(t *testing.T) {
	body := []byte(`{"api-response-code": 200}`)
	got, err := ReadBody(bytes.NewReader(body), int64(len(body)), testLimit)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("ReadBody = %q, %v", got, err)
	}
	got, err = ReadBody(iotest.OneByteReader(bytes.NewReader(body)), -1, testLimit)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("ReadBody without Content-Length = %q, %v", got, err)
	}
	exact := bytes.Repeat([]byte("x"), testLimit)
	if got, err := ReadBody(bytes.NewReader(exact), -1, testLimit); err != nil || len(got) != testLimit {
		t.Fatalf("a body of exactly the limit: %d bytes, %v", len(got), err)
	}
}

func TestReadBodyOverTheLimit(t *testing.T) {
	// A declared size over the limit is refused before reading anything.
	r := &countingReader{r: strings.NewReader("never read")}
	_, err := ReadBody(r, 64<<20, testLimit)
	var tooLarge *TooLargeError
	if !errors.As(err, &tooLarge) || r.n != 0 {
		t.Fatalf("declared 64 MiB: err %v, %d bytes read", err, r.n)
	}
	if want := "Content-Length 67108864) is larger than the harness's limit of 1 MiB (1048576 bytes)"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	// Without a Content-Length, reading stops one byte past the limit.
	r = &countingReader{r: io.LimitReader(zeros{}, 64<<20)}
	got, err := ReadBody(r, -1, testLimit)
	if !errors.As(err, &tooLarge) || len(got) != testLimit || r.n > testLimit+1 {
		t.Fatalf("streamed 64 MiB: err %v, kept %d bytes, read %d", err, len(got), r.n)
	}
	if want := "larger than the harness's limit of 1 MiB (1048576 bytes)"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

func TestReadBodyShort(t *testing.T) {
	r := io.MultiReader(strings.NewReader("0123456789"), iotest.ErrReader(io.ErrUnexpectedEOF))
	got, err := ReadBody(r, 1000, testLimit)
	var short *ShortBodyError
	if !errors.As(err, &short) || string(got) != "0123456789" {
		t.Fatalf("ReadBody = %q, %v", got, err)
	}
	if want := "ended after 10 of the 1000 bytes its Content-Length announced"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("the short body error does not wrap io.ErrUnexpectedEOF")
	}
}

// TestReadBodyMemory checks that reading a body far over the limit
// allocates a few times the limit (the buffer doubles up to it: about
// three times the limit in all), not the body.
func TestReadBodyMemory(t *testing.T) {
	allocs := allocatedBytes(func() { ReadBody(io.LimitReader(zeros{}, 64<<20), -1, testLimit) })
	if allocs > 4*testLimit {
		t.Errorf("reading a 64 MiB body allocated %d bytes; want at most %d", allocs, 4*testLimit)
	}
}

func TestCheckDepth(t *testing.T) {
	for _, tc := range []struct {
		json  string
		limit int
		ok    bool
	}{
		{`{"a": [1, {"b": 2}]}`, 3, true},
		{`{"a": [1, {"b": 2}]}`, 2, false},
		{`{"a": "[[[[[[[[[[[[["}`, 1, true},     // brackets in a string do not count
		{`{"a": "\"[[[[", "b": [1]}`, 2, true},  // nor after an escaped quote
		{`{"a": "\\", "b": [[[1]]]}`, 3, false}, // an escaped backslash ends the escape
		{`]]]]]]{}`, 1, true},                   // stray closers do not go negative
		{`not json at all`, 1, true},
	} {
		err := CheckDepth([]byte(tc.json), tc.limit)
		if (err == nil) != tc.ok {
			t.Errorf("CheckDepth(%s, %d) = %v, want ok %v", tc.json, tc.limit, err, tc.ok)
		}
	}
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	err := CheckDepth([]byte(deep), 64)
	var tooDeep *TooDeepError
	if !errors.As(err, &tooDeep) || tooDeep.Offset != 64 {
		t.Fatalf("100,000 levels: %v", err)
	}
	if want := "nests deeper than the harness's limit of 64 levels"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// TestCheckDepthAgreesWithParsers checks that JSON within the limit parses
// with gjson and encoding/json, so the check is not stricter than needed.
func TestCheckDepthAgreesWithParsers(t *testing.T) {
	doc := []byte(strings.Repeat(`{"a":[`, 32) + `1` + strings.Repeat(`]}`, 32))
	if err := CheckDepth(doc, 64); err != nil {
		t.Fatal(err)
	}
	if !gjson.ValidBytes(doc) || !json.Valid(doc) {
		t.Fatal("the parsers reject a document the check accepts")
	}
}

func BenchmarkCheckDepth(b *testing.B) {
	body := bytes.Repeat([]byte(`{"call-details":[{"client-identifier":"x","phonon-uuid":"y"}]},`), 16<<10)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		CheckDepth(body, 64)
	}
}

func BenchmarkReadBodyOverLimit(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ReadBody(io.LimitReader(zeros{}, 64<<20), -1, testLimit)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestCheckDepthAgreesWithAByteByByteScan: on random text of brackets,
// quotes, backslashes and filler, CheckDepth decides as a scan that walks
// every byte with an in-string and an escape state, at the same offset.
func TestCheckDepthAgreesWithAByteByByteScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = `[]{}"\\\a0, `
	for range 50000 {
		doc := make([]byte, rng.IntN(48))
		for i := range doc {
			doc[i] = alphabet[rng.IntN(len(alphabet))]
		}
		limit := 1 + rng.IntN(4)
		got, want := CheckDepth(doc, limit), checkDepthEveryByte(doc, limit)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("CheckDepth(%q, %d) = %v, a byte-by-byte scan says %v", doc, limit, got, want)
		}
	}
}

// checkDepthEveryByte is CheckDepth as a state machine over every byte.
func checkDepthEveryByte(data []byte, limit int) error {
	depth, inString, escaped := 0, false, false
	for i, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > limit {
				return &TooDeepError{Limit: limit, Offset: i}
			}
		case c == ']' || c == '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// BenchmarkCheckDepthNumbers scans an answer like hostiletest's large-json
// one: a MiB of a number array, no strings.
func BenchmarkCheckDepthNumbers(b *testing.B) {
	body := []byte(`{"api-response-code": 400, "padding": [` + strings.Repeat("0,", 512<<10) + `0]}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		CheckDepth(body, 64)
	}
}
