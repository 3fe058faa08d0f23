package gen

import "io"

// Upload is a file sent in a GraphQL multipart request. In the operations
// part it marshals as null, as the multipart request specification requires;
// the transport finds every Upload in the variables and streams Body as its
// own part, with Name as the file name, unchanged.
type Upload struct {
	// Name is the file name sent in the part's Content-Disposition header.
	Name string
	// ContentType is the part's media type; empty means
	// application/octet-stream.
	ContentType string
	// Body is read once, to its end, while the request is sent. When it also
	// implements io.Seeker, a failed request can be retried from the same
	// offset.
	Body io.Reader
}

// MarshalJSON encodes the upload as null.
func (Upload) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// Node is a member of a union or interface selection that pycti decodes into
// one struct instead of one generated Go type per implementation. Each field
// is filled only when the operation selects it for the node's type.
type Node struct {
	Typename         string   `json:"__typename"`
	ID               string   `json:"id"`
	StandardID       string   `json:"standard_id"`
	EntityType       string   `json:"entity_type"`
	ParentTypes      []string `json:"parent_types"`
	RelationshipType string   `json:"relationship_type"`
	ObservableValue  string   `json:"observable_value"`
	// ToStix is the platform's STIX 2.1 JSON of the node, or null or empty
	// when it is not selected or not visible to the caller.
	ToStix *string `json:"toStix"`
}
