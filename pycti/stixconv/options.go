package stixconv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Options configures a conversion. The zero value converts in the fixed
// dialect with no nested refs, every referenced object visible and no file
// downloads (a node with files then fails with ErrNoDownloader).
type Options struct {
	// NoCustom leaves out everything OpenCTI-specific, as pycti's no-custom
	// mode does for a single entity: x_* properties, the author,
	// markings, external references, kill chain phases, granted
	// organizations and container refs. Labels stay.
	NoCustom bool
	// Compat turns defect fixes off one by one; Pycti() turns them all off
	// to reproduce pycti 7.260817.0.
	Compat Compat
	// Resolver performs the I/O a conversion needs. nil means
	// NopResolver.
	Resolver Resolver
}

// Compat holds one switch per defect of pycti's export that changes the
// output when fixed. The zero value is the fixed dialect; a true field
// reproduces pycti 7.260817.0 for that defect.
type Compat struct {
	// UnprefixedRefs keeps the unprefixed standard id (case-incident--…) in
	// every reference to a case, feedback, task, data component or data
	// source, while the object itself is exported as x-opencti-…/x-mitre-…:
	// such references dangle. Fixed: references use the prefixed id.
	UnprefixedRefs bool
	// IncompleteObjects exports a relationship or sighting whose end is
	// not visible or has no standard id without that ref (source_ref,
	// target_ref, sighting_of_ref, where_sighted_refs), and an object
	// without standard id with a null id. Fixed: such an object is left
	// out and Result.Dropped gives the reason.
	IncompleteObjects bool
	// UncheckedRefs writes container members, nested refs and granted
	// organizations without checking that the requester may see them, and
	// trims full-mode object_refs only on report, note, opinion,
	// observed-data and grouping. Fixed: refs to objects that are not
	// visible are left out and every container is trimmed.
	UncheckedRefs bool
	// UncheckedAuthor exports the author identity and created_by_ref
	// without checking that the requester may see the author. Fixed: an
	// author that is not visible is left out.
	UncheckedAuthor bool
	// SingularLinkedTo writes x_opencti_linked-to refs as one
	// x_opencti_linked_to_ref, so every value but the last is lost. Fixed:
	// x_opencti_linked_to_refs, a list.
	SingularLinkedTo bool
	// RefLists writes body-multipart and values refs as the id lists
	// body_multipart_refs and values_refs. Fixed: body_multipart holds the
	// MIME parts and values the registry values, embedded as STIX defines
	// them.
	RefLists bool
	// DuplicateMarkings appends the markings of attached files even when
	// the entity (or another file) already brought them, so a list can hold
	// one marking definition twice. Fixed: each marking once.
	DuplicateMarkings bool
	// NullFileData writes a file whose download failed with "data": null
	// (pycti 7.x). Fixed: the conversion fails with a *DownloadError.
	NullFileData bool
	// NullFileVersion writes "version": null in x_opencti_files entries of
	// files without a version. Fixed: the key is left out (STIX forbids
	// null values).
	NullFileVersion bool
	// LegacyTLP writes TLP:CLEAR as {"tlp": "clear"} on the TLP:WHITE id
	// and TLP:AMBER+STRICT as a tlp definition, both invalid STIX 2.1.
	// Fixed: TLP:CLEAR is the canonical TLP:WHITE object and
	// TLP:AMBER+STRICT uses the TLP 2.0 marking extension.
	LegacyTLP bool
	// LowercaseStatements lower-cases the text of statement markings.
	// Fixed: the statement as stored.
	LowercaseStatements bool
	// MissingSpecVersion exports the author of a sighting without
	// spec_version (pycti's sighting reader does not select it). Fixed:
	// "2.1".
	MissingSpecVersion bool
	// StringExtensions writes the extensions of files, network traffic,
	// processes and user accounts as the JSON string the platform stores.
	// Fixed: the decoded dictionary, or nothing when the string is not a
	// JSON object.
	StringExtensions bool
	// EnvironmentVariablesList writes a process's environment_variables as
	// the list of "NAME=value" strings the platform stores. Fixed: the
	// dictionary STIX defines.
	EnvironmentVariablesList bool
	// ExternalReferenceHash writes an external reference's hash as the
	// string "hash". Fixed: "hashes", keyed by the algorithm its length
	// implies (MD5, SHA-1, SHA-256, SHA-512), or x_opencti_hash otherwise.
	ExternalReferenceHash bool
	// RawHashAlgorithms keeps hash algorithm names as stored ("sha256").
	// Fixed: the STIX names (SHA-256) for the algorithms STIX defines.
	RawHashAlgorithms bool
	// Severity writes the severity of incidents and cases as "severity", a
	// property name STIX 2.1 reserves. Fixed: x_opencti_severity.
	Severity bool
	// NonSTIXProperties exports malware "samples" (the raw GraphQL list,
	// duplicating sample_refs) and threat_actor_group (a copy of the name).
	// Fixed: both left out.
	NonSTIXProperties bool
	// MicrosecondValidUntil writes a valid_until moved one second past
	// valid_from with six fractional digits. Fixed: milliseconds, as the
	// platform writes dates.
	MicrosecondValidUntil bool
	// NestedEmptyValues keeps null, empty strings, empty lists and empty
	// dictionaries below the top level, where pycti's empty-value filter
	// does not reach (x_opencti_observable_values[].hashes: []). Fixed:
	// removed at every depth.
	NestedEmptyValues bool
	// ReportContentWithFiles drops a report's content when it was read with
	// files, as pycti's with-files selection does not select it. Fixed:
	// content is kept.
	ReportContentWithFiles bool
	// CamelCaseObjectCovered writes the object a security coverage covers
	// as objectCovered, its GraphQL field name. STIX property names have
	// only lower-case letters, digits and underscores, so validators reject
	// the object. Fixed: x_opencti_object_covered, left out in no-custom
	// mode.
	CamelCaseObjectCovered bool
	// ObservableCreated writes the creation date of an SSH key as created,
	// the name of the common property of domain objects. Validators then
	// take the ssh-key for a custom domain object and reject it for lacking
	// modified. Fixed: x_opencti_created, left out in no-custom mode.
	ObservableCreated bool
	// LegacyFiles makes the reads select files in simple mode for the types
	// pycti always reads with files (pycti.RawFiles.Legacy). The conversion
	// converts whatever files a node holds and does not read this switch;
	// the export engine does.
	LegacyFiles bool
}

