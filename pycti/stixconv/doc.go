// Package stixconv converts OpenCTI entities to STIX 2.1 in the pycti
// dialect: the objects the Python export connector writes, with top-level
// x_opencti_* properties, its type renames (x-opencti-case-incident,
// x-mitre-data-source, …) and its marking definitions built from the
// marking nodes. The platform's own STIX (the toStix field, OpenCTI data
// in extensions) is a different dialect that this package does not touch.
//
// # Conversion
//
// Convert takes one entity as read through pycti (a raw JSON node of
// pycti.Client.RawObjects, RawCoreRelationships or
// RawSightingRelationships, whose selections are pycti 7.260817.0's) and
// returns its STIX object with what simple mode brings along: the author
// identity, the data source of a data component and the marking
// definitions. Objects keep pycti's key order (selection order, then added
// keys) and encode to JSON as json.RawMessage.
//
// # Dialects
//
// The zero Compat is the fixed dialect: the defects of pycti's export
// that change its output are fixed, each behind one Compat switch. Pycti()
// sets every switch and reproduces pycti 7.260817.0. Options.NoCustom is
// pycti's no-custom mode.
//
// # I/O
//
// A conversion needs the entity's nested refs, the visibility of the
// objects it references and its files. A Resolver supplies them:
// ClientResolver reads through a pycti client one request at a time,
// MapResolver serves data held in memory, and the export engine plugs in
// its batched reads.
//
// # Full mode
//
// Todo lists what full mode reads after an entity and its relationships;
// Expand assembles the entity's full-mode objects from the converted
// results (first object per id wins) and trims container refs. Neither does
// I/O, so the caller reads the to-do objects in batches.
//
// # Concurrency
//
// Convert, Todo and Expand are safe for concurrent use; a Result and its
// Objects are not, and Expand does not modify its inputs.
package stixconv
