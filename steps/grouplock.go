package steps

import "sync"

// groupLock lets a group of scenarios hold a run's exclusive lock together:
// the first to join takes it for writing, the others share it, the last to
// leave gives it back. The @timing scenarios against a separate server use
// it: they run without the other scenarios' load, but beside each other,
// so the others wait for one measurement's time, not for two.
type groupLock struct {
	rw      *sync.RWMutex
	mu      sync.Mutex
	members int
	held    chan struct{} // closed once the group holds rw
}

// join waits until the group holds the lock.
func (g *groupLock) join() {
	g.mu.Lock()
	g.members++
	if g.members == 1 {
		held := make(chan struct{})
		g.held = held
		g.mu.Unlock()
		g.rw.Lock()
		close(held)
		return
	}
	held := g.held
	g.mu.Unlock()
	<-held
}

// leave leaves the group; the last member gives the lock back.
func (g *groupLock) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.members--
	if g.members == 0 {
		g.rw.Unlock()
	}
}
