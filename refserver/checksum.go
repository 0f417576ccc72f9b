package refserver

import (
	"sync"
	"time"
)

// checksumKey names one accepted payload: its flow (the checksum's scope,
// spec section 5) and the SHA-256 of its bytes. endpoint is set only by the
// checksum-per-endpoint fault.
type checksumKey struct {
	flow     string
	endpoint string
	sum      [32]byte
}

type checksumEntry struct {
	key checksumKey
	at  time.Time
}

// checksumStore remembers accepted payloads for a window. Entries are kept
// in a queue in the order they were recorded, so expired ones are evicted
// from its front on each insert: memory stays bounded by what one window
// accepts, and by max whatever the clock does.
type checksumStore struct {
	mu     sync.Mutex
	window time.Duration
	max    int
	seen   map[checksumKey]time.Time
	queue  []checksumEntry
	head   int // queue[:head] are evicted
}

func newChecksumStore(window time.Duration, max int) *checksumStore {
	return &checksumStore{window: window, max: max, seen: map[checksumKey]time.Time{}}
}

// admit reports whether key is a repeat at now; if not and record is set,
// it records key, in the same critical section, so that of many identical
// requests at once exactly one is accepted.
func (c *checksumStore) admit(key checksumKey, now time.Time, record bool) (repeat bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.repeatLocked(key, now) {
		return true
	}
	if record {
		c.recordLocked(key, now)
	}
	return false
}

func (c *checksumStore) repeatLocked(key checksumKey, now time.Time) bool {
	at, ok := c.seen[key]
	// A clock that went back leaves now before at: still within the window.
	return ok && now.Sub(at) < c.window
}

func (c *checksumStore) recordLocked(key checksumKey, now time.Time) {
	c.evictLocked(now)
	c.seen[key] = now
	c.queue = append(c.queue, checksumEntry{key, now})
}

// evictLocked drops expired entries from the queue's front, and the oldest
// ones while the store is full. A queue entry whose key was re-recorded
// later no longer owns the map entry and only leaves the queue.
func (c *checksumStore) evictLocked(now time.Time) {
	for c.head < len(c.queue) {
		e := c.queue[c.head]
		if now.Sub(e.at) < c.window && len(c.seen) < c.max {
			break
		}
		if at, ok := c.seen[e.key]; ok && at.Equal(e.at) {
			delete(c.seen, e.key)
		}
		c.queue[c.head] = checksumEntry{}
		c.head++
	}
	if c.head > len(c.queue)/2 && c.head > 64 { // reclaim the evicted prefix
		n := copy(c.queue, c.queue[c.head:])
		clear(c.queue[n:])
		c.queue = c.queue[:n]
		c.head = 0
	}
}

// len is the number of remembered payloads (for tests).
func (c *checksumStore) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

// notAtomicWindow is how long the checksum-not-atomic fault leaves between
// checking a checksum and recording it.
const notAtomicWindow = 250 * time.Millisecond

// admitChecksum is rule 20 as the server's fault allows it.
func (s *Server) admitChecksum(key checksumKey, now time.Time, record bool) bool {
	if !s.fault.is(faultChecksumNotAtomic) {
		return s.checksums.admit(key, now, record)
	}
	// The fault: check, let other requests run, then record. The window is
	// wide so that concurrent identical requests overlap in it even on a
	// loaded 2-core machine, where each first spends ~10 ms on RSA.
	if s.checksums.admit(key, now, false) {
		return true
	}
	time.Sleep(notAtomicWindow)
	if record {
		s.checksums.mu.Lock()
		s.checksums.recordLocked(key, now)
		s.checksums.mu.Unlock()
	}
	return false
}
