package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kairos-conformance/kairos-conformance/envelope"
	"github.com/kairos-conformance/kairos-conformance/internal/atomicfile"
	"github.com/kairos-conformance/kairos-conformance/internal/profile"
	"github.com/kairos-conformance/kairos-conformance/refserver"
)

// Files `runner serve --export DIR` writes into DIR.
const (
	exportProfileName = "profile.yaml" // mode 0600: it holds the security ids
	exportKeysDir     = "keys"         // <flow-id>_public.key, one per flow
	exportCAName      = "ca.pem"       // with --tls: the certificate clients trust
)

// exportedProfileName is the profile's name:, which titles the reports of a
// run against the served world.
const exportedProfileName = "runner serve (reference world)"

const exportHeader = `# WARNING: THIS FILE HOLDS SECRETS: the flows' security ids. It is written
# with mode 0600; keep it that way, out of version control, and do not share
# it. (These flows are the reference world's TEST ONLY flows; a profile for a
# real server holds real secrets in the same places.)
#
# A target profile for the reference server that ` + "`runner serve`" + ` started at
# %s, written by ` + "`runner serve --export`" + `. Run the suite against it
# with this file alone:
#
#     runner --profile %s
#
# or point a client at the target below with a flow's flow-id, security-id
# and public key (keys/, relative to this file). The target is this server's
# address: export again when the server restarts on another port. A key that
# generateKeyPair replaces (the rotatable-* flows) is not written back.
# Fields: fixtures/profiles/README.md in the repository.
`

// exportServed writes DIR/keys/<flow>_public.key for every flow the world
// serves, DIR/ca.pem when caPEM is given, and DIR/profile.yaml, a profile
// naming them, last, so that a profile on disk always finds its files. It
// returns the profile's path.
func exportServed(dir, baseURL string, world *refserver.World, caPEM []byte, now time.Time) (string, error) {
	keysDir := filepath.Join(dir, exportKeysDir)
	if err := os.MkdirAll(keysDir, 0o700); err != nil {
		return "", err
	}
	prof := world.Profile(baseURL)
	prof.Name = exportedProfileName
	for role, f := range prof.Flows {
		pemBytes, err := envelope.MarshalPublicKeyPEM(f.PublicKey)
		if err != nil {
			return "", fmt.Errorf("flow %s: %w", f.FlowID, err)
		}
		name := f.FlowID + envelope.PublicKeySuffix
		if err := atomicfile.Write(keysDir, name, pemBytes); err != nil {
			return "", err
		}
		// Only the public half: a client never holds the server's key.
		f.PublicKeyFile = exportKeysDir + "/" + name
		f.PrivateKeyFile = ""
		prof.Flows[role] = f
	}
	if caPEM != nil {
		if err := atomicfile.Write(dir, exportCAName, caPEM); err != nil {
			return "", err
		}
		prof.TLS = profile.TLS{CAFile: exportCAName}
	}
	var body strings.Builder
	enc := yaml.NewEncoder(&body)
	enc.SetIndent(2)
	if err := enc.Encode(prof); err != nil {
		return "", err
	}
	enc.Close()
	path := filepath.Join(dir, exportProfileName)
	header := fmt.Sprintf(exportHeader, now.UTC().Format(time.RFC3339), path)
	if err := atomicfile.WriteMode(dir, exportProfileName, []byte(header+"\n"+body.String()), 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// exportSummary is what serve prints about the export.
func exportSummary(profilePath string, tls bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "exported: %s (HOLDS THE SECURITY IDS, mode 0600) and the public keys in %s\n",
		profilePath, filepath.Join(filepath.Dir(profilePath), exportKeysDir))
	if tls {
		fmt.Fprintf(&b, "exported: %s, the CA clients trust (tls.ca-file)\n", filepath.Join(filepath.Dir(profilePath), exportCAName))
	}
	fmt.Fprintf(&b, "run the suite against this server: runner --profile %s\n", profilePath)
	return b.String()
}
