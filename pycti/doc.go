// Package pycti is a typed client for the OpenCTI GraphQL API. It targets
// OpenCTI 7.260817.0 and keeps working with 6.x.
//
// The operations are GraphQL documents in pycti/operations, generated with
// genqlient into the internal package pycti/internal/gen; this package wraps
// them in plain Go types.
//
// # Clients and identities
//
// NewClient builds a client from the platform's base URL and an API token.
// In tests and demos, point it at the in-memory platform of package
// pycti/pyctitest: NewClient(srv.URL, srv.AdminToken()).
// Requests run as the token's user (the connector identity) unless they go
// through a view made by Client.AsApplicant, which sends the
// opencti-applicant-id header so that the platform runs them as that user
// (it honours the header only when the token's user has BYPASS). An export
// reads as the requesting user and uploads as the connector:
//
//	reader := client.AsApplicant(applicantID)
//	for obj, err := range reader.StixCoreObjects().ByIDs(ctx, ids, pycti.ListOptions{}) { ... }
//	err := client.ExportPush(ctx, entityID, file, markings)
//
// Registration, pings, work reports, bundle pushes and uploads always run as
// the connector, whatever view calls them.
//
// # Errors
//
// A response with GraphQL errors returns a *GraphQLError that keeps every
// error (message, code, path, data), the HTTP status and the partial data.
// The platform's older errors carry their code in a top-level "name"
// ("AuthRequired"), newer ones in extensions.code ("AUTH_REQUIRED"); both
// are read. A response that is not GraphQL (an HTML error page, a 502)
// returns an *HTTPError with a short body excerpt. errors.Is matches
// ErrUnauthorized, ErrForbidden, ErrNotFound and ErrInvalidRequest on both
// types.
//
// # Pagination
//
// Each list is a Collection with Get (by id), List (one page) and All (an
// iter.Seq2 over every page, following endCursor). All stops with a
// *PaginationError (matching ErrPagination) when a page repeats a cursor or
// is empty while claiming a next page; items yielded before stay valid.
// ByIDs reads many ids in batched ids filters.
//
// # Writes
//
// Create creates or upserts an element from a typed input (MalwareInput,
// IndicatorInput, RelationshipInput, ...) or from a map of the platform's
// input fields; CreateObservable does the same for observables. Update
// changes fields and Delete deletes an element. A typed input leaves its
// unset optional fields out of the request, so that an older platform
// never receives a field it does not know unless the caller set it.
// Optional numbers and booleans are pointers, so nil leaves them out and
// new(0) sends 0. Score fields are x_opencti_score, from 0 to 100.
//
// # Filters
//
// FilterGroup is the platform's filter format. Where, AllOf, AnyOf, And and
// IDs build filters; ParseFilterGroup reads one received from the platform
// (an export's main_filter or access_filter) and encoding it again gives the
// same filter, unknown members included.
//
// # Uploads
//
// ExportPush and ListExportPush send a File as a GraphQL multipart request
// (operations, map, then the file), streamed from its io.Reader and named
// exactly as given. Download streams a stored file.
//
// # Standard ids
//
// StandardID, RelationshipStandardID and SightingStandardID compute the
// standard_id the platform gives an element from its contributing
// properties, so that a connector can reference an element before the
// platform has created it, or check an id it received.
//
// # Retries
//
// Requests that fail with a network error or HTTP 429, 502, 503 or 504 are
// retried with exponential backoff and jitter (RetryPolicy). GraphQL errors
// are never retried. Mutations are retried only when repeating them is
// harmless: registration, pings, work status changes, uploads with seekable
// bodies, creations (upserts) and field updates. Adding a work,
// expectation counters and bundle pushes are sent once.
//
// # Concurrency
//
// A Client and its views are safe for concurrent use and share one HTTP
// client. Collections are small values and safe for concurrent use. An
// iterator returned by All or ByIDs must be consumed by one goroutine.
package pycti

//go:generate go tool genqlient ../genqlient.yaml
