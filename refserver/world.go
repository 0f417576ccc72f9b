package refserver

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/fixtures"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/repo"
)

// DefaultWorldPath is the reference world, relative to the module root. Code
// running elsewhere (tests of other packages) should use FindWorld, or
// DefaultWorld, which falls back to the copy embedded in the binary.
const DefaultWorldPath = "fixtures/world/reference.yaml"

// embeddedWorldPath is the reference world in fixtures.FS.
const embeddedWorldPath = "world/reference.yaml"

// SMS gateway states of a flow.
const (
	GatewayValid   = "valid"
	GatewayInvalid = "invalid" // 204 INVALID_GATEWAY_ID
	GatewayFailing = "failing" // 206 FAILURE_FROM_GATEWAY
)

// World is what the reference server serves: accounts and flows, loaded from
// a YAML file. A Server never changes it; its mutable state (rotated keys,
// checksums, accepted calls) is the Server's own.
type World struct {
	// Path names the file it came from: an absolute path, a path in the
	// fs.FS given to LoadWorldFS, or EmbeddedWorld's
	// "embedded:fixtures/world/reference.yaml", which is no file on disk.
	Path     string
	Accounts []*Account
	Flows    []*Flow // in file order
	// NotWhitelisted and Invalid are the world's phones section.
	NotWhitelisted []string
	Invalid        []string

	byID   map[string]*Flow
	byRole map[string]*Flow
}

// Account owns flows; its limits apply to all of them.
type Account struct {
	ID          string
	IPWhitelist []netip.Prefix
	// ValidUntil is the first instant the account is no longer valid.
	ValidUntil time.Time
	Balance    float64
}

