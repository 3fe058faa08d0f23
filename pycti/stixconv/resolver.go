package stixconv

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/opencti-go/sdk/pycti"
)

// MapResolver is a Resolver over data held in memory, for converting nodes
// already read (or built) without a platform. It is safe for concurrent
// use when its maps are not modified.
type MapResolver struct {
	// Refs are the nested ref relationship nodes by the internal id of the
	// object they start from.
	Refs map[string][]json.RawMessage
	// Hidden are the internal ids the requester may not see; every other
	// id is visible.
	Hidden map[string]bool
	// Files are the contents of stored files by file id; a missing id fails
	// its download.
	Files map[string][]byte
}

// NestedRefs returns Refs[objectID].
func (m MapResolver) NestedRefs(_ context.Context, objectID string) ([]json.RawMessage, error) {
	return m.Refs[objectID], nil
}

// Visible reports the ids that are not Hidden.
func (m MapResolver) Visible(_ context.Context, ids []string) (map[string]bool, error) {
	vis := make(map[string]bool, len(ids))
	for _, id := range ids {
		vis[id] = !m.Hidden[id]
	}
	return vis, nil
}

// Download returns Files[fileID].
func (m MapResolver) Download(_ context.Context, fileID string) ([]byte, error) {
	data, ok := m.Files[fileID]
	if !ok {
		return nil, fmt.Errorf("download %s: %w", fileID, pycti.ErrNotFound)
	}
	return data, nil
}

// ClientResolver is a Resolver that reads through a pycti client one
// request at a time, as pycti does: one nested-refs listing per object
// (every page, where pycti stops at 500), one visibility check per call
// and one download per file. Client is the view to read as (the requesting
// user); AccessFilter is the export's marking restriction, nil for none.
// It is safe for concurrent use.
type ClientResolver struct {
	Client       *pycti.Client
	AccessFilter *pycti.FilterGroup
}

// NestedRefs lists every nested ref relationship from objectID, filtered
// by the access filter.
func (r ClientResolver) NestedRefs(ctx context.Context, objectID string) (
	[]json.RawMessage, error) {
	opts := pycti.ListOptions{FromID: []string{objectID}, Filters: r.AccessFilter}
	var refs []json.RawMessage
	for n, err := range r.Client.RawNestedRefRelationships().All(ctx, opts) {
		if err != nil {
			return nil, err
		}
		refs = append(refs, n)
	}
	return refs, nil
}

// Visible checks the ids under the access filter with
// pycti.Client.ExistingIDs.
func (r ClientResolver) Visible(ctx context.Context, ids []string) (map[string]bool, error) {
	return r.Client.ExistingIDs(ctx, ids, r.AccessFilter)
}

// Download reads a stored file whole.
func (r ClientResolver) Download(ctx context.Context, fileID string) ([]byte, error) {
	body, err := r.Client.Download(ctx, fileID)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return io.ReadAll(body)
}
