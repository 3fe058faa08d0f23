package pyctitest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	sdk "github.com/opencti-go/sdk"
	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// Server is an in-memory OpenCTI platform serving /graphql and
// /storage/get/<id> on 127.0.0.1 until Close. It is safe for concurrent
// use: one RWMutex guards the entities, users, works, files and connectors.
// A GraphQL query holds the read lock while it executes and a mutation the
// write lock, so every request reads a consistent state.
type Server struct {
	// URL is the base URL, for example "http://127.0.0.1:41234". The GraphQL
	// endpoint is URL + "/graphql".
	URL string

	cfg    *config
	log    *slog.Logger
	http   *httptest.Server
	exec   *gqlexec.Executor
	broker *broker
	faults *faultInjector
	reqlog *requestLog

	mu         sync.RWMutex
	data       *store
	users      map[string]*User
	tokens     map[string]*User
	groups     map[string]*Group
	works      map[string]*Work
	workOrder  []string
	files      map[string]*File
	fileOrder  []string
	connectors map[string]*Connector
	listCache  *listCache
	events     *eventLog
	streams    *streamState
	kinds      *kindsState
	pool       *workerPool

	// filterKeys are the filter keys the schema defines (filterKeySet).
	filterKeys map[string]bool
}

// NewServer starts a platform with the built-in administrator (AdminID,
// token AdminToken) and no data. Callers must Close it.
func NewServer(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if err := opt(cfg); err != nil {
			return nil, err
		}
	}
	sdl := cfg.schema
	if sdl == "" {
		sdl = sdk.SchemaGraphQL
	}
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: sdl})
	if err != nil {
		return nil, fmt.Errorf("pyctitest: load schema: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.logger, data: newStore(), users: map[string]*User{},
		tokens: map[string]*User{}, groups: map[string]*Group{}, works: map[string]*Work{},
		files: map[string]*File{}, connectors: map[string]*Connector{},
		faults: newFaultInjector(), reqlog: &requestLog{}, listCache: newListCache(),
		events: newEventLog(), streams: newStreamState(), kinds: newKindsState(),
		pool: &workerPool{consuming: map[string]bool{}}, filterKeys: filterKeySet(schema)}
	s.data.onChange = s.recordChange
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.exec, err = gqlexec.New(gqlexec.Config{Schema: schema, Resolvers: s.resolvers(schema),
		TypeOf: typeOfValue, Get: getField})
	if err != nil {
		return nil, err
	}
	admin := &User{ID: AdminID, Name: "admin", Email: "admin@opencti.io", Token: cfg.adminToken,
		Capabilities: []string{CapBypass}}
	s.users[admin.ID], s.tokens[admin.Token] = admin, admin
	if cfg.amqpURL != "" {
		if s.broker, err = newBroker(cfg.amqpURL, cfg.queuePrefix); err != nil {
			return nil, err
		}
	}
	s.http = httptest.NewServer(s)
	s.URL = s.http.URL
	return s, nil
}

// Close stops the HTTP server and closes the broker connection.
func (s *Server) Close() error {
	s.pool.close()
	s.http.Close()
	if s.broker != nil {
		return s.broker.close()
	}
	return nil
}

// AdminToken returns the API token of the built-in administrator, who has
// the BYPASS capability.
func (s *Server) AdminToken() string { return s.cfg.adminToken }

// CloseClientConnections closes every open client connection at once, as a
// platform restart or a proxy reset would.
func (s *Server) CloseClientConnections() { s.http.CloseClientConnections() }

// ServeHTTP serves /graphql, /storage/get/<id> and the live streams under
// /stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/graphql":
		s.serveGraphQL(w, r)
	case strings.HasPrefix(r.URL.Path, "/storage/get/"):
		s.serveStorage(w, r)
	case r.URL.Path == "/stream" || strings.HasPrefix(r.URL.Path, "/stream/"):
		s.serveStream(w, r)
	default:
		http.NotFound(w, r)
	}
}

// requestContext is the identity a request runs as.
type requestContext struct {
	caller *principal // owner of the token
	user   *principal // caller, or the impersonated applicant
}

type ctxKey struct{}

func withRequest(ctx context.Context, rc *requestContext) context.Context {
	return context.WithValue(ctx, ctxKey{}, rc)
}

func requestFrom(ctx context.Context) *requestContext {
	rc, _ := ctx.Value(ctxKey{}).(*requestContext)
	if rc == nil {
		return &requestContext{}
	}
	return rc
}

// applicantError reports an impersonation of a user that does not exist.
type applicantError struct{ id string }

func (e *applicantError) Error() string { return "applicant " + e.id + " not found" }

// authenticate returns the identity of r: nil principals for a request
// without a known token. The applicant header takes effect only when the
// token's user has BYPASS; otherwise the request runs as the caller. The
// caller holds s.mu.
func (s *Server) authenticate(r *http.Request) (*requestContext, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	u := s.tokens[strings.TrimSpace(token)]
	if !ok || u == nil {
		return &requestContext{}, nil
	}
	caller := s.principalOf(u)
	rc := &requestContext{caller: caller, user: caller}
	applicant := r.Header.Get("opencti-applicant-id")
	if applicant == "" || applicant == u.ID || !caller.has(CapBypass) {
		return rc, nil
	}
	target := s.users[applicant]
	if target == nil {
		return nil, &applicantError{id: applicant}
	}
	rc.user = s.principalOf(target)
	return rc, nil
}
