package profile

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/timing"
)

// Load reads and validates a YAML profile. Errors name the file, the line
// and the field. Key paths are relative to the profile's directory.
func Load(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	return Parse(path, data)
}

// Parse is Load for bytes already read; path is used in errors and to
// resolve key files.
func Parse(path string, data []byte) (*Profile, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	p := &Profile{Knobs: Defaults()}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	p.Path = path
	if err := p.resolve(filepath.Dir(path)); err != nil {
		var fe *fieldError
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("profile %s:%d: %s: %s", path, lineOf(&root, fe.path...), joinPath(fe.path), fe.msg)
		}
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	return p, nil
}

// fieldError is a validation failure at a YAML key path.
type fieldError struct {
	path []string
	msg  string
}

func (e *fieldError) Error() string { return joinPath(e.path) + ": " + e.msg }

func fieldErr(msg string, path ...string) error { return &fieldError{path: path, msg: msg} }

var alphanumeric = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// resolve validates the profile and loads its key files from dir.
func (p *Profile) resolve(dir string) error {
	if p.Target != "" {
		if u, err := url.Parse(p.Target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fieldErr(fmt.Sprintf("%q is not an http(s) base URL", p.Target), "target")
		}
	}
	if len(p.Flows) == 0 {
		return fieldErr("no flows: map at least one role (e.g. healthy-multicast)", "flows")
	}
	for role, f := range p.Flows {
		if !validRole(role) {
			return fieldErr(fmt.Sprintf("unknown role %q (roles are CONDITION-multicast or CONDITION-dialer)", role), "flows", role)
		}
		if err := f.resolve(dir, role); err != nil {
			return err
		}
		p.Flows[role] = f
	}
	if p.TLS.CAFile != "" {
		p.TLS.CAFile = relativeTo(dir, p.TLS.CAFile)
		if _, err := os.Stat(p.TLS.CAFile); err != nil {
			return fieldErr(err.Error(), "tls", "ca-file")
		}
	}
	return p.Knobs.resolve()
}

func (f *Flow) resolve(dir, role string) error {
	if !alphanumeric.MatchString(f.FlowID) {
		return fieldErr(fmt.Sprintf("%q is not an alphanumeric flow id", f.FlowID), "flows", role, "flow-id")
	}
	if f.SecurityID == "" {
		return fieldErr("missing", "flows", role, "security-id")
	}
	if f.PublicKeyFile == "" {
		return fieldErr("missing: the flow's public key PEM file", "flows", role, "public-key")
	}
	f.PublicKeyFile = relativeTo(dir, f.PublicKeyFile)
	pub, err := envelope.LoadPublicKey(f.PublicKeyFile)
	if err != nil {
		return fieldErr(err.Error(), "flows", role, "public-key")
	}
	f.PublicKey = pub
	if f.PrivateKeyFile != "" {
		f.PrivateKeyFile = relativeTo(dir, f.PrivateKeyFile)
		priv, err := envelope.LoadPrivateKey(f.PrivateKeyFile)
		if err != nil {
			return fieldErr(err.Error(), "flows", role, "private-key")
		}
		if !priv.PublicKey.Equal(pub) {
			return fieldErr("does not match public-key", "flows", role, "private-key")
		}
		f.PrivateKey = priv
	}
	return nil
}

func (k *Knobs) resolve() error {
	padding, err := envelope.ParsePadding(k.RSAPaddingName)
	if err != nil {
		return fieldErr(err.Error(), "knobs", "rsa-padding")
	}
	k.RSAPadding = padding
	switch k.HTTPStatusPolicy {
	case StatusReference, StatusAny, StatusAlways200, StatusMirror:
	default:
		return fieldErr(fmt.Sprintf("%q is not one of %s, %s, %s, %s", k.HTTPStatusPolicy,
			StatusReference, StatusAny, StatusAlways200, StatusMirror), "knobs", "http-status-policy")
	}
	if k.IPNotWhitelistedAs != int(protocol.IPNotWhitelisted) && k.IPNotWhitelistedAs != protocol.BulkHostIPNotWhitelistedCode {
		return fieldErr(fmt.Sprintf("%d: want %d (the table) or %d (Phonon's bulk host)", k.IPNotWhitelistedAs,
			int(protocol.IPNotWhitelisted), protocol.BulkHostIPNotWhitelistedCode), "knobs", "ip-not-whitelisted-code")
	}
	if k.RSAKeyBits < envelope.MinKeyBits {
		return fieldErr(fmt.Sprintf("%d: want at least %d", k.RSAKeyBits, envelope.MinKeyBits), "knobs", "rsa-key-bits")
	}
	if k.ChecksumWindow <= 0 {
		return fieldErr("must be a positive duration such as 24h", "knobs", "checksum-window")
	}
	if k.MaxCallsPerRequest < 1 {
		return fieldErr("must be at least 1", "knobs", "max-calls-per-request")
	}
	if k.MaxUUIDsPerPull < 1 {
		return fieldErr("must be at least 1", "knobs", "max-uuids-per-pull")
	}
	if _, err := protocol.ParseMessageCheck(string(k.MessageCheck)); err != nil {
		return fieldErr(err.Error(), "knobs", "message-check")
	}
	if _, err := protocol.ParseStrictness(string(k.Strictness)); err != nil {
		return fieldErr(err.Error(), "knobs", "strictness")
	}
	if k.TimingSamples < timing.MinSamples {
		return fieldErr(fmt.Sprintf("%d: want at least %d (with fewer answers per class no difference can reach p < 0.001)", k.TimingSamples, timing.MinSamples), "knobs", "timing-samples")
	}
	if k.MaxRequestsPerMinute < 0 {
		return fieldErr("must be 0 (no limit) or more", "knobs", "max-requests-per-minute")
	}
	if k.MaxAcceptedCalls < 0 {
		return fieldErr("must be 0 (no limit) or more", "knobs", "max-accepted-calls")
	}
	return nil
}

func relativeTo(dir, path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// lineOf finds the line of the deepest key of path that exists in the document.
func lineOf(root *yaml.Node, path ...string) int {
	node, line := root, 1
	if node.Kind == yaml.DocumentNode && len(node.Content) > 0 {
		node = node.Content[0]
		line = node.Line
	}
	for _, key := range path {
		if node.Kind != yaml.MappingNode {
			break
		}
		found := false
		for i := 0; i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value == key {
				line, node, found = node.Content[i].Line, node.Content[i+1], true
				break
			}
		}
		if !found {
			break
		}
	}
	return line
}

func joinPath(path []string) string {
	out := ""
	for i, p := range path {
		if i > 0 {
			out += "."
		}
		out += p
	}
	return out
}
