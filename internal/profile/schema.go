package profile

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// checkShape walks a profile document against the Profile type and records
// every unknown key (with the nearest known one, if any is near) and every
// value of the wrong shape, naming the YAML path and what was wanted, never
// a Go type. yaml's own KnownFields stops at the first unknown key and
// names the Go type it decodes into.
func checkShape(ps *problems, doc *yaml.Node) {
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			ps.add(1, nil, "the file is empty: see fixtures/profiles/staging.example.yaml")
			return
		}
		doc = doc.Content[0]
	}
	walkShape(ps, doc, reflect.TypeOf(Profile{}), nil)
}

var durationType = reflect.TypeOf(time.Duration(0))

func walkShape(ps *problems, n *yaml.Node, t reflect.Type, path []string) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // left empty: the field keeps its default
	}
	switch {
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			ps.atNode(n, path, "want a mapping of %s", strings.Join(yamlKeys(t), ", "))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			field, ok := fieldByKey(t, key.Value)
			if !ok {
				ps.atNode(key, append(clone(path), key.Value), "unknown field%s", didYouMean(key.Value, yamlKeys(t)))
				if best := nearest(key.Value, yamlKeys(t)); best != "" {
					ps.suggest(append(clone(path), best))
				}
				continue
			}
			walkShape(ps, value, field.Type, append(clone(path), key.Value))
		}
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			ps.atNode(n, path, "want a mapping (KEY: value, one per line)")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkShape(ps, n.Content[i+1], t.Elem(), append(clone(path), n.Content[i].Value))
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			ps.atNode(n, path, "want a list such as [\"a\", \"b\"]")
			return
		}
		for i, item := range n.Content {
			walkShape(ps, item, t.Elem(), append(clone(path), fmt.Sprint(i)))
		}
	default:
		if n.Kind != yaml.ScalarNode {
			ps.atNode(n, path, "want %s, not a %s", scalarWant(t), kindName(n.Kind))
			return
		}
		// A bare number is no duration: yaml would read 24 as 24ns.
		bareNumber := t == durationType && n.Tag != "!!str"
		if err := n.Decode(reflect.New(t).Interface()); err != nil || bareNumber {
			ps.atNode(n, path, "%q: want %s", n.Value, scalarWant(t))
		}
	}
}

// scalarWant says in words what a scalar of type t looks like.
func scalarWant(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration such as 24h or 90m"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "a whole number"
	default:
		return "a text value"
	}
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	default:
		return "value"
	}
}

// yamlKeys lists the YAML keys of a struct type, in declaration order.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if k := yamlKey(t.Field(i)); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

func yamlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); yamlKey(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func clone(path []string) []string { return append([]string(nil), path...) }

// didYouMean is `; did you mean "x"?` for the candidate nearest to got, or
// the list of candidates when none is near.
func didYouMean(got string, candidates []string) string {
	if best := nearest(got, candidates); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return "; known fields: " + strings.Join(candidates, ", ")
}

// nearest is the candidate closest to got in edit distance (ignoring case,
// and "_" for "-"), if it is close enough to be a slip: at most a third of
// the longer name's letters, and at least one, away.
func nearest(got string, candidates []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "-") }
	best, bestDist := "", -1
	for _, c := range candidates {
		d := editDistance(norm(got), norm(c))
		limit := max(len(got), len(c)) / 3
		if d <= max(limit, 1) && (bestDist < 0 || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes: the keys
// are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