// Pycti returns the switches that reproduce pycti 7.260817.0: every
// defect fix turned off.
func Pycti() Compat {
	return Compat{UnprefixedRefs: true, IncompleteObjects: true, UncheckedRefs: true,
		UncheckedAuthor: true, SingularLinkedTo: true, RefLists: true, DuplicateMarkings: true,
		NullFileData: true, NullFileVersion: true, LegacyTLP: true, LowercaseStatements: true,
		MissingSpecVersion: true, StringExtensions: true, EnvironmentVariablesList: true,
		ExternalReferenceHash: true, RawHashAlgorithms: true, Severity: true,
		NonSTIXProperties: true, MicrosecondValidUntil: true, NestedEmptyValues: true,
		ReportContentWithFiles: true, CamelCaseObjectCovered: true, ObservableCreated: true,
		LegacyFiles: true}
}

// Resolver performs the reads a conversion needs beyond the node itself.
// The export engine implements it over batched, cached reads; ClientResolver
// reads one request at a time, as pycti does. Implementations must be safe
// for the concurrency their caller uses.
type Resolver interface {
	// NestedRefs returns every nested ref relationship from the object with
	// internal id objectID, in API order, as raw nodes of
	// pycti.Client.RawNestedRefRelationships (all pages).
	NestedRefs(ctx context.Context, objectID string) ([]json.RawMessage, error)
	// Visible reports which of the given internal ids the requester may see
	// under the export's marking restriction. Ids missing from the map are
	// not visible.
	Visible(ctx context.Context, ids []string) (map[string]bool, error)
	// Download returns the content of the stored file with the given id.
	// An error makes the file's data null or fails the conversion,
	// depending on Compat.NullFileData.
	Download(ctx context.Context, fileID string) ([]byte, error)
}

// ErrNoDownloader is returned for a node with files when the resolver
// cannot download.
var ErrNoDownloader = errors.New("no file downloader: set Options.Resolver")

// NopResolver is a Resolver with no data: no nested refs, every id
// visible, and downloads failing with ErrNoDownloader. It is safe for
// concurrent use.
type NopResolver struct{}

// NestedRefs returns no refs.
func (NopResolver) NestedRefs(context.Context, string) ([]json.RawMessage, error) {
	return nil, nil
}

// Visible reports every id visible.
func (NopResolver) Visible(_ context.Context, ids []string) (map[string]bool, error) {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m, nil
}

// Download fails with ErrNoDownloader.
func (NopResolver) Download(_ context.Context, fileID string) ([]byte, error) {
	return nil, fmt.Errorf("download %s: %w", fileID, ErrNoDownloader)
}

// DownloadError reports a file that could not be downloaded in the fixed
// dialect.
type DownloadError struct {
	FileID   string // the stored file's id
	EntityID string // internal id of the object the file belongs to
	Err      error
}

func (e *DownloadError) Error() string {
	return fmt.Sprintf("download file %s of %s: %v", e.FileID, e.EntityID, e.Err)
}

func (e *DownloadError) Unwrap() error { return e.Err }
