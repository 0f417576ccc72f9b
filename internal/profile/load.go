package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
	"github.com/kairos-conformance/kairos-conformance/internal/timing"
)

// Load reads and validates a YAML profile. A profile with mistakes gives an
// *Error listing every one, in file order, each with its line and YAML
// path. Key paths are relative to the profile's directory.
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
		// Not YAML at all: yaml's message names the line.
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	ps := &problems{root: &root}
	checkShape(ps, &root)
	p := &Profile{Knobs: Defaults()}
	if len(root.Content) > 0 {
		// Values checkShape refused stay at their defaults; everything
		// else is read.
		if err := root.Decode(p); err != nil && len(ps.list) == 0 {
			ps.add(1, nil, err.Error()) // checkShape should have named it
		}
	}
	p.Path = path
	p.resolve(ps, filepath.Dir(path), roleOrder(&root))
	if err := ps.err(path); err != nil {
		return nil, err
	}
	return p, nil
}

// roleOrder lists the roles under flows: in file order, so that their
// problems are found in the order a reader meets them.
func roleOrder(root *yaml.Node) []string {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	var roles []string
	for i := 0; doc.Kind == yaml.MappingNode && i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "flows" || doc.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		flows := doc.Content[i+1]
		for j := 0; j+1 < len(flows.Content); j += 2 {
			roles = append(roles, flows.Content[j].Value)
		}
	}
	return roles
}

var alphanumeric = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// resolve validates the profile and loads its key files from dir, the
// profile's directory, recording every problem in ps.
func (p *Profile) resolve(ps *problems, dir string, roles []string) {
	if p.Target != "" && !ps.has("target") {
		if u, err := url.Parse(p.Target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			ps.at([]string{"target"}, "%q is not an http(s) base URL", p.Target)
		}
	}
	if len(p.Flows) == 0 && !ps.has("flows") {
		ps.at([]string{"flows"}, "no flows: map at least one role (e.g. healthy-multicast)")
	}
	for _, role := range roles {
		f, ok := p.Flows[role]
		if !ok {
			continue
		}
		if !validRole(role) {
			ps.at([]string{"flows", role}, "unknown role %q%s", role, roleHint(role))
		}
		f.resolve(ps, dir, role)
		p.Flows[role] = f
	}
	if p.TLS.CAFile != "" && !ps.has("tls", "ca-file") {
		given := p.TLS.CAFile
		p.TLS.CAFile = relativeTo(dir, given)
		if _, err := os.Stat(p.TLS.CAFile); err != nil {
			ps.at([]string{"tls", "ca-file"}, "%s", fileProblem(dir, given, p.TLS.CAFile, err))
		}
	}
	p.Knobs.resolve(ps)
}

// roleHint is "; did you mean ..." for a near role, else how roles are made.
func roleHint(role string) string {
	if best := nearest(role, AllRoles()); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return " (roles are CONDITION-multicast or CONDITION-dialer; see fixtures/profiles/README.md)"
}

func (f *Flow) resolve(ps *problems, dir, role string) {
	at := func(field string) []string { return []string{"flows", role, field} }
	if !alphanumeric.MatchString(f.FlowID) && !ps.has(at("flow-id")...) {
		if f.FlowID == "" {
			ps.at(at("flow-id"), "missing: the flow's id")
		} else {
			ps.at(at("flow-id"), "%q is not an alphanumeric flow id", f.FlowID)
		}
	}
	if f.SecurityID == "" && !ps.has(at("security-id")...) {
		ps.at(at("security-id"), "missing: the flow's security id (a secret, from its Edit Flow page)")
	}
	if f.PublicKeyFile == "" {
		if !ps.has(at("public-key")...) {
			ps.at(at("public-key"), "missing: the flow's public key PEM file")
		}
		return
	}
	given := f.PublicKeyFile
	f.PublicKeyFile = relativeTo(dir, given)
	pub, err := readKey(f.PublicKeyFile, envelope.ParsePublicKeyPEM)
	if err != nil {
		ps.at(at("public-key"), "%s", fileProblem(dir, given, f.PublicKeyFile, err))
		return
	}
	f.PublicKey = pub
	if f.PrivateKeyFile == "" {
		return
	}
	given = f.PrivateKeyFile
	f.PrivateKeyFile = relativeTo(dir, given)
	priv, err := readKey(f.PrivateKeyFile, envelope.ParsePrivateKeyPEM)
	switch {
	case err != nil:
		ps.at(at("private-key"), "%s", fileProblem(dir, given, f.PrivateKeyFile, err))
	case !priv.PublicKey.Equal(pub):
		ps.at(at("private-key"), "does not match public-key (the two files are of different key pairs)")
	default:
		f.PrivateKey = priv
	}
}

