// Package profile describes a Kairos target for the conformance suite: which
// flows play the roles scenarios ask for (spec section 8), which phone
// numbers to dial, and the section-7 knobs where a real server may differ
// from the reference server's [ref] decisions.
//
// The reference server's world produces a Profile for itself; QA write one in
// YAML for staging (fixtures/profiles/staging.example.yaml).
package profile

import (
	"crypto/rsa"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/protocol"
)

// Conditions of spec section 8, plus "rotatable": a healthy flow that
// scenarios may rotate with generateKeyPair without disturbing others.
var Conditions = []string{
	"healthy", "no-testing-version", "no-did", "no-mask", "invalid-gateway",
	"failing-gateway", "failing", "validity-expired", "zero-balance",
	"ip-not-whitelisted", "rotatable",
}

// Role names a flow by condition and kind, e.g. "no-did-dialer".
func Role(condition, kind string) string { return condition + "-" + kind }

// AllRoles lists every role, in a stable order.
func AllRoles() []string {
	var roles []string
	for _, c := range Conditions {
		roles = append(roles, Role(c, protocol.KindMulticast), Role(c, protocol.KindDialer))
	}
	return roles
}

// HTTP-status policies (spec section 7).
const (
	// StatusReference: 200 for every processed request; 404/405/413/415 for
	// transport errors (spec section 4 [ref]).
	StatusReference = protocol.DefaultHTTPStatusPolicy
	StatusAny       = "any"              // the HTTP status is not checked
	StatusAlways200 = "always-200"       // even transport errors answer 200
	StatusMirror    = "mirror-body-code" // the HTTP status equals api-response-code
)

// Flow is one flow a role maps to.
type Flow struct {
	FlowID        string `yaml:"flow-id"`
	SecurityID    string `yaml:"security-id"` // a secret: never logged
	PublicKeyFile string `yaml:"public-key"`
	// PrivateKeyFile is known only for flows whose server we run; it lets the
	// harness check encryptdata's RSA half. Optional.
	PrivateKeyFile string `yaml:"private-key,omitempty"`

	PublicKey  *rsa.PublicKey  `yaml:"-"`
	PrivateKey *rsa.PrivateKey `yaml:"-"`
}

// Phones are the numbers scenarios dial. Valid numbers are 10 digits
// starting 6-9, optionally prefixed 91 or +91 (spec section 2 [ref]).
type Phones struct {
	// Whitelisted numbers are on the healthy flows' test-phone whitelist.
	Whitelisted []string `yaml:"whitelisted"`
	// NotWhitelisted numbers are valid but on no test-phone whitelist.
	NotWhitelisted []string `yaml:"not-whitelisted"`
	// Invalid numbers are not valid numbers at all.
	Invalid []string `yaml:"invalid"`
}

// Knobs are the spec's section-7 settings.
type Knobs struct {
	RSAPadding         envelope.Padding `yaml:"-"`
	RSAPaddingName     string           `yaml:"rsa-padding"`
	RSAKeyBits         int              `yaml:"rsa-key-bits"`
	HTTPStatusPolicy   string           `yaml:"http-status-policy"`
	IPNotWhitelistedAs int              `yaml:"ip-not-whitelisted-code"`
	ChecksumWindow     time.Duration    `yaml:"checksum-window"`
	MaxCallsPerRequest int              `yaml:"max-calls-per-request"`
	MaxUUIDsPerPull    int              `yaml:"max-uuids-per-pull"`
	// AllowKeyRotation lets scenarios call generateKeyPair, which replaces a
	// live flow's key: off unless a profile says so.
	AllowKeyRotation bool `yaml:"allow-key-rotation"`
	// PullAPI says the target serves the (unpublished) Pull API path.
	PullAPI bool `yaml:"pull-api"`
	// MessageCheck is how api-response-message is compared with the status
	// table: exact, case-insensitive or off.
	MessageCheck protocol.MessageCheck `yaml:"message-check"`
	// Strictness says whether a failed @ref scenario fails the run
	// (reference) or is reported as a deviation (documented).
	Strictness protocol.Strictness `yaml:"strictness"`
	// TimingSamples is how many answer times the timing scenarios take per
	// class of failing envelope (at least 10).
	TimingSamples int `yaml:"timing-samples"`
	// MaxRequestsPerMinute paces every request of a run, the preflight's
	// included (0: no limit). Phonon publishes 500 for its real-time host.
	MaxRequestsPerMinute int `yaml:"max-requests-per-minute"`
	// MaxAcceptedCalls is the run's call budget: at most this many calls
	// accepted by the target (0: no limit). Each accepted TEST call rings
	// a test phone.
	MaxAcceptedCalls int `yaml:"max-accepted-calls"`
	// AllowBulkCalls lets one request place hundreds of calls (the
	// 500-call boundary): true only where that costs nothing.
	AllowBulkCalls bool `yaml:"allow-bulk-calls"`
}

