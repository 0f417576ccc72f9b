package safetext

import (
	"io"
	"sync"
	"unicode/utf8"
)

// Writer cleans what it writes (see Clean), keeping a UTF-8 sequence split
// across writes whole. It is safe for concurrent use.
type Writer struct {
	mu      sync.Mutex
	w       io.Writer
	pending []byte // the start of a UTF-8 sequence the next write may finish
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

func (sw *Writer) Write(p []byte) (int, error) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	data := append(sw.pending, p...)
	sw.pending = nil
	if cut := incompleteTail(data); cut < len(data) {
		sw.pending = append([]byte(nil), data[cut:]...)
		data = data[:cut]
	}
	if len(data) == 0 {
		return len(p), nil
	}
	if _, err := io.WriteString(sw.w, Bytes(data)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes out a sequence left unfinished (escaped, as it is invalid).
func (sw *Writer) Flush() error {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if len(sw.pending) == 0 {
		return nil
	}
	_, err := io.WriteString(sw.w, Bytes(sw.pending))
	sw.pending = nil
	return err
}

// incompleteTail is where a trailing, possibly unfinished UTF-8 sequence
// starts in p (len(p) if there is none).
func incompleteTail(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		c := p[i]
		if c < 0x80 {
			return len(p) // ASCII: nothing pending
		}
		if c >= 0xC0 { // a leading byte: is its sequence complete?
			if !utf8.FullRune(p[i:]) {
				return i
			}
			return len(p)
		}
	}
	return len(p)
}
