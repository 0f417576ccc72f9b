package reporting

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// CellState is what a matrix cell shows: the most serious outcome among
// its scenarios.
type CellState string

const (
	CellNone    CellState = "none" // no scenario covers this code on this endpoint
	CellPassed  CellState = "passed"
	CellFailed  CellState = "failed"
	CellSkipped CellState = "skipped"
	CellWarning CellState = "warning"
	// CellDeviation: a @ref scenario failed under strictness: documented.
	CellDeviation CellState = "deviation"
	CellExpected  CellState = "expected" // failed as expected
	CellNotRun    CellState = "notrun"
)

// rank orders states by how much a reader must see them.
func (s CellState) rank() int {
	for i, v := range []CellState{CellNone, CellSkipped, CellPassed, CellNotRun, CellExpected, CellDeviation, CellWarning, CellFailed} {
		if s == v {
			return i
		}
	}
	return 0
}

func cellStateOf(o Outcome) CellState {
	switch o {
	case Passed:
		return CellPassed
	case Skipped:
		return CellSkipped
	case Warning:
		return CellWarning
	case Deviation:
		return CellDeviation
	case FailedAsExpected:
		return CellExpected
	case NotRun:
		return CellNotRun
	default:
		return CellFailed
	}
}

// Cell is one code on one endpoint.
type Cell struct {
	State     CellState
	Scenarios []*Scenario
	Count     map[CellState]int
	// Notes are the footnote numbers (1-based, into Matrix.Reasons) of the
	// reasons its skipped or not-run scenarios give.
	Notes []int
}

// Summary is the cell's text, e.g. "2 passed, 1 skipped".
func (c Cell) Summary() string {
	var parts []string
	for _, s := range []CellState{CellFailed, CellWarning, CellDeviation, CellExpected, CellNotRun, CellPassed, CellSkipped} {
		if n := c.Count[s]; n > 0 {
			label := string(s)
			switch s {
			case CellExpected:
				label = "failed as expected"
			case CellNotRun:
				label = "not run"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, label))
		}
	}
	return strings.Join(parts, ", ")
}

// Tooltip lists the cell's scenarios and their outcomes, one a line.
func (c Cell) Tooltip() string {
	var lines []string
	for _, s := range c.Scenarios {
		line := string(s.Outcome) + ": " + s.Name
		if s.Reason != "" && (s.Outcome == Skipped || s.Outcome == NotRun || s.Outcome == Deviation) {
			line += " (" + s.Reason + ")"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// MatrixRow is one status code across the endpoints.
type MatrixRow struct {
	Code  protocol.Code
	Cells []Cell
}

// Matrix is the 22 status codes against the endpoints.
type Matrix struct {
	Endpoints []protocol.Endpoint // the columns; a scenario sits in those whose Tag it carries
	Rows      []MatrixRow
	Reasons   []string // footnotes: why scenarios were skipped or not run
}

// BuildMatrix places every scenario tagged @status-NNN and @endpoint-X in
// its cells; a scenario may sit in several (a 209 with per-call 402s).
func BuildMatrix(run *Run) Matrix {
	m := Matrix{Endpoints: protocol.Endpoints()}
	col := map[string]int{}
	for i, e := range m.Endpoints {
		col[e.Tag] = i
	}
	row := map[int]int{}
	for i, c := range protocol.All() {
		row[int(c)] = i
		m.Rows = append(m.Rows, MatrixRow{Code: c, Cells: make([]Cell, len(m.Endpoints))})
	}
	noteOf := map[string]int{}
	for _, sc := range run.Scenarios {
		for _, code := range sc.TagsWithPrefix("@status-") {
			n, err := strconv.Atoi(code)
			r, ok := row[n]
			if err != nil || !ok {
				continue
			}
			for _, ep := range sc.TagsWithPrefix("@") {
				c, ok := col[ep]
				if !ok {
					continue
				}
				m.add(&m.Rows[r].Cells[c], sc, noteOf)
			}
		}
	}
	for r := range m.Rows {
		for c := range m.Rows[r].Cells {
			if m.Rows[r].Cells[c].State == "" {
				m.Rows[r].Cells[c].State = CellNone
			}
		}
	}
	return m
}

func (m *Matrix) add(cell *Cell, sc *Scenario, noteOf map[string]int) {
	if cell.Count == nil {
		cell.Count = map[CellState]int{}
	}
	state := cellStateOf(sc.Outcome)
	cell.Scenarios = append(cell.Scenarios, sc)
	cell.Count[state]++
	if state.rank() > cell.State.rank() {
		cell.State = state
	}
	if (state == CellSkipped || state == CellNotRun) && sc.Reason != "" {
		n, ok := noteOf[sc.Reason]
		if !ok {
			m.Reasons = append(m.Reasons, sc.Reason)
			n = len(m.Reasons)
			noteOf[sc.Reason] = n
		}
		for _, have := range cell.Notes {
			if have == n {
				return
			}
		}
		cell.Notes = append(cell.Notes, n)
	}
}

// Covered counts the cells that have at least one scenario.
func (m Matrix) Covered() int {
	n := 0
	for _, r := range m.Rows {
		for _, c := range r.Cells {
			if c.State != CellNone {
				n++
			}
		}
	}
	return n
}
