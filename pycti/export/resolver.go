package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/opencti-go/sdk/pycti"
)

// rawNode is an entity as the pycti profile reads it: the raw GraphQL node
// with the fields pycti selects, and the ids the export needs from it.
type rawNode struct {
	raw  json.RawMessage
	kind listKind
	head nodeHead
}

// nodeHead is the part of a raw node that the export reads itself.
type nodeHead struct {
	ID         string  `json:"id"`
	StandardID string  `json:"standard_id"`
	EntityType string  `json:"entity_type"`
	From       *idNode `json:"from"`
	To         *idNode `json:"to"`
	CreatedBy  *idNode `json:"createdBy"`
	Objects    *struct {
		Edges []struct {
			Node *idNode `json:"node"`
		} `json:"edges"`
	} `json:"objects"`
	ObjectOrganization []idNode `json:"objectOrganization"`
}

type idNode struct {
	ID string `json:"id"`
}

func (n *idNode) id() string {
	if n == nil {
		return ""
	}
	return n.ID
}

func parseNode(raw json.RawMessage, kind listKind) (*rawNode, error) {
	n := &rawNode{raw: raw, kind: kind}
	if err := json.Unmarshal(raw, &n.head); err != nil {
		return nil, fmt.Errorf("invalid node from the platform: %w", err)
	}
	return n, nil
}

// referencedIDs returns the internal ids whose visibility the conversion
// of the node checks: ends, author, members and organizations.
func (n *rawNode) referencedIDs() []string {
	h := &n.head
	ids := []string{h.From.id(), h.To.id(), h.CreatedBy.id()}
	if h.Objects != nil {
		for _, e := range h.Objects.Edges {
			ids = append(ids, e.Node.id())
		}
	}
	for _, o := range h.ObjectOrganization {
		ids = append(ids, o.ID)
	}
	return ids
}

// batchResolver is the stixconv.Resolver of the pycti profile. prepare
// reads the nested refs and the visibility a page of nodes needs in a few
// batched requests, so that converting the page costs no further request.
// Anything prepare did not cover is read on demand. It belongs to one page
// and one goroutine.
type batchResolver struct {
	r        *run
	nested   map[string][]json.RawMessage // by the internal id of the from end
	prepared map[string]bool              // ids whose nested refs are in nested
	visible  map[string]bool
}

func newBatchResolver(r *run) *batchResolver {
	return &batchResolver{r: r, nested: map[string][]json.RawMessage{},
		prepared: map[string]bool{}, visible: map[string]bool{}}
}

// prepare reads the nested refs of the nodes, then checks every id their
// conversion will ask about.
func (b *batchResolver) prepare(ctx context.Context, nodes []*rawNode) error {
	var from []string
	for _, n := range nodes {
		if id := n.head.ID; id != "" && !b.prepared[id] {
			from = append(from, id)
			b.prepared[id] = true
		}
	}
	var targets []string
	for chunk := range slices.Chunk(from, b.r.x.opts.BatchSize) {
		opts := b.r.accessOptions()
		opts.Filters = pycti.And(pycti.AllOf(pycti.Where("fromId", chunk...)), opts.Filters)
		for raw, err := range b.r.reader.RawNestedRefRelationships().All(ctx, opts) {
			if err != nil {
				return err
			}
			var ref nodeHead
			if err := json.Unmarshal(raw, &ref); err != nil {
				return fmt.Errorf("invalid nested ref from the platform: %w", err)
			}
			owner := ref.From.id()
			b.nested[owner] = append(b.nested[owner], raw)
			targets = append(targets, ref.To.id())
		}
	}
	for _, n := range nodes {
		targets = append(targets, n.referencedIDs()...)
	}
	_, err := b.Visible(ctx, targets)
	return err
}

// NestedRefs returns the nested refs prepare read, or reads them.
func (b *batchResolver) NestedRefs(ctx context.Context, objectID string) ([]json.RawMessage,
	error) {
	if b.prepared[objectID] {
		return b.nested[objectID], nil
	}
	opts := b.r.accessOptions()
	opts.Filters = pycti.And(pycti.AllOf(pycti.Where("fromId", objectID)), opts.Filters)
	var refs []json.RawMessage
	for raw, err := range b.r.reader.RawNestedRefRelationships().All(ctx, opts) {
		if err != nil {
			return nil, err
		}
		refs = append(refs, raw)
	}
	b.prepared[objectID] = true
	b.nested[objectID] = refs
	return refs, nil
}

// Visible checks the ids not checked yet through the access filter, in
// one batched existence check.
func (b *batchResolver) Visible(ctx context.Context, ids []string) (map[string]bool, error) {
	var unknown []string
	for _, id := range ids {
		if _, ok := b.visible[id]; !ok && id != "" {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		unknown = slices.Compact(unknown)
		found, err := b.r.reader.ExistingIDsBatched(ctx, unknown, b.r.req.AccessFilter,
			b.r.x.opts.BatchSize)
		if err != nil {
			return nil, err
		}
		for _, id := range unknown {
			b.visible[id] = found[id]
		}
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = b.visible[id]
	}
	return out, nil
}

// Download reads a stored file whole, as the requester.
func (b *batchResolver) Download(ctx context.Context, fileID string) ([]byte, error) {
	body, err := b.r.reader.Download(ctx, fileID)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return io.ReadAll(body)
}
