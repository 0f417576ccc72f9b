package refserver

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Positions in the world file, so that errors name a line and a flow.

// yaml's decoding errors read "line 12: field dis not found in type
// refserver.flowFile"; the type name means nothing to a person.
var (
	yamlLinePattern = regexp.MustCompile(`^line (\d+): (.*)$`)
	yamlTypePattern = regexp.MustCompile(` in type refserver\.\w+`)
)

// decodeError rewrites yaml's "line 12: field dis not found in type
// refserver.flowFile" so that it names the flow the line belongs to.
func (p *worldParser) decodeError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		return fmt.Errorf("world %s: %w", p.path, err)
	}
	var msgs []string
	for _, e := range te.Errors {
		m := yamlLinePattern.FindStringSubmatch(e)
		if m == nil {
			msgs = append(msgs, fmt.Sprintf("world %s: %s", p.path, e))
			continue
		}
		line, _ := strconv.Atoi(m[1])
		text := yamlTypePattern.ReplaceAllString(m[2], "")
		where, field := p.ownerAtLine(line)
		if field != "" && !strings.HasPrefix(text, "field ") {
			text = "field " + field + ": " + text
		}
		if where != "" {
			where = " " + where + ":"
		}
		msgs = append(msgs, fmt.Sprintf("world %s:%d:%s %s", p.path, line, where, text))
	}
	return errors.New(strings.Join(msgs, "\n"))
}

// ownerAtLine names the flow or account whose YAML block holds line, and
// the field on that line.
func (p *worldParser) ownerAtLine(line int) (owner, field string) {
	for _, section := range []string{"flows", "accounts", "phones"} {
		n := p.node(section)
		if n == nil {
			continue
		}
		if n.Kind == yaml.MappingNode { // phones
			if f := keyAtLine(n, line); f != "" {
				return section, f
			}
			continue
		}
		if n.Kind != yaml.SequenceNode {
			continue
		}
		for i, item := range n.Content {
			next := int(^uint(0) >> 1)
			if i+1 < len(n.Content) {
				next = n.Content[i+1].Line
			}
			if line < item.Line || line >= next {
				continue
			}
			if section == "accounts" {
				return fmt.Sprintf("account %q", p.scalar(item, "id")), keyAtLine(item, line)
			}
			return fmt.Sprintf("flow %q (%s)", p.scalar(item, "flow-id"), p.scalar(item, "role")), keyAtLine(item, line)
		}
	}
	return "", ""
}

// keyAtLine is the key of mapping whose key or value starts on line.
func keyAtLine(mapping *yaml.Node, line int) string {
	if mapping.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(mapping.Content); i += 2 {
		if mapping.Content[i].Line == line || mapping.Content[i+1].Line == line {
			return mapping.Content[i].Value
		}
	}
	return ""
}

// node follows a path of mapping keys (string) and sequence indexes (int)
// from the document root; nil if it does not exist.
func (p *worldParser) node(path ...any) *yaml.Node {
	n := p.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, step := range path {
		next := p.child(n, step)
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

func (p *worldParser) child(n *yaml.Node, step any) *yaml.Node {
	switch s := step.(type) {
	case string:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s {
					return n.Content[i+1]
				}
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && s < len(n.Content) {
			return n.Content[s]
		}
	}
	return nil
}

// line is the line of the deepest node of path that exists: the field if
// it is there, else the block it is missing from.
func (p *worldParser) line(path ...any) int {
	for k := len(path); k >= 0; k-- {
		if n := p.node(path[:k]...); n != nil {
			if k > 0 {
				if key, ok := path[k-1].(string); ok {
					if parent := p.node(path[:k-1]...); parent != nil {
						for i := 0; i+1 < len(parent.Content); i += 2 {
							if parent.Content[i].Value == key {
								return parent.Content[i].Line
							}
						}
					}
				}
			}
			return n.Line
		}
	}
	return 1
}

func (p *worldParser) scalar(mapping *yaml.Node, key string) string {
	if n := p.child(mapping, key); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return "?"
}
