package spec_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/spec"
)

// statusRow is a row of SPEC.md's status table: "| 5 | 301 | Invalid Flow ID | INVALID_FLOW_ID |".
var statusRow = regexp.MustCompile(`^\| (\d+) \| (\d{3}) \| ([^|]+) \| ([A-Z_]+) \|$`)

type tableRow struct {
	message, name string
}

// specStatusTable reads the status table of section 5, by code.
func specStatusTable(t *testing.T, s spec.Section) map[protocol.Code]tableRow {
	t.Helper()
	rows := map[protocol.Code]tableRow{}
	order := 0
	for _, line := range strings.Split(s.Body, "\n") {
		m := statusRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		order++
		if m[1] != strconv.Itoa(order) {
			t.Errorf("SPEC.md status table: row %q is numbered %s, want %d", line, m[1], order)
		}
		n, _ := strconv.Atoi(m[2])
		if _, dup := rows[protocol.Code(n)]; dup {
			t.Errorf("SPEC.md status table: code %d twice", n)
		}
		rows[protocol.Code(n)] = tableRow{message: m[3], name: m[4]}
	}
	return rows
}

// TestStatusTableIsTheCodes: SPEC.md's status table and internal/protocol's
// agree code by code, message character for character, name by name.
func TestStatusTableIsTheCodes(t *testing.T) {
	table := specStatusTable(t, section(t, "5"))
	if len(table) != 22 {
		t.Errorf("SPEC.md's status table has %d codes, want 22", len(table))
	}
	for _, c := range protocol.All() {
		row, ok := table[c]
		if !ok {
			t.Errorf("code %d (%s) is in internal/protocol but not in SPEC.md's status table", int(c), c.Name())
			continue
		}
		if row.message != c.Message() {
			t.Errorf("code %d: SPEC.md's message is %q, internal/protocol's %q", int(c), row.message, c.Message())
		}
		if row.name != c.Name() {
			t.Errorf("code %d: SPEC.md's name is %s, internal/protocol's %s", int(c), row.name, c.Name())
		}
		delete(table, c)
	}
	for c := range table {
		t.Errorf("code %d is in SPEC.md's status table but not in internal/protocol", int(c))
	}
}

// TestTriggerHeadingsNameTheirCodes: each trigger rule 5.N names the codes it
// answers with as internal/protocol names them, "301 INVALID_FLOW_ID".
func TestTriggerHeadingsNameTheirCodes(t *testing.T) {
	code := regexp.MustCompile(`\b(\d{3}) ([A-Z_]{4,})\b`)
	for i := 1; i <= 22; i++ {
		s := section(t, "5."+strconv.Itoa(i))
		found := code.FindAllStringSubmatch(s.Title, -1)
		if len(found) == 0 {
			t.Errorf("5.%d %q names no code", i, s.Title)
		}
		for _, m := range found {
			n, _ := strconv.Atoi(m[1])
			if c := protocol.Code(n); !c.Valid() || c.Name() != m[2] {
				t.Errorf("5.%d names %s %s; internal/protocol's %d is %s", i, m[1], m[2], n, c.Name())
			}
		}
	}
}
