// Package export builds STIX 2.1 bundles from an OpenCTI platform, as the
// export-file-stix connector does. A bundle covers one entity (scope
// single), the ids a user ticked in a list (selection) or every object a
// list query matches (query), in mode simple or full. The package reads
// through package pycti and does not depend on the connector framework,
// so any program can run an export.
//
// # Running an export
//
// New builds an Exporter over a *pycti.Client. Exporter.Export runs one
// Request and uploads the bundle with the mutation the platform expects
// (the entity's exportPush for a single export, the list export of the
// request's entity type otherwise, with the request's file markings).
// Exporter.Write writes the bundle to an io.Writer instead. Reads run as
// Request.ApplicantID (impersonation); uploads run as the client's own
// user. Request.AccessFilter and Request.MainFilter go to the platform
// unchanged.
//
// # What a bundle holds
//
// Simple mode exports each entity with its author identity and its marking
// definitions. Full mode adds the entity's relationships and sightings,
// their other ends, every object the entity refers to (author, container
// members, nested refs such as sample_refs or resolves_to_refs), the
// authors of all these, and the marking definitions all of them cite. An
// object appears once, however many entities bring it.
//
// Every read goes through the access filter, so an object the requester
// may not see is never exported, and neither is a reference to it: a
// relationship or sighting with such an end, or with an end that is left
// out, is left out whole (counted in Result.Dropped and logged), and a
// container keeps only the members it may show. An object without a
// standard id is left out the same way. Marking references stay on their
// objects in every case.
//
// # Profiles
//
// ProfileNative, the default, writes the platform's own STIX (the toStix
// field: OpenCTI data in extensions), with five repairs where the
// platform's output breaks STIX 2.1: hash algorithms get the names STIX
// defines ("SHA-256" for "sha256"); a top-level severity, a name STIX
// reserves, moves into the OpenCTI extension; a country or region location
// without coordinates gets its name as country or region; a malware
// without is_family gets is_family true, as pycti writes it; and
// references to objects left out are removed as above. Author and marking objects,
// which toStix only cites, are read and added.
//
// ProfilePycti writes the Python connector's dialect with package
// stixconv, its defects fixed unless Options.Compat restores them.
//
// # Requests
//
// Reads are batched: objects are read by ids filters of up to
// Options.BatchSize ids, and relationships are listed for a page of
// Options.PageSize entities at once. So a page costs a few requests
// whatever it holds, as long as each list fits in one batch: in the native
// profile, a full export of one entity with its relationships, sightings,
// neighbours, authors and markings takes at most seven GraphQL reads and
// the upload.
//
// # Streaming and validation
//
// Objects are written as they are read, four-space indented like the
// Python connector's files, in a bundle with a random id. Memory holds one
// page and the set of ids written, not the bundle. Each object is checked
// by a stix/validate session as it is written. Export spools the bundle
// to a temporary file and uploads it only when the whole bundle passed, so
// a bundle with an error finding, or one cut short by a failed read, is
// never stored: the error is then a *ValidationError with the first
// findings, or the read error.
//
// # Concurrency
//
// An Exporter is safe for concurrent use; each call runs its own export.
package export
