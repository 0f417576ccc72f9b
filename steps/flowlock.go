package steps

import "sync"

// A rotatable flow is shared by the scenarios that ask for it. Those that
// rotate its key must run alone on it: a rotation in one would invalidate
// the key another just sealed with. Those that only send generateKeyPair
// requests the server must refuse (210, 301, the IP check, 202) seal
// nothing with its key, so they may share it with each other. A scenario
// holds its flow for reading from "Given a ... flow reserved for key
// rotation" on, and for writing from its first rotation: before that it
// has sealed nothing, so letting go of the read lock to wait for the write
// lock loses nothing (and two scenarios waiting to write cannot deadlock).

// flowLock is the lock a scenario holds on its rotatable flow.
type flowLock struct {
	mu        *sync.RWMutex
	exclusive bool
}

// lockFlow returns the lock of one rotatable flow.
func (s *Suite) lockFlow(flowID string) *sync.RWMutex {
	m, _ := s.flowLocks.LoadOrStore(flowID, &sync.RWMutex{})
	return m.(*sync.RWMutex)
}

// shareFlow holds the scenario's rotatable flow for reading until the
// scenario ends.
func (st *scenario) shareFlow(flowID string) {
	l := &flowLock{mu: st.s.lockFlow(flowID)}
	l.mu.RLock()
	st.target.lock = l
	st.unlock = append(st.unlock, func() {
		if l.exclusive {
			l.mu.Unlock()
		} else {
			l.mu.RUnlock()
		}
	})
}

// ownFlow holds the scenario's rotatable flow for writing from now on; a
// flow no scenario shares (not rotatable) needs nothing.
func (st *scenario) ownFlow() {
	l := st.target.lock
	if l == nil || l.exclusive {
		return
	}
	l.mu.RUnlock()
	l.mu.Lock()
	l.exclusive = true
}
