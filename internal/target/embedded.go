package target

import (
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/httpserve"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// StartEmbedded serves world with a reference server on a free loopback
// port until the target is closed. Its clock is server.Now (nil: time.Now)
// plus an offset that Target.AdvanceClock moves forward, so a scenario can
// cross the 24-hour checksum window (spec section 5, rule 20) without
// waiting for it; Target.Now reads the same clock. server.KeyBits, when
// set, is also the profile's rsa-key-bits knob (spec section 7), so the
// key-rotation scenarios expect the size of key the server makes (unset,
// the server keeps the flows' size, which the world's profile states).
func StartEmbedded(world *refserver.World, server refserver.Options, client ClientOptions) (*Target, error) {
	clock := &offsetClock{base: server.Now}
	if clock.base == nil {
		clock.base = time.Now
	}
	server.Now = clock.Now
	handler, err := refserver.New(world, server)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("in-process reference server: %w", err)
	}
	base := "http://" + ln.Addr().String()
	prof := world.Profile(base)
	if server.KeyBits != 0 {
		prof.Knobs.RSAKeyBits = server.KeyBits
	}
	hc, err := NewHTTPClient(prof, client)
	if err != nil {
		ln.Close()
		return nil, err
	}
	srv := httpserve.Start(ln, handler, nil)
	return &Target{
		URL:          base,
		Profile:      prof,
		Label:        fmt.Sprintf("reference world %s (embedded server)", shortPath(world.Path)),
		HTTPClient:   hc,
		Now:          clock.Now,
		AdvanceClock: clock.Advance,
		stop:         func() { srv.Stop() },
	}, nil
}

// offsetClock is base plus the durations Advance added.
type offsetClock struct {
	base   func() time.Time
	mu     sync.Mutex
	offset time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base().Add(c.offset)
}

func (c *offsetClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}
