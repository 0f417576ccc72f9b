package certifytest

import (
	"bytes"
	"encoding/json"
	"strings"
)

// reserialise is the client that parses the payload file and writes it
// again: keys sorted (a map), 2-space indent, \u escapes decoded, as
// Jackson with ORDER_MAP_ENTRIES_BY_KEYS or Python's json.dumps(...,
// sort_keys=True, indent=2) do.
func reserialise(payload []byte, _ func(string) string) ([]byte, error) {
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// platformCharset is a JDK client that reads the payload file into a
// String with the platform's default charset and encodes it back the same
// way: under a C or POSIX locale that charset is ASCII, and every byte
// beyond ASCII becomes '?'. With no locale set at all it behaves as on a
// UTF-8 machine, so that the harness's own environment certifies it and
// only the run under LC_ALL=C shows the trap.
func platformCharset(payload []byte, getenv func(string) string) ([]byte, error) {
	if !posixLocale(getenv) {
		return payload, nil
	}
	out := bytes.Clone(payload)
	for i, c := range out {
		if c > 0x7f {
			out[i] = '?' // a JDK's ASCII decoder: one U+FFFD per byte, encoded back as '?'
		}
	}
	return out, nil
}

// posixLocale resolves the locale the way the C library does (LC_ALL, then
// LC_CTYPE, then LANG) and says whether it is C or POSIX.
func posixLocale(getenv func(string) string) bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(name); v != "" {
			v, _, _ = strings.Cut(v, "@")
			return v == "C" || v == "POSIX"
		}
	}
	return false
}
