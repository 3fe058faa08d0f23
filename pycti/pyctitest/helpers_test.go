package pyctitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// fullSchema returns the platform's full schema text.
func fullSchema(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(testenv.SharedDir(t, "opencti", "schema.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// newFullServer starts a server validating against the full schema.
func newFullServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := NewServer(append([]Option{WithSchema(fullSchema(t))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

type gqlResult struct {
	Status int
	Data   map[string]any
	Errors []map[string]any
	Raw    []byte
}

// gql posts a request with the token and optional applicant, and checks
// that the data conforms to the server's schema.
func gql(t testing.TB, s *Server, token, applicant, query string, vars map[string]any) gqlResult {
	t.Helper()
	return gqlNamed(t, s, token, applicant, query, "", vars)
}

// gqlNamed is gql with an operation name, for documents with several
// operations.
func gqlNamed(t testing.TB, s *Server, token, applicant, query, opName string, vars map[string]any) gqlResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars, "operationName": opName})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if applicant != "" {
		req.Header.Set("opencti-applicant-id", applicant)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Data   map[string]any   `json:"data"`
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, raw)
	}
	res := gqlResult{Status: resp.StatusCode, Data: out.Data, Errors: out.Errors, Raw: raw}
	if _, bench := t.(*testing.B); out.Data != nil && !bench {
		checkConforms(t, s, query, opName, vars, out.Data)
	}
	return res
}

func checkConforms(t testing.TB, s *Server, query, opName string, vars map[string]any, data map[string]any) {
	t.Helper()
	op, errs := s.exec.Prepare(gqlexec.Request{Query: query, OperationName: opName, Variables: vars})
	if errs != nil {
		t.Fatalf("prepare for conformance check: %v", errs)
	}
	if err := gqlexec.CheckResponse(s.exec.Schema(), op, data); err != nil {
		t.Errorf("%v", err)
	}
}

func mustNoErrors(t testing.TB, r gqlResult) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %s", r.Raw)
	}
}
