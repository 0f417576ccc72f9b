package steps

import (
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestGeneratedValuesAreUnique draws every kind of generated value from many
// goroutines at once: none may repeat, and changing one byte of a generated
// client-identifier must give a value no other generated or changed one has
// (two "changed" payloads once coincided: -0012 and -0015 both became -001x).
func TestGeneratedValuesAreUnique(t *testing.T) {
	ids, err := newIDSource("")
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 500
	var mu sync.Mutex
	seen := map[string]string{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []string
			for i := 0; i < each; i++ {
				id := ids.clientID("kc")
				changed, err := changedClientID(id)
				if err != nil {
					t.Error(err)
					return
				}
				mine = append(mine, id, changed, ids.clientID("ecb"), ids.uuid(), ids.flowID())
			}
			mu.Lock()
			defer mu.Unlock()
			for _, v := range mine {
				if prev, dup := seen[v]; dup {
					t.Errorf("%q generated twice (%s)", v, prev)
				}
				seen[v] = "drawn"
			}
		}()
	}
	wg.Wait()
	if want := workers * each * 5; len(seen) != want {
		t.Errorf("%d distinct values, want %d", len(seen), want)
	}
}

func TestGeneratedValueShapes(t *testing.T) {
	ids, err := newIDSource("run42")
	if err != nil {
		t.Fatal(err)
	}
	if id := ids.clientID("kc"); id != "kc-run42-0001" {
		t.Errorf("clientID = %q", id)
	}
	flowID := regexp.MustCompile(`^Zz[A-Za-z0-9]{6}$`)
	uuid := regexp.MustCompile(uuidPattern)
	for i := 0; i < 50; i++ {
		if f := ids.flowID(); !flowID.MatchString(f) {
			t.Errorf("flowID %q is not 8 alphanumerics", f)
		}
		if u := ids.uuid(); !uuid.MatchString(u) || u[14] != '4' {
			t.Errorf("uuid %q is not a version-4 UUID", u)
		}
	}
	if _, err := newIDSource("run-1"); err == nil || !strings.Contains(err.Error(), "RunID") {
		t.Errorf("a RunID with a hyphen: %v", err)
	}
}

func TestChangedClientID(t *testing.T) {
	if got, err := changedClientID("kc-ab12-0012"); err != nil || got != "Kc-ab12-0012" {
		t.Errorf("changedClientID = %q, %v", got, err)
	}
	for _, id := range []string{"", "Kc-ab12-0012", "0042"} {
		if _, err := changedClientID(id); err == nil {
			t.Errorf("changedClientID(%q) did not refuse an identifier the harness did not generate", id)
		}
	}
}
