package profile

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const (
	examplePath = "../../fixtures/profiles/staging.example.yaml"
	readmePath  = "../../fixtures/profiles/README.md"
)

// TestExampleShowsEveryDefault: the example profile sets every knob, to its
// default (Defaults, from package protocol), or, where it suggests another
// value for a staging server, says "default: X" in that line's comment,
// with X the real default. Users copy the example; a value shown as the
// default that is not would silently change their run.
func TestExampleShowsEveryDefault(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(examplePath, data); err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	knobs := mappingValue(doc.Content[0], "knobs")
	if knobs == nil {
		t.Fatal("the example has no knobs section")
	}
	defaults := reflect.ValueOf(Defaults())
	knobsType := defaults.Type()
	for i := 0; i < knobsType.NumField(); i++ {
		key := yamlKey(knobsType.Field(i))
		if key == "" {
			continue
		}
		want := defaults.Field(i).Interface()
		keyNode, valueNode := mappingEntry(knobs, key)
		if valueNode == nil {
			t.Errorf("knobs.%s: not in the example (every knob is shown, with its default)", key)
			continue
		}
		got := decodeAs(t, valueNode.Value, knobsType.Field(i).Type)
		if reflect.DeepEqual(got, want) {
			continue
		}
		comment := keyNode.LineComment + valueNode.LineComment
		stated, ok := statedDefault(comment)
		if !ok {
			t.Errorf("staging.example.yaml:%d: knobs.%s: shows %v, but the default is %v; say so in the comment (\"# default: ...\") or show the default",
				valueNode.Line, key, got, want)
			continue
		}
		if d := decodeAs(t, stated, knobsType.Field(i).Type); !reflect.DeepEqual(d, want) {
			t.Errorf("staging.example.yaml:%d: knobs.%s: the comment says default: %s, but the default is %v", valueNode.Line, key, stated, want)
		}
	}
}

var defaultInComment = regexp.MustCompile(`default:\s*([^\s;,)]+)`)

func statedDefault(comment string) (string, bool) {
	m := defaultInComment.FindStringSubmatch(comment)
	if m == nil {
		return "", false
	}
	return strings.Trim(m[1], "`\""), true
}

// TestFieldTableMatchesProfile: fixtures/profiles/README.md's field table
// has a row for every field a profile may set, no row for a field that does
// not exist, and the Default column of every knob and TLS setting is the
// real default.
func TestFieldTableMatchesProfile(t *testing.T) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(data), "\n## Fields\n")
	if !ok {
		t.Fatal("README.md: no \"## Fields\" section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	rows := map[string]string{} // field -> its Default cell
	row := regexp.MustCompile("(?m)^\\| `([a-z.A-Z-]+)` \\| [^|]* \\| ([^|]*) \\|")
	for _, m := range row.FindAllStringSubmatch(table, -1) {
		rows[m[1]] = strings.TrimSpace(m[2])
	}
	fields := map[string]reflect.Type{}
	leafPaths(reflect.TypeOf(Profile{}), "", fields)
	for path := range fields {
		if _, ok := rows[path]; !ok {
			t.Errorf("README.md: no row for `%s`", path)
		}
	}
	for path := range rows {
		if _, ok := fields[path]; !ok && !isSection(path, fields) {
			t.Errorf("README.md: a row for `%s`, which is no profile field", path)
		}
	}
	defaults := map[string]reflect.Value{
		"knobs": reflect.ValueOf(Defaults()),
		"tls":   reflect.ValueOf(TLS{}),
	}
	for path, typ := range fields {
		section, key, ok := strings.Cut(path, ".")
		base, known := defaults[section]
		cell, inTable := rows[path]
		if !ok || !known || !inTable {
			continue
		}
		field, _ := fieldByKey(base.Type(), key)
		want := base.FieldByIndex(field.Index).Interface()
		literal := tableDefault(cell)
		var got any
		if literal == "—" {
			got = reflect.Zero(typ).Interface()
		} else {
			got = decodeAs(t, literal, typ)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("README.md: `%s`: the table says %q, but the default is %v", path, cell, want)
		}
	}
}

// tableDefault is the value a Default cell starts with: "`24h`" is 24h,
// "0 (no limit)" is 0.
func tableDefault(cell string) string {
	first, _, _ := strings.Cut(cell, " (")
	return strings.Trim(strings.TrimSpace(first), "`")
}

// leafPaths lists the YAML paths of t's settable fields: flows.ROLE.flow-id
// for the map of flows.
func leafPaths(t reflect.Type, prefix string, out map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := yamlKey(f)
		if key == "" {
			continue
		}
		path := prefix + key
		switch {
		case f.Type.Kind() == reflect.Struct:
			leafPaths(f.Type, path+".", out)
		case f.Type.Kind() == reflect.Map && f.Type.Elem().Kind() == reflect.Struct:
			out[path] = f.Type
			leafPaths(f.Type.Elem(), path+".ROLE.", out)
		default:
			out[path] = f.Type
		}
	}
}

func isSection(path string, fields map[string]reflect.Type) bool {
	for f := range fields {
		if strings.HasPrefix(f, path+".") {
			return true
		}
	}
	return false
}

func decodeAs(t *testing.T, literal string, typ reflect.Type) any {
	t.Helper()
	v := reflect.New(typ)
	if err := yaml.Unmarshal([]byte(literal), v.Interface()); err != nil {
		t.Fatalf("%q: %v", literal, err)
	}
	return v.Elem().Interface()
}

func mappingEntry(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	_, v := mappingEntry(m, key)
	return v
}
