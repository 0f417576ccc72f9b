package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
)

// runRepetitions runs the selection cfg.repeat times (--repeat), each in a
// new shuffled order, and stops at the first repetition that does not pass:
// its exit code is the run's, and the reports are that repetition's (after
// N passes, the last one's). One line per repetition names its seed, so a
// failing order can be run again with --seed.
func (c suiteCommand) runRepetitions(ctx context.Context, cfg suiteConfig, sel selection, t runTarget, stdout, stderr io.Writer) int {
	seeds := c.repetitionSeeds(cfg)
	if len(seeds) == 1 {
		return c.runOnce(ctx, cfg, sel, t, seeds[0], "", true, stdout, stderr)
	}
	// Each repetition's client-identifiers carry prefix + its number: unique
	// by construction across the repetitions against one server.
	prefix, err := runIDPrefix()
	if err != nil {
		fmt.Fprintf(stderr, "runner: %v\n", err)
		return exitUsage
	}
	for i, seed := range seeds {
		n := i + 1
		fmt.Fprintf(stdout, "runner: repetition %d/%d: seed %d\n", n, len(seeds), seed)
		code := c.runOnce(ctx, cfg, sel, t, seed, prefix+"r"+strconv.Itoa(n), n == len(seeds), stdout, stderr)
		fmt.Fprintf(stdout, "runner: repetition %d/%d: seed %d: %s\n", n, len(seeds), seed, exitWord(code))
		if code != exitOK {
			fmt.Fprintf(stderr, "runner: repetition %d of %d did not pass (seed %d); stopped there. The reports in %s are that repetition's; run its order again with --seed %d\n",
				n, len(seeds), seed, cfg.reportsDir, seed)
			return code
		}
	}
	fmt.Fprintf(stdout, "runner: all %d repetitions passed\n", len(seeds))
	return exitOK
}

// repetitionSeeds are the scenario orders of the run: --seed as given for
// one run (-1 drawn from the clock, so the reports can say how to repeat
// it); for --repeat N, N shuffles: S, S+1, ... for --seed S > 0, else N
// seeds drawn from the clock.
func (c suiteCommand) repetitionSeeds(cfg suiteConfig) []int64 {
	if cfg.repeat <= 1 {
		if cfg.seed == -1 {
			return []int64{c.clockSeed(0)}
		}
		return []int64{cfg.seed}
	}
	seeds := make([]int64, cfg.repeat)
	for i := range seeds {
		if cfg.seed > 0 {
			seeds[i] = cfg.seed + int64(i)
		} else {
			seeds[i] = c.clockSeed(uint64(i))
		}
	}
	return seeds
}

// clockSeed is a positive seed from the clock, mixed with i (splitmix64)
// so that repetitions started within one clock tick still differ.
func (c suiteCommand) clockSeed(i uint64) int64 {
	z := uint64(c.now().UnixNano()) + (i+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return int64(z&(1<<62-1)) | 1
}

// runIDPrefix is a random prefix for the repetitions' run ids.
func runIDPrefix() (string, error) {
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("no random source for the run id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// exitWord says what an exit code means, for the repetition lines.
func exitWord(code int) string {
	switch code {
	case exitOK:
		return "passed"
	case exitFailure:
		return "FAILED"
	default:
		return fmt.Sprintf("did not complete (exit %d)", code)
	}
}
