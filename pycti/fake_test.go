package pycti

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/opencti-go/sdk"
)

const testToken = "3f8e2b1c-token-value-never-logged"

var (
	schemaOnce sync.Once
	schemaSDK  *ast.Schema
)

// sdkSchema loads the embedded schema.graphql once.
func sdkSchema(t testing.TB) *ast.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: sdk.SchemaGraphQL})
		if err != nil {
			panic(err)
		}
		schemaSDK = s
	})
	return schemaSDK
}

// received is one request as the fake platform saw it.
type received struct {
	OpName    string
	Query     string
	Variables map[string]any
	Header    http.Header
	Parts     []string  // multipart part names, in order
	Map       string    // the multipart "map" part
	Files     []gotFile // file parts, in order
	RawOps    string    // the multipart "operations" part
}

type gotFile struct {
	Part        string
	FileName    string // raw filename parameter, not passed through filepath.Base
	ContentType string
	Size        int64
	SHA256      [32]byte
}

// reply is the response the fake platform sends.
type reply struct {
	Status int
	Header map[string]string
	Body   string
}

func ok(data string) reply { return reply{Status: 200, Body: `{"data":` + data + `}`} }

// fakePlatform is an httptest server that validates every GraphQL request
// against the SDK's schema, records it and responds with respond.
type fakePlatform struct {
	t       testing.TB
	srv     *httptest.Server
	respond func(r received) reply

	mu   sync.Mutex
	reqs []received
}

func newFakePlatform(t testing.TB, respond func(r received) reply) *fakePlatform {
	t.Helper()
	f := &fakePlatform{t: t, respond: respond}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a client for the fake with fast retries.
func (f *fakePlatform) client(t testing.TB, opts ...Option) *Client {
	t.Helper()
	opts = append([]Option{WithRetry(RetryPolicy{MaxAttempts: 4, InitialDelay: time.Millisecond,
		MaxDelay: 5 * time.Millisecond})}, opts...)
	c, err := NewClient(f.srv.URL, testToken, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakePlatform) requests() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.reqs...)
}

func (f *fakePlatform) serve(w http.ResponseWriter, r *http.Request) {
	rec, err := f.read(r)
	if err != nil {
		f.t.Errorf("fake platform: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/graphql") {
		if msg := validate(f.t, rec); msg != "" {
			f.t.Errorf("fake platform: operation %s is invalid: %s", rec.OpName, msg)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"errors":[{"message":%q,"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`, msg)
			return
		}
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, rec)
	f.mu.Unlock()
	rep := f.respond(rec)
	ct := "application/json"
	for k, v := range rep.Header {
		w.Header().Set(k, v)
		if strings.EqualFold(k, "Content-Type") {
			ct = v
		}
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(rep.Status)
	io.WriteString(w, rep.Body)
}

func (f *fakePlatform) read(r *http.Request) (received, error) {
	rec := received{Header: r.Header.Clone()}
	if r.Method == http.MethodGet {
		rec.OpName = "GET " + r.URL.EscapedPath()
		return rec, nil
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return rec, err
	}
	var body []byte
	if mt == "multipart/form-data" {
		body, err = readMultipart(r.Body, params["boundary"], &rec)
	} else {
		body, err = io.ReadAll(r.Body)
	}
	if err != nil {
		return rec, err
	}
	var req struct {
		Query         string         `json:"query"`
		Variables     map[string]any `json:"variables"`
		OperationName string         `json:"operationName"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return rec, fmt.Errorf("request body is not JSON: %w", err)
	}
	rec.OpName, rec.Query, rec.Variables = req.OperationName, req.Query, req.Variables
	if rec.Map != "" {
		var m map[string][]string
		if err := json.Unmarshal([]byte(rec.Map), &m); err != nil {
			return rec, fmt.Errorf("map part is not JSON: %w", err)
		}
		for part, paths := range m {
			for _, p := range paths {
				setPath(rec.Variables, strings.TrimPrefix(p, "variables."), "upload:"+part)
			}
		}
	}
	return rec, nil
}

// readMultipart reads a GraphQL multipart body, streaming file parts into a
// hash, and returns the operations part.
func readMultipart(body io.Reader, boundary string, rec *received) ([]byte, error) {
	mr := multipart.NewReader(body, boundary)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rec.Parts = append(rec.Parts, part.FormName())
		switch part.FormName() {
		case "operations":
			b, _ := io.ReadAll(part)
			rec.RawOps = string(b)
		case "map":
			b, _ := io.ReadAll(part)
			rec.Map = string(b)
		default:
			_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
			if err != nil {
				return nil, fmt.Errorf("file part %s: %w", part.FormName(), err)
			}
			h := sha256.New()
			n, err := io.Copy(h, part)
			if err != nil {
				return nil, err
			}
			gf := gotFile{Part: part.FormName(), FileName: params["filename"],
				ContentType: part.Header.Get("Content-Type"), Size: n}
			copy(gf.SHA256[:], h.Sum(nil))
			rec.Files = append(rec.Files, gf)
		}
	}
	return []byte(rec.RawOps), nil
}

// setPath sets a dotted path ("file", "input.files.0") in decoded JSON.
func setPath(vars map[string]any, path string, value any) {
	keys := strings.Split(path, ".")
	var cur any = vars
	for i, k := range keys {
		last := i == len(keys)-1
		switch node := cur.(type) {
		case map[string]any:
			if last {
				node[k] = value
				return
			}
			cur = node[k]
		case []any:
			idx, _ := strconv.Atoi(k)
			if idx >= len(node) {
				return
			}
			if last {
				node[idx] = value
				return
			}
			cur = node[idx]
		}
	}
}

// validate checks the document and its variables against schema.graphql
// and returns the problems, or "".
func validate(t testing.TB, rec received) string {
	schema := sdkSchema(t)
	doc, perr := parser.ParseQuery(&ast.Source{Input: rec.Query})
	if perr != nil {
		return perr.Error()
	}
	if errs := validator.ValidateWithRules(schema, doc, nil); len(errs) > 0 {
		return errs.Error()
	}
	op := doc.Operations.ForName(rec.OpName)
	if op == nil {
		return "no operation named " + rec.OpName
	}
	vars := rec.Variables
	if vars == nil {
		vars = map[string]any{}
	}
	if _, err := validator.VariableValues(schema, op, vars); err != nil {
		return err.Error()
	}
	return ""
}

// router responds by operation name and fails the test on any other.
func router(t testing.TB, routes map[string]func(received) reply) func(received) reply {
	return func(r received) reply {
		if h, ok := routes[r.OpName]; ok {
			return h(r)
		}
		t.Errorf("fake platform: unexpected operation %q", r.OpName)
		return reply{Status: 500, Body: `{"errors":[{"message":"unexpected operation"}]}`}
	}
}
