package protocol

// Flow kinds (SPEC.md section 8): a flow is served only by the create
// endpoints of its own kind.
const (
	KindMulticast = "multicast"
	KindDialer    = "dialer"
)

// The endpoints of SPEC.md section 1: every one is POST with a JSON body.
const (
	PathMulticastCreate    = "/kairos-apis/outbound/create"
	PathDialerCreate       = "/kairos-apis/outbounddialer/create"
	PathEncMulticastCreate = "/kairos-apis/enc/outbound/create"
	PathEncDialerCreate    = "/kairos-apis/enc/outbounddialer/create"
	PathGenerateKeyPair    = "/kairos-apis/enc/outbound/generateKeyPair"
	PathEncryptData        = "/kairos-apis/enc/outbound/encryptdata"
	PathPull               = "/kairos-apis/pull"
)

// Endpoint is one endpoint and how the harness names it.
type Endpoint struct {
	Path string
	// Kind is the flow kind a create endpoint serves (KindMulticast or
	// KindDialer); empty for the other endpoints.
	Kind string
	// Encrypted is set where the body is an envelope (SPEC.md section 3).
	Encrypted bool
	// Tag is the tag scenarios about the endpoint carry, without its @.
	Tag string
	// Name is what people call it, for the reports.
	Name string
}

// Endpoints lists every endpoint in the reports' order (the encrypted
// create endpoints first), a fresh slice each call.
func Endpoints() []Endpoint {
	return []Endpoint{
		{PathEncMulticastCreate, KindMulticast, true, "endpoint-enc-multicast", "Encrypted multicast"},
		{PathEncDialerCreate, KindDialer, true, "endpoint-enc-dialer", "Encrypted dialer"},
		{PathMulticastCreate, KindMulticast, false, "endpoint-plain-multicast", "Plain multicast"},
		{PathDialerCreate, KindDialer, false, "endpoint-plain-dialer", "Plain dialer"},
		{PathGenerateKeyPair, "", false, "endpoint-generatekeypair", "generateKeyPair"},
		{PathEncryptData, "", false, "endpoint-encryptdata", "encryptdata"},
		{PathPull, "", false, "endpoint-pull", "Pull API"},
	}
}

// CreatePath is the create endpoint for a flow kind, plain or encrypted;
// any kind but KindDialer is taken for KindMulticast.
func CreatePath(kind string, encrypted bool) string {
	if kind != KindDialer {
		kind = KindMulticast
	}
	for _, e := range Endpoints() {
		if e.Kind == kind && e.Encrypted == encrypted {
			return e.Path
		}
	}
	return "" // not reached: the table has all four create endpoints (TestCreatePath)
}
