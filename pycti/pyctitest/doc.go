// Package pyctitest is an in-memory OpenCTI platform for tests and demos,
// used like net/http/httptest: NewServer starts it on 127.0.0.1 with a
// random port, and Close stops it. Seed it with SeedBundle, then read it
// through package pycti with pycti.NewClient(srv.URL, srv.AdminToken()).
//
// The server answers GraphQL requests on /graphql and file downloads on
// /storage/get/<id>. Every request is parsed and validated against the
// SDK's schema.graphql (or the schema given with WithSchema); an invalid
// operation gets the error the platform sends, with extensions.code.
// Queries read a store of entities seeded from STIX 2.1 bundles
// (SeedBundle, SeedFile) or platform fixtures (SeedFixture); mutations
// register connectors, track works, store uploaded export files and create
// entities. A created entity gets the standard id the platform would give
// it (pycti.StandardID, RelationshipStandardID and SightingStandardID), and
// a creation whose standard id exists already updates that entity, as the
// platform's upsert does.
//
// List filters are checked as the platform checks them: a key that no type
// of the schema has as a field (and that is not a platform special key such
// as ids or regardingOf) fails with UNSUPPORTED_ERROR, and so do within
// filters without two valid dates. Operators the server does not evaluate
// (only_eq_to, script, has_changed) fail with UNSUPPORTED_ERROR too.
// As with the platform's default alias batching limits, a request fails
// validation when it names one root query field more than twice or one root
// mutation field more than once.
//
// # Identity
//
// Requests authenticate with "Authorization: Bearer <token>". The built-in
// administrator (AdminID, AdminToken) has the BYPASS capability. AddGroup
// and AddUser add accounts whose groups grant capabilities and allowed
// markings. The "opencti-applicant-id" header makes a request run as
// another user only when the token's user has BYPASS; otherwise it runs as
// the caller, as on the platform. Every read hides the entities whose
// markings the user may not see, including inside toStix refs.
//
// # Broker
//
// With WithAMQP, registerConnector declares the connector's exchanges,
// queues and bindings on RabbitMQ as the platform does. AskExport,
// AskImport and AskEnrichment create a work and publish the message the
// platform sends for an export, a file import (of a file stored with
// UploadImport) or an enrichment; AskPlaybookEnrichment publishes a
// playbook step, whose reply PlaybookReplies returns. StartWorkers
// imports what connectors publish to their push queues and completes
// their works, as the platform's workers do.
//
// # Streams
//
// Every write to the store feeds an event log, served as server-sent
// events at /stream (raw), /stream/live and /stream/<id> (collections
// added with AddStream), with the platform's frames, ids, heartbeats,
// dependencies and recovery. DropStreams and SilenceStreams break or mute
// the open connections.
//
// # Faults and observation
//
// SetFaults and FailNext inject latency, HTTP 502 answers, timeouts,
// GraphQL errors and dropped connections. Requests and OperationCounts
// return the request log; Works, Files and Connectors return what
// connectors reported, uploaded and registered.
package pyctitest
