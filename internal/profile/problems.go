package profile

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one mistake in a profile: where it is (the line and the YAML
// key path, e.g. flows.healthy-dialer.security-id) and what is wrong.
type Problem struct {
	Line int
	Path string
	Msg  string
}

// Error is every problem found in one profile file, in file order, so that
// a user fixes them all in one pass rather than one run at a time.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return "profile " + e.problem(e.Problems[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "profile %s: %d problems:", e.File, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  " + e.problem(p))
	}
	return b.String()
}

func (e *Error) problem(p Problem) string {
	if p.Path == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, p.Line, p.Path, p.Msg)
}

// problems collects a profile's problems. The first problem at a path wins:
// a value that could not be read is not also reported as, say, too small.
type problems struct {
	root *yaml.Node
	list []Problem
	seen map[string]bool
	// suggested holds the paths a "did you mean" pointed to: a field the
	// user misspelt is not also reported missing.
	suggested map[string]bool
}

// suggest notes that a misspelt key was taken for path.
func (ps *problems) suggest(path []string) {
	if ps.suggested == nil {
		ps.suggested = map[string]bool{}
	}
	ps.suggested[strings.Join(path, ".")] = true
}

// atNode records a problem at a node whose line is known.
func (ps *problems) atNode(n *yaml.Node, path []string, format string, args ...any) {
	ps.add(n.Line, path, fmt.Sprintf(format, args...))
}

// at records a problem at a key path, at the line of its deepest key present
// in the document.
func (ps *problems) at(path []string, format string, args ...any) {
	ps.add(lineOf(ps.root, path...), path, fmt.Sprintf(format, args...))
}

func (ps *problems) add(line int, path []string, msg string) {
	key := strings.Join(path, ".")
	if ps.seen == nil {
		ps.seen = map[string]bool{}
	}
	if ps.seen[key] {
		return
	}
	ps.seen[key] = true
	ps.list = append(ps.list, Problem{Line: line, Path: key, Msg: msg})
}

// has reports whether a problem was recorded at path or below it.
func (ps *problems) has(path ...string) bool {
	key := strings.Join(path, ".")
	if ps.suggested[key] {
		return true
	}
	for p := range ps.seen {
		if p == key || strings.HasPrefix(p, key+".") {
			return true
		}
	}
	return false
}

// err returns the problems in file order, or nil.
func (ps *problems) err(file string) error {
	if len(ps.list) == 0 {
		return nil
	}
	list := append([]Problem(nil), ps.list...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Line < list[j].Line })
	return &Error{File: file, Problems: list}
}

// lineOf finds the line of the deepest key of path that exists in the document.
func lineOf(root *yaml.Node, path ...string) int {
	node, line := root, 1
	if node == nil {
		return line
	}
	if node.Kind == yaml.DocumentNode && len(node.Content) > 0 {
		node = node.Content[0]
		line = node.Line
	}
	for _, key := range path {
		if node.Kind != yaml.MappingNode {
			break
		}
		found := false
		for i := 0; i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value == key {
				line, node, found = node.Content[i].Line, node.Content[i+1], true
				break
			}
		}
		if !found {
			break
		}
	}
	return line
}
