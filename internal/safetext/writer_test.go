package safetext

import (
	"bytes"
	"testing"
)

func TestWriterKeepsSplitSequencesWhole(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	in := []byte("café ☕ 日本 \xff \x1b[2J end \xe2\x98")
	for i := range in {
		w.Write(in[i : i+1]) // one byte at a time: every sequence is split
	}
	w.Flush()
	want := `café ☕ 日本 \xFF \u001B[2J end \xE2\x98`
	if out.String() != want {
		t.Errorf("got  %q\nwant %q", out.String(), want)
	}
}