// Allows reports whether a caller at addr may use the account's flows.
func (a *Account) Allows(addr netip.Addr) bool {
	addr = addr.Unmap() // an IPv4 caller on a dual-stack socket shows as ::ffff:a.b.c.d
	for _, p := range a.IPWhitelist {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Expired reports whether the account's validity is over at now.
func (a *Account) Expired(now time.Time) bool { return !now.Before(a.ValidUntil) }

// Flow is one Kairos flow of the world.
type Flow struct {
	ID      string
	Role    string // e.g. "no-did-dialer"
	Kind    string // protocol.KindMulticast or protocol.KindDialer
	Account *Account
	// SecurityID is the flow's secret; the server compares it in constant time.
	SecurityID string
	// PublicKeyFile and PrivateKeyFile name the key files as World.Path
	// names the world's: absolute paths, or names in an fs.FS (such as
	// "embedded:fixtures/keys/HealthM1_public.key") that are no files on
	// disk. The keys themselves are PublicKey and PrivateKey.
	PublicKeyFile  string
	PrivateKeyFile string
	PublicKey      *rsa.PublicKey
	PrivateKey     *rsa.PrivateKey
	TestingVersion bool
	TestPhones     []string // national 10-digit form
	DIDs           []string
	Masks          []string
	Gateway        string // GatewayValid, GatewayInvalid or GatewayFailing
	Failing        bool
}

// Condition is the condition part of the flow's role, e.g. "no-did".
func (f *Flow) Condition() string {
	cond, _ := splitRole(f.Role)
	return cond
}

// conditions lists what is wrong with the flow at now, in the order the
// spec checks them; a healthy flow has none. Validation compares it with
// the flow's role, so a role always means what it says.
func (f *Flow) conditions(now time.Time) []string {
	var c []string
	if !f.TestingVersion {
		c = append(c, "no-testing-version")
	}
	if !f.Account.Allows(netip.MustParseAddr("127.0.0.1")) && !f.Account.Allows(netip.IPv6Loopback()) {
		c = append(c, "ip-not-whitelisted")
	}
	if f.Account.Expired(now) {
		c = append(c, "validity-expired")
	}
	if f.Account.Balance <= 0 {
		c = append(c, "zero-balance")
	}
	if len(f.DIDs) == 0 {
		c = append(c, "no-did")
	}
	if len(f.Masks) == 0 {
		c = append(c, "no-mask")
	}
	switch f.Gateway {
	case GatewayInvalid:
		c = append(c, "invalid-gateway")
	case GatewayFailing:
		c = append(c, "failing-gateway")
	}
	if f.Failing {
		c = append(c, "failing")
	}
	return c
}

// Flow returns the flow with the given id.
func (w *World) Flow(id string) (*Flow, bool) {
	f, ok := w.byID[id]
	return f, ok
}

// FlowByRole returns the flow that plays role, e.g. "healthy-multicast".
func (w *World) FlowByRole(role string) (*Flow, bool) {
	f, ok := w.byRole[role]
	return f, ok
}

// Roles lists the roles the world plays, in profile.AllRoles order.
func (w *World) Roles() []string {
	var roles []string
	for _, r := range profile.AllRoles() {
		if _, ok := w.byRole[r]; ok {
			roles = append(roles, r)
		}
	}
	return roles
}

// Whitelisted returns the numbers on the test-phone whitelist of every
// healthy (and rotatable) flow, so that a scenario may dial them on any.
func (w *World) Whitelisted() []string {
	var out []string
	first := true
	for _, f := range w.Flows {
		if c := f.Condition(); c != "healthy" && c != "rotatable" {
			continue
		}
		if first {
			out, first = slices.Clone(f.TestPhones), false
			continue
		}
		out = slices.DeleteFunc(out, func(n string) bool { return !slices.Contains(f.TestPhones, n) })
	}
	return out
}

// Profile describes the world as a target for the conformance suite: every
// role it plays, its phones, and the reference knobs (key rotation allowed,
// since the reference server's flows are disposable; rsa-key-bits the size
// of the flows' keys when they all have one, as the server rotates them).
// The flows carry their loaded keys; their key file names are the world's
// (Flow.PublicKeyFile), no files on disk for the embedded world.
func (w *World) Profile(baseURL string) *profile.Profile {
	p := &profile.Profile{
		Name:   "reference",
		Target: baseURL,
		Flows:  map[string]profile.Flow{},
		Phones: profile.Phones{
			Whitelisted:    w.Whitelisted(),
			NotWhitelisted: slices.Clone(w.NotWhitelisted),
			Invalid:        slices.Clone(w.Invalid),
		},
		Knobs: profile.Defaults(),
	}
	p.Knobs.AllowKeyRotation = true
	p.Knobs.AllowBulkCalls = true // our own server: a 500-call request rings nobody
	if bits, ok := w.keyBits(); ok {
		p.Knobs.RSAKeyBits = bits
	}
	for role, f := range w.byRole {
		p.Flows[role] = profile.Flow{
			FlowID:         f.ID,
			SecurityID:     f.SecurityID,
			PublicKeyFile:  f.PublicKeyFile,
			PrivateKeyFile: f.PrivateKeyFile,
			PublicKey:      f.PublicKey,
			PrivateKey:     f.PrivateKey,
		}
	}
	return p
}

// keyBits is the size of the flows' keys, when they all have one.
func (w *World) keyBits() (int, bool) {
	bits := 0
	for _, f := range w.Flows {
		switch n := f.PublicKey.N.BitLen(); {
		case bits == 0:
			bits = n
		case n != bits:
			return 0, false
		}
	}
	return bits, bits != 0
}

// FindWorld returns the absolute path of the reference world in the
// repository, found by walking up from the working directory to the
// module root (repo.Root), so that tests of any package can load it.
// Outside the repository it is an error: DefaultWorld falls back to the
// embedded copy instead.
func FindWorld() (string, error) {
	root, err := repo.Root()
	if err != nil {
		return "", fmt.Errorf("finding the reference world: %w; pass the world file explicitly", err)
	}
	path := filepath.Join(root, filepath.FromSlash(DefaultWorldPath))
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("finding the reference world: %w", err)
	}
	return path, nil
}

// DefaultWorld loads the reference world: the repository's
// fixtures/world/reference.yaml when the working directory is inside the
// repository (so an edit takes effect without rebuilding; a missing file
// is an error naming it), else the copy embedded in the binary
// (EmbeddedWorld).
func DefaultWorld() (*World, error) {
	root, err := repo.Root()
	if errors.Is(err, repo.ErrNotFound) {
		return EmbeddedWorld()
	}
	if err != nil {
		return nil, fmt.Errorf("finding the reference world: %w", err)
	}
	return LoadWorld(filepath.Join(root, filepath.FromSlash(DefaultWorldPath)))
}

// EmbeddedWorld loads the reference world embedded in the binary, with its
// TEST ONLY keys (fixtures.FS). Its World.Path and key file names start
// "embedded:fixtures/": they are names, not files on disk.
func EmbeddedWorld() (*World, error) {
	return loadWorldFS(fixtures.FS, embeddedWorldPath, fixtures.EmbeddedPrefix, time.Now())
}

// LoadWorld reads and validates a world file. Errors name the file, the
// line, the flow (or account) and the field. Key files are relative to the
// world file (or absolute). Conditions that depend on time (an expired
// account) are judged at the current time.
func LoadWorld(path string) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	return ParseWorld(path, data, time.Now())
}

