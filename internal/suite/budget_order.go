package suite

import (
	"fmt"
	"math/rand/v2"

	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// PlacesCalls reports whether a scenario with these tags has calls
// accepted when the target follows the spec: it expects 200 SUCCESS or 209
// PARTIAL_SUCCESS, a repeat of an accepted payload (201 CHECKSUM_REPEATED:
// the first copy is accepted), calls found again through the Pull API, or
// an ECB-tampered payload that a conforming server accepts (SPEC.md 3.6).
// A self-test holds it to what the reference server accepts.
func PlacesCalls(tags []string) bool {
	for _, t := range tags {
		switch t {
		case statusTag(protocol.Success), statusTag(protocol.PartialSuccess), statusTag(protocol.ChecksumRepeated), pullTag(), "@spec-3.6":
			return true
		}
	}
	return false
}

func statusTag(c protocol.Code) string { return fmt.Sprintf("@status-%d", int(c)) }

// pullTag is the Pull API's endpoint tag, from the endpoint table.
func pullTag() string {
	for _, e := range protocol.Endpoints() {
		if e.Path == protocol.PathPull {
			return "@" + e.Tag
		}
	}
	return "" // no tag is empty: matches nothing
}

// CallsLast orders a selection for a run under a call budget
// (knobs.max-accepted-calls): the scenarios that place no call first, so
// that the budget, spent only on the calls the target accepts, runs out as
// late as it can and skips as few scenarios as it must. Each part keeps
// its order, or is shuffled by seed when seed is not 0. Hand godog the
// result through FeaturePathsOf: it runs "path:line" paths in their order.
func CallsLast(selected []ScenarioInfo, seed int64) []ScenarioInfo {
	var first, last []ScenarioInfo
	for _, s := range selected {
		if PlacesCalls(s.Tags) {
			last = append(last, s)
		} else {
			first = append(first, s)
		}
	}
	if seed != 0 {
		r := rand.New(rand.NewPCG(uint64(seed), 0))
		for _, part := range [][]ScenarioInfo{first, last} {
			r.Shuffle(len(part), func(i, j int) { part[i], part[j] = part[j], part[i] })
		}
	}
	return append(first, last...)
}
