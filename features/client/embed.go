// Package client holds the client-certification feature files (tagged
// @client), embedded so that runner certify-client works from any
// directory. Their steps are in internal/certify/clientsteps.
package client

import "embed"

// FS holds the *.feature files of this directory.
//
//go:embed *.feature
var FS embed.FS
