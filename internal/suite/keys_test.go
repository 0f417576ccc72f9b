package suite_test

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"sync/atomic"
)

// rotationKeys are the key pairs the reference servers of these tests
// rotate flows to (refserver.Options.GenerateKey): made once each, on
// first use, and handed to every server in the same order. A 2048-bit key
// is a tenth of a second of CPU, and a run of the whole suite rotates four
// times; these tests start a hundred servers. The scenarios see what they
// would with fresh keys: each rotation of one server gets a key that server
// has not handed out before, and none is a flow's own.
var rotationKeys keyPool

type keyPool struct {
	mu   sync.Mutex
	keys map[int][]*rsa.PrivateKey // by size
}

// source is one server's GenerateKey: the pool's keys of the size asked,
// in order.
func (p *keyPool) source() func(bits int) (*rsa.PrivateKey, error) {
	var handed atomic.Int64
	return func(bits int) (*rsa.PrivateKey, error) {
		i := int(handed.Add(1) - 1)
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.keys == nil {
			p.keys = map[int][]*rsa.PrivateKey{}
		}
		for len(p.keys[bits]) <= i {
			k, err := rsa.GenerateKey(rand.Reader, bits)
			if err != nil {
				return nil, err
			}
			p.keys[bits] = append(p.keys[bits], k)
		}
		return p.keys[bits][i], nil
	}
}