func readKey[K any](path string, parse func([]byte) (K, error)) (K, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var zero K
		return zero, err
	}
	return parse(data)
}

// fileProblem says what is wrong with a file the profile names, and, for a
// relative name, where it was looked for: relative paths are read from the
// profile's directory, not the working directory.
func fileProblem(dir, given, resolved string, err error) string {
	where := ""
	if !filepath.IsAbs(given) {
		where = fmt.Sprintf(" (relative paths are read from the profile's directory, %s: this is %s)", dir, resolved)
	}
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("%s: no such file%s", given, where)
	case errors.As(err, &pathErr):
		return fmt.Sprintf("%s: %v%s", given, pathErr.Err, where)
	default:
		return fmt.Sprintf("%s: %v", given, err)
	}
}

func (k *Knobs) resolve(ps *problems) {
	at := func(knob string) []string { return []string{"knobs", knob} }
	check := func(knob string, bad bool, format string, args ...any) {
		if bad && !ps.has(at(knob)...) {
			ps.at(at(knob), format, args...)
		}
	}
	padding, err := envelope.ParsePadding(k.RSAPaddingName)
	check("rsa-padding", err != nil, "%v", err)
	k.RSAPadding = padding
	switch k.HTTPStatusPolicy {
	case StatusReference, StatusAny, StatusAlways200, StatusMirror:
	default:
		check("http-status-policy", true, "%q is not one of %s, %s, %s, %s", k.HTTPStatusPolicy,
			StatusReference, StatusAny, StatusAlways200, StatusMirror)
	}
	check("ip-not-whitelisted-code", k.IPNotWhitelistedAs != int(protocol.IPNotWhitelisted) && k.IPNotWhitelistedAs != protocol.BulkHostIPNotWhitelistedCode,
		"%d: want %d (the table) or %d (Phonon's bulk host)", k.IPNotWhitelistedAs, int(protocol.IPNotWhitelisted), protocol.BulkHostIPNotWhitelistedCode)
	check("rsa-key-bits", k.RSAKeyBits < envelope.MinKeyBits, "%d: want at least %d", k.RSAKeyBits, envelope.MinKeyBits)
	check("checksum-window", k.ChecksumWindow <= 0, "must be a positive duration such as 24h")
	check("max-calls-per-request", k.MaxCallsPerRequest < 1, "must be at least 1")
	check("max-uuids-per-pull", k.MaxUUIDsPerPull < 1, "must be at least 1")
	_, err = protocol.ParseMessageCheck(string(k.MessageCheck))
	check("message-check", err != nil, "%v", err)
	_, err = protocol.ParseStrictness(string(k.Strictness))
	check("strictness", err != nil, "%v", err)
	check("timing-samples", k.TimingSamples < timing.MinSamples,
		"%d: want at least %d (with fewer answers per class no difference can reach p < 0.001)", k.TimingSamples, timing.MinSamples)
	check("max-requests-per-minute", k.MaxRequestsPerMinute < 0, "must be 0 (no limit) or more")
	check("max-accepted-calls", k.MaxAcceptedCalls < 0, "must be 0 (no limit) or more")
}

func relativeTo(dir, path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}
