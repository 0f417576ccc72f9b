package certify

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// How a re-serialised payload differs from the file: the JSON text is read
// as tokens with the whitespace before each, the two token trees are walked
// side by side, and what changed is named the way a vendor would recognise
// it ("keys sorted", "re-indented with 2 spaces", "\u escapes decoded").

// jsonToken is one token of a JSON text as written, with the whitespace
// before it.
type jsonToken struct {
	space, raw string
}

// jsonTokens splits a valid JSON text into tokens; trailing is the
// whitespace after the last one.
func jsonTokens(text []byte) (tokens []jsonToken, trailing string) {
	s := string(text)
	for i := 0; ; {
		start := i
		for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
			i++
		}
		if i == len(s) {
			return tokens, s[start:]
		}
		tokStart := i
		switch c := s[i]; {
		case strings.IndexByte("{}[]:,", c) >= 0:
			i++
		case c == '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			i = min(i+1, len(s))
		default:
			for i < len(s) && strings.IndexByte(" \t\r\n{}[]:,\"", s[i]) < 0 {
				i++
			}
		}
		tokens = append(tokens, jsonToken{space: s[start:tokStart], raw: s[tokStart:i]})
	}
}

// jsonNode is a value of the token tree.
type jsonNode struct {
	kind    byte     // '{', '[', '"' or 0 for numbers and literals
	raw     string   // a scalar as written
	rawKeys []string // an object's keys as written
	keys    []string // and decoded
	kids    []*jsonNode
}

// parseTokens builds the tree of a valid JSON text's tokens.
func parseTokens(tokens []jsonToken) (*jsonNode, error) {
	p := &tokenParser{tokens: tokens}
	n, err := p.value()
	if err == nil && p.i != len(tokens) {
		err = fmt.Errorf("trailing tokens")
	}
	return n, err
}

type tokenParser struct {
	tokens []jsonToken
	i      int
}

func (p *tokenParser) next() (string, error) {
	if p.i >= len(p.tokens) {
		return "", fmt.Errorf("unexpected end")
	}
	p.i++
	return p.tokens[p.i-1].raw, nil
}

func (p *tokenParser) value() (*jsonNode, error) {
	tok, err := p.next()
	if err != nil {
		return nil, err
	}
	switch tok {
	case "{", "[":
		n := &jsonNode{kind: tok[0]}
		end := map[string]string{"{": "}", "[": "]"}[tok]
		if p.i < len(p.tokens) && p.tokens[p.i].raw == end {
			p.i++
			return n, nil
		}
		for {
			if n.kind == '{' {
				key, err := p.next()
				if err != nil {
					return nil, err
				}
				var decoded string
				if err := json.Unmarshal([]byte(key), &decoded); err != nil {
					return nil, err
				}
				n.rawKeys, n.keys = append(n.rawKeys, key), append(n.keys, decoded)
				if colon, err := p.next(); err != nil || colon != ":" {
					return nil, errors.New("want a colon")
				}
			}
			kid, err := p.value()
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, kid)
			sep, err := p.next()
			if err != nil {
				return nil, err
			}
			if sep == end {
				return n, nil
			}
			if sep != "," {
				return nil, fmt.Errorf("want , or %s", end)
			}
		}
	}
	if strings.HasPrefix(tok, `"`) {
		return &jsonNode{kind: '"', raw: tok}, nil
	}
	return &jsonNode{raw: tok}, nil
}

// treeChanges is what walking two JSON-equal trees side by side found.
type treeChanges struct {
	reordered    bool
	fileUnsorted bool // some object of the file has its keys out of order
	sealedSorted bool // every object of the sealed payload has sorted keys
	escapes      []string
	numbers      []string
}

func (c *treeChanges) walk(file, sealed *jsonNode) {
	switch file.kind {
	case '{':
		if !slices.IsSorted(file.keys) {
			c.fileUnsorted = true
		}
		if !slices.IsSorted(sealed.keys) {
			c.sealedSorted = false
		}
		for i, key := range file.keys {
			j := slices.Index(sealed.keys, key)
			if j < 0 {
				continue // not JSON-equal after all; the caller checked
			}
			if i != j {
				c.reordered = true
			}
			c.escape(file.rawKeys[i], sealed.rawKeys[j])
			c.walk(file.kids[i], sealed.kids[j])
		}
	case '[':
		for i := range min(len(file.kids), len(sealed.kids)) {
			c.walk(file.kids[i], sealed.kids[i])
		}
	case '"':
		c.escape(file.raw, sealed.raw)
	default:
		if file.raw != sealed.raw && len(c.numbers) == 0 {
			c.numbers = append(c.numbers, fmt.Sprintf("numbers rewritten: the file's %s was sealed as %s", file.raw, sealed.raw))
		}
	}
}