// TLS configures how the harness trusts an https target.
type TLS struct {
	CAFile             string `yaml:"ca-file"`
	InsecureSkipVerify bool   `yaml:"insecure-skip-verify"`
}

// Profile is one target's description.
type Profile struct {
	Name   string          `yaml:"name"`
	Target string          `yaml:"target"` // base URL; the --target flag wins
	Flows  map[string]Flow `yaml:"flows"`  // by role
	Phones Phones          `yaml:"phones"`
	Knobs  Knobs           `yaml:"knobs"`
	TLS    TLS             `yaml:"tls"`
	// Path is the file the profile came from, empty for a built-in one.
	Path string `yaml:"-"`
}

// Defaults are the reference server's decisions: the defaults package
// protocol keeps (SPEC.md section 7), the RSA ones the envelope's.
func Defaults() Knobs {
	return Knobs{
		RSAPadding:         envelope.PKCS1v15,
		RSAPaddingName:     envelope.PKCS1v15.String(),
		RSAKeyBits:         envelope.FlowKeyBits,
		HTTPStatusPolicy:   protocol.DefaultHTTPStatusPolicy,
		IPNotWhitelistedAs: int(protocol.DefaultIPNotWhitelistedCode),
		ChecksumWindow:     protocol.DefaultChecksumWindow,
		MaxCallsPerRequest: protocol.DefaultMaxCallsPerRequest,
		MaxUUIDsPerPull:    protocol.DefaultMaxUUIDsPerPull,
		AllowKeyRotation:   protocol.DefaultAllowKeyRotation,
		PullAPI:            protocol.DefaultPullAPI,
		MessageCheck:       protocol.DefaultMessageCheck,
		Strictness:         protocol.DefaultStrictness,
		TimingSamples:      protocol.DefaultTimingSamples,

		MaxRequestsPerMinute: protocol.DefaultMaxRequestsPerMinute,
		MaxAcceptedCalls:     protocol.DefaultMaxAcceptedCalls,
		AllowBulkCalls:       protocol.DefaultAllowBulkCalls,
	}
}

// Flow returns the flow that plays role, or a reason why there is none, to
// be shown as the scenario's skip reason.
func (p *Profile) Flow(role string) (Flow, error) {
	f, ok := p.Flows[role]
	if !ok {
		return Flow{}, fmt.Errorf("profile %s maps no flow to role %q", p.label(), role)
	}
	return f, nil
}

// Roles lists the roles the profile maps, sorted.
func (p *Profile) Roles() []string {
	roles := make([]string, 0, len(p.Flows))
	for r := range p.Flows {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	return roles
}

// Secrets lists the profile's secret strings (security ids), for redaction.
func (p *Profile) Secrets() []string {
	var s []string
	for _, f := range p.Flows {
		if f.SecurityID != "" {
			s = append(s, f.SecurityID)
		}
	}
	return s
}

func (p *Profile) label() string {
	switch {
	case p.Path != "":
		return p.Path
	case p.Name != "":
		return p.Name
	default:
		return "(built-in)"
	}
}

// validRole reports whether role is condition-kind from the vocabulary.
func validRole(role string) bool {
	for _, c := range Conditions {
		if role == Role(c, protocol.KindMulticast) || role == Role(c, protocol.KindDialer) {
			return true
		}
	}
	return false
}

// KindOf returns the kind part of a role.
func KindOf(role string) string {
	if strings.HasSuffix(role, "-"+protocol.KindDialer) {
		return protocol.KindDialer
	}
	return protocol.KindMulticast
}
