package refserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// The file's shape. Pointers tell "missing" from "false" / "0", so that a
// person who forgets a field is told rather than given a default.
type worldFile struct {
	Accounts []accountFile `yaml:"accounts"`
	Phones   phonesFile    `yaml:"phones"`
	Flows    []flowFile    `yaml:"flows"`
}

type accountFile struct {
	ID          string   `yaml:"id"`
	IPWhitelist []string `yaml:"ip-whitelist"`
	ValidUntil  string   `yaml:"valid-until"`
	Balance     *float64 `yaml:"balance"`
}

type phonesFile struct {
	NotWhitelisted []string `yaml:"not-whitelisted"`
	Invalid        []string `yaml:"invalid"`
}

type flowFile struct {
	FlowID         string   `yaml:"flow-id"`
	Role           string   `yaml:"role"`
	Kind           string   `yaml:"kind"`
	Account        string   `yaml:"account"`
	SecurityID     string   `yaml:"security-id"`
	PublicKey      string   `yaml:"public-key"`
	PrivateKey     string   `yaml:"private-key"`
	TestingVersion *bool    `yaml:"testing-version"`
	TestPhones     []string `yaml:"test-phones"`
	DIDs           []string `yaml:"dids"`
	Masks          []string `yaml:"masks"`
	SMSGateway     string   `yaml:"sms-gateway"`
	Failing        *bool    `yaml:"failing"`
}

