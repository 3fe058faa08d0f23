// Package demodata holds the sample dataset of the offline demo and the
// examples: an invented campaign ("Glass Tern" delivering the "Driftwood"
// downloader to a freight company) as a STIX 2.1 bundle.
//
// The bundle has a report with its author, an intrusion set, a malware, a
// tool, three attack patterns, three indicators, four observables, three
// identities, sixteen relationships, a sighting and the TLP:GREEN and
// TLP:AMBER marking definitions. Every id is the deterministic one OpenCTI
// computes for the object (UUIDv5 over its contributing properties), so the
// dataset seeds an in-memory platform the way an import would. Domains use
// the .example top-level domain and addresses come from RFC 5737.
package demodata

import _ "embed"

// GlassTern is the JSON text of the sample bundle.
//
//go:embed glass-tern.json
var GlassTern []byte