// escape names how one string token was re-escaped, once per kind.
func (c *treeChanges) escape(file, sealed string) {
	if file == sealed {
		return
	}
	example := fmt.Sprintf("the file's %s was sealed as %s", clip(file), clip(sealed))
	var kind string
	switch fileEscapes, sealedEscapes := nonASCIIEscapes(file), nonASCIIEscapes(sealed); {
	case fileEscapes > sealedEscapes:
		kind = `\u escapes decoded to the characters they stand for`
	case fileEscapes < sealedEscapes:
		kind = `non-ASCII characters escaped as \uXXXX`
	case strings.Contains(file, `\/`) && !strings.Contains(sealed, `\/`):
		kind = `\/ written as /`
	case !strings.Contains(file, `\/`) && strings.Contains(sealed, `\/`):
		kind = `/ escaped as \/`
	case strings.Contains(sealed, `\u003c`) || strings.Contains(sealed, `\u003e`) || strings.Contains(sealed, `\u0026`):
		kind = `<, > or & escaped as \u003c, \u003e, \u0026 (HTML-safe escaping)`
	default:
		kind = "string escapes rewritten"
	}
	for _, e := range c.escapes {
		if strings.HasPrefix(e, kind+" (") {
			return
		}
	}
	c.escapes = append(c.escapes, kind+" ("+example+")")
}

// nonASCIIEscapes counts the \uXXXX escapes of characters beyond ASCII
// in a string token.
func nonASCIIEscapes(raw string) int {
	n := 0
	for i := 0; i+6 <= len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] == 'u' && (raw[i+2:i+4] != "00" || raw[i+4] >= '8') {
			n++
		}
		i++ // the escaped character
	}
	return n
}

func clip(s string) string {
	const n = 40
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// reserialisation lists what was done to a payload whose sealed bytes are
// the same JSON value as the file's but not the same bytes.
func reserialisation(file, sealed []byte) []string {
	fileTokens, fileTrailing := jsonTokens(file)
	sealedTokens, sealedTrailing := jsonTokens(sealed)
	fileTree, err1 := parseTokens(fileTokens)
	sealedTree, err2 := parseTokens(sealedTokens)
	if err1 != nil || err2 != nil {
		return nil
	}
	c := &treeChanges{sealedSorted: true}
	c.walk(fileTree, sealedTree)
	var out []string
	switch {
	case c.reordered && c.sealedSorted && c.fileUnsorted:
		out = append(out, "keys sorted (the file's key order was not kept)")
	case c.reordered:
		out = append(out, "keys reordered (the file's key order was not kept)")
	}
	fileLayout, sealedLayout := layoutOf(fileTokens), layoutOf(sealedTokens)
	switch {
	case fileLayout != sealedLayout:
		verb := "re-indented"
		switch {
		case !strings.HasPrefix(sealedLayout, "indented") && strings.HasPrefix(fileLayout, "indented"):
			verb = "whitespace removed"
		case !strings.HasPrefix(sealedLayout, "indented"):
			verb = "re-spaced"
		}
		out = append(out, fmt.Sprintf("%s (the file is %s, the sealed payload is %s)", verb, fileLayout, sealedLayout))
	case !c.reordered && len(fileTokens) == len(sealedTokens):
		for i := range fileTokens {
			if i > 0 && fileTokens[i].space != sealedTokens[i].space {
				out = append(out, "whitespace between tokens changed")
				break
			}
		}
	}
	if len(fileTokens) > 0 && len(sealedTokens) > 0 && fileTokens[0].space != sealedTokens[0].space {
		out = append(out, fmt.Sprintf("leading whitespace changed from %q to %q", fileTokens[0].space, sealedTokens[0].space))
	}
	switch {
	case fileTrailing == sealedTrailing:
	case sealedTrailing == "":
		out = append(out, fmt.Sprintf("the file's trailing %s dropped", whitespaceName(fileTrailing)))
	case fileTrailing == "":
		out = append(out, fmt.Sprintf("a trailing %s added", whitespaceName(sealedTrailing)))
	default:
		out = append(out, fmt.Sprintf("the trailing %s became %s", whitespaceName(fileTrailing), whitespaceName(sealedTrailing)))
	}
	out = append(out, c.escapes...)
	return append(out, c.numbers...)
}

func whitespaceName(s string) string {
	switch s {
	case "\n":
		return "newline"
	case "\r\n":
		return "CRLF"
	}
	return fmt.Sprintf("whitespace %q", s)
}

// layoutOf describes how a JSON text is laid out: "compact with no
// whitespace", "indented with 2 spaces and LF line endings", ...
func layoutOf(tokens []jsonToken) string {
	var newline, indent string
	colonSpace, commaSpace := false, false
	for i := 1; i < len(tokens); i++ {
		sp := tokens[i].space
		if j := strings.LastIndexByte(sp, '\n'); j >= 0 {
			if newline == "" {
				newline, indent = "LF", sp[j+1:]
				if strings.HasSuffix(sp[:j], "\r") {
					newline = "CRLF"
				}
			}
			continue
		}
		if sp != "" && tokens[i-1].raw == ":" {
			colonSpace = true
		}
		if sp != "" && tokens[i-1].raw == "," {
			commaSpace = true
		}
	}
	if newline != "" {
		if indent == "" {
			return fmt.Sprintf("broken into lines with no indentation and %s line endings", newline)
		}
		unit := fmt.Sprintf("%q", indent)
		switch {
		case strings.Trim(indent, " ") == "":
			unit = fmt.Sprintf("%d spaces", len(indent))
		case strings.Trim(indent, "\t") == "":
			unit = "tabs"
		}
		return fmt.Sprintf("indented with %s and %s line endings", unit, newline)
	}
	switch {
	case colonSpace && commaSpace:
		return "on one line with a space after each colon and comma"
	case colonSpace:
		return "on one line with a space after each colon"
	case commaSpace:
		return "on one line with a space after each comma"
	}
	return "compact with no whitespace"
}