var (
	flowIDPattern     = regexp.MustCompile(`^[A-Za-z0-9]{8}$`)
	securityIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{64}$`)
)

// conditionFields says which field makes a flow have a condition, and how,
// for messages that tell a person what to edit.
var conditionFields = map[string][2]string{
	"no-testing-version": {"testing-version", "testing-version: false"},
	"ip-not-whitelisted": {"account", "an account whose ip-whitelist admits neither 127.0.0.1 nor ::1"},
	"validity-expired":   {"account", "an account whose valid-until has passed"},
	"zero-balance":       {"account", "an account with a balance of zero or less"},
	"no-did":             {"dids", "no DIDs"},
	"no-mask":            {"masks", "no masks"},
	"invalid-gateway":    {"sms-gateway", "sms-gateway: invalid"},
	"failing-gateway":    {"sms-gateway", "sms-gateway: failing"},
	"failing":            {"failing", "failing: true"},
}

// worldParser validates one file; its errors name file, line, owner and field.
type worldParser struct {
	path  string
	files worldFiles // where the key files are
	root  *yaml.Node
	now   time.Time
}

// ParseWorld is LoadWorld for bytes already read: path names the file in
// errors and anchors relative key paths; now judges account validity.
func ParseWorld(path string, data []byte, now time.Time) (*World, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("world %s: %w", path, err)
	}
	return parseWorld(path, abs, data, now, diskFiles{dir: filepath.Dir(abs)})
}

// parseWorld parses data, naming the file path in errors and worldPath in
// World.Path, and reads the key files from files.
func parseWorld(path, worldPath string, data []byte, now time.Time, files worldFiles) (*World, error) {
	p := &worldParser{path: path, files: files, root: &yaml.Node{}, now: now}
	if err := yaml.Unmarshal(data, p.root); err != nil {
		return nil, fmt.Errorf("world %s: %w", path, err)
	}
	var wf worldFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&wf); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("world %s: the file is empty", path)
		}
		return nil, p.decodeError(err)
	}
	w := &World{Path: worldPath, byID: map[string]*Flow{}, byRole: map[string]*Flow{}}
	accounts, err := p.accounts(wf.Accounts)
	if err != nil {
		return nil, err
	}
	for _, af := range wf.Accounts {
		w.Accounts = append(w.Accounts, accounts[af.ID])
	}
	if len(wf.Flows) == 0 {
		return nil, p.errorf(p.line("flows"), "field flows", "no flows: give each role a flow")
	}
	securityIDs := map[string]string{}
	for i := range wf.Flows {
		f, err := p.flow(i, &wf.Flows[i], accounts, w, securityIDs)
		if err != nil {
			return nil, err
		}
		w.Flows = append(w.Flows, f)
		w.byID[f.ID] = f
		w.byRole[f.Role] = f
	}
	if err := p.phones(&wf.Phones, w); err != nil {
		return nil, err
	}
	return w, nil
}

func (p *worldParser) errorf(line int, where, format string, args ...any) error {
	return fmt.Errorf("world %s:%d: %s: %s", p.path, line, where, fmt.Sprintf(format, args...))
}

func (p *worldParser) accounts(files []accountFile) (map[string]*Account, error) {
	if len(files) == 0 {
		return nil, p.errorf(p.line("accounts"), "field accounts", "no accounts: every flow needs one")
	}
	out := map[string]*Account{}
	for i, af := range files {
		where := fmt.Sprintf("account %q", af.ID)
		if af.ID == "" {
			return nil, p.errorf(p.line("accounts", i), fmt.Sprintf("account #%d", i+1), "field id: missing")
		}
		if out[af.ID] != nil {
			return nil, p.errorf(p.line("accounts", i, "id"), where, "field id: used by an earlier account too")
		}
		a := &Account{ID: af.ID}
		for j, s := range af.IPWhitelist {
			prefix, err := parseIPOrPrefix(s)
			if err != nil {
				return nil, p.errorf(p.line("accounts", i, "ip-whitelist", j), where, "field ip-whitelist: %v", err)
			}
			a.IPWhitelist = append(a.IPWhitelist, prefix)
		}
		until, err := parseValidUntil(af.ValidUntil)
		if err != nil {
			return nil, p.errorf(p.line("accounts", i, "valid-until"), where, "field valid-until: %v", err)
		}
		a.ValidUntil = until
		if af.Balance == nil {
			return nil, p.errorf(p.line("accounts", i), where, "field balance: missing (0 or less means no balance)")
		}
		a.Balance = *af.Balance
		out[a.ID] = a
	}
	return out, nil
}

func parseIPOrPrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR prefix", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR prefix", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// parseValidUntil reads a date (valid through that day, UTC) or an RFC 3339
// time and returns the first instant the account is no longer valid.
func parseValidUntil(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("missing: a date such as 2099-12-31")
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.AddDate(0, 0, 1), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a date (2099-12-31) nor an RFC 3339 time", s)
	}
	return t, nil
}

func (p *worldParser) flow(i int, ff *flowFile, accounts map[string]*Account, w *World, securityIDs map[string]string) (*Flow, error) {
	where := fmt.Sprintf("flow %q (%s)", ff.FlowID, ff.Role)
	fail := func(field, format string, args ...any) error {
		line := p.line("flows", i, field)
		return p.errorf(line, where, "field %s: %s", field, fmt.Sprintf(format, args...))
	}
	switch {
	case !flowIDPattern.MatchString(ff.FlowID):
		return nil, fail("flow-id", "%q is not 8 alphanumerics", ff.FlowID)
	case w.byID[ff.FlowID] != nil:
		return nil, fail("flow-id", "used by an earlier flow too")
	case !slices.Contains(profile.AllRoles(), ff.Role):
		return nil, fail("role", "%q is not a role (CONDITION-multicast or CONDITION-dialer, CONDITION one of %s)", ff.Role, strings.Join(profile.Conditions, ", "))
	case w.byRole[ff.Role] != nil:
		return nil, fail("role", "already played by flow %q", w.byRole[ff.Role].ID)
	case ff.Kind != protocol.KindMulticast && ff.Kind != protocol.KindDialer:
		return nil, fail("kind", "%q: want %s or %s", ff.Kind, protocol.KindMulticast, protocol.KindDialer)
	case ff.Kind != profile.KindOf(ff.Role):
		return nil, fail("kind", "%s, but role %s is a %s role", ff.Kind, ff.Role, profile.KindOf(ff.Role))
	case accounts[ff.Account] == nil:
		return nil, fail("account", "no account %q", ff.Account)
	case !securityIDPattern.MatchString(ff.SecurityID):
		return nil, fail("security-id", "not 64 alphanumerics")
	case securityIDs[ff.SecurityID] != "":
		return nil, fail("security-id", "the same as flow %q's", securityIDs[ff.SecurityID])
	case ff.PublicKey == "":
		return nil, fail("public-key", "missing: a PEM file, e.g. ../keys/%s_public.key", ff.FlowID)
	case ff.PrivateKey == "":
		return nil, fail("private-key", "missing: a PEM file, e.g. ../keys/%s_private.key", ff.FlowID)
	case ff.TestingVersion == nil:
		return nil, fail("testing-version", "missing: true or false")
	case ff.SMSGateway != GatewayValid && ff.SMSGateway != GatewayInvalid && ff.SMSGateway != GatewayFailing:
		return nil, fail("sms-gateway", "%q: want %s, %s or %s", ff.SMSGateway, GatewayValid, GatewayInvalid, GatewayFailing)
	case ff.Failing == nil:
		return nil, fail("failing", "missing: true or false")
	}
	securityIDs[ff.SecurityID] = ff.FlowID
	pubFile, err := p.files.resolve(ff.PublicKey)
	if err != nil {
		return nil, fail("public-key", "%v", err)
	}
	privFile, err := p.files.resolve(ff.PrivateKey)
	if err != nil {
		return nil, fail("private-key", "%v", err)
	}
	f := &Flow{
		ID: ff.FlowID, Role: ff.Role, Kind: ff.Kind, Account: accounts[ff.Account],
		SecurityID:     ff.SecurityID,
		PublicKeyFile:  pubFile,
		PrivateKeyFile: privFile,
		TestingVersion: *ff.TestingVersion,
		DIDs:           ff.DIDs, Masks: ff.Masks, Gateway: ff.SMSGateway, Failing: *ff.Failing,
	}
	pub, priv, field, err := loadKeys(p.files, f.PublicKeyFile, f.PrivateKeyFile)
	if err != nil {
		return nil, fail(field, "%v", err)
	}
	f.PublicKey, f.PrivateKey = pub, priv
	for j, n := range ff.TestPhones {
		national, ok := nationalNumber(n)
		if !ok {
			return nil, p.errorf(p.line("flows", i, "test-phones", j), where, "field test-phones: %q is not a valid number (10 digits starting 6-9, optionally after 91 or +91)", n)
		}
		if slices.Contains(f.TestPhones, national) {
			return nil, p.errorf(p.line("flows", i, "test-phones", j), where, "field test-phones: %q is listed twice", n)
		}
		f.TestPhones = append(f.TestPhones, national)
	}
	if f.TestingVersion && len(f.TestPhones) == 0 {
		return nil, fail("test-phones", "empty: a testing version needs at least one whitelisted number")
	}
	if !f.TestingVersion && len(f.TestPhones) > 0 {
		return nil, fail("test-phones", "the flow has no testing version, so it has no test-phone whitelist")
	}
	for field, list := range map[string][]string{"dids": f.DIDs, "masks": f.Masks} {
		if slices.Contains(list, "") {
			return nil, fail(field, "an empty entry")
		}
	}
	return f, p.checkRole(f, fail)
}

// checkRole requires the flow to be exactly what its role says and healthy
// otherwise, so that the role's code is the first one the flow reaches.
func (p *worldParser) checkRole(f *Flow, fail func(field, format string, args ...any) error) error {
	want := f.Condition()
	have := f.conditions(p.now)
	if want != "healthy" && want != "rotatable" && !slices.Contains(have, want) {
		cf := conditionFields[want]
		return fail(cf[0], "role %s needs %s", f.Role, cf[1])
	}
	for _, c := range have {
		if c != want {
			cf := conditionFields[c]
			return fail(cf[0], "%s makes the flow %s, but role %s must otherwise be healthy", cf[1], c, f.Role)
		}
	}
	return nil
}

func (p *worldParser) phones(pf *phonesFile, w *World) error {
	for j, n := range pf.NotWhitelisted {
		national, ok := nationalNumber(n)
		if !ok {
			return p.errorf(p.line("phones", "not-whitelisted", j), "phones", "field not-whitelisted: %q is not a valid number", n)
		}
		for _, f := range w.Flows {
			if slices.Contains(f.TestPhones, national) {
				return p.errorf(p.line("phones", "not-whitelisted", j), "phones", "field not-whitelisted: %q is on flow %q's test-phones", n, f.ID)
			}
		}
	}
	for j, n := range pf.Invalid {
		if _, ok := nationalNumber(n); ok {
			return p.errorf(p.line("phones", "invalid", j), "phones", "field invalid: %q is a valid number", n)
		}
	}
	w.NotWhitelisted, w.Invalid = pf.NotWhitelisted, pf.Invalid
	return nil
}