// LoadWorldFS is LoadWorld for a world file in fsys, at name (a path as
// fs.ValidPath has it). Its key files are read from fsys too: their paths
// are relative to the world file and may not leave fsys. World.Path and
// the flows' key files are paths in fsys.
func LoadWorldFS(fsys fs.FS, name string) (*World, error) {
	return loadWorldFS(fsys, name, "", time.Now())
}

// loadWorldFS names the files of fsys prefix + their path.
func loadWorldFS(fsys fs.FS, name, prefix string, now time.Time) (*World, error) {
	files := fsFiles{fsys: fsys, dir: path.Dir(name), prefix: prefix}
	data, err := files.readFile(prefix + name)
	if err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	return parseWorld(prefix+name, prefix+name, data, now, files)
}

// loadKeys reads a flow's key pair; the files must belong together.
func loadKeys(files worldFiles, pubName, privName string) (*rsa.PublicKey, *rsa.PrivateKey, string, error) {
	pub, err := readKey(files, pubName, "public key", envelope.ParsePublicKeyPEM)
	if err != nil {
		return nil, nil, "public-key", err
	}
	priv, err := readKey(files, privName, "private key", envelope.ParsePrivateKeyPEM)
	if err != nil {
		return nil, nil, "private-key", err
	}
	if !priv.PublicKey.Equal(pub) {
		return nil, nil, "private-key", fmt.Errorf("%s does not belong to public-key %s", privName, pubName)
	}
	if pub.N.BitLen() < envelope.MinKeyBits {
		return nil, nil, "public-key", fmt.Errorf("%d-bit key: want at least %d", pub.N.BitLen(), envelope.MinKeyBits)
	}
	return pub, priv, "", nil
}

// readKey reads and parses one key file; errors read as envelope.Load*'s.
func readKey[K any](files worldFiles, name, what string, parse func([]byte) (K, error)) (K, error) {
	var zero K
	data, err := files.readFile(name)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", what, err)
	}
	key, err := parse(data)
	if err != nil {
		return zero, fmt.Errorf("%s %s: %w", what, name, err)
	}
	return key, nil
}

// splitRole splits "no-did-dialer" into "no-did" and "dialer".
func splitRole(role string) (condition, kind string) {
	for _, k := range []string{protocol.KindMulticast, protocol.KindDialer} {
		if c, ok := strings.CutSuffix(role, "-"+k); ok {
			return c, k
		}
	}
	return role, ""
}
