package pyctitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// maxBodyBytes bounds a GraphQL request body, like the platform's
// app:max_payload_body_size default of 50 MB.
const maxBodyBytes = 50 << 20

// Upload is a file received in a GraphQL multipart request. Resolvers get it
// as the value of an Upload variable.
type Upload struct {
	Filename    string
	ContentType string
	Data        []byte
}

type graphQLResponse struct {
	Data   any           `json:"data,omitempty"`
	Errors gqlerror.List `json:"errors,omitempty"`
}

func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &RequestRecord{Time: s.cfg.clock(), Method: r.Method, Path: r.URL.Path,
		ApplicantID: r.Header.Get("opencti-applicant-id")}
	// The record is logged before the response is written, so a client that
	// has read its response finds its request in Requests and OperationCounts.
	done := func() {
		rec.Duration = time.Since(start)
		s.reqlog.add(rec)
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "graphql request",
			slog.String("operation", rec.Operation), slog.Int("status", rec.Status),
			slog.Duration("duration", rec.Duration), slog.Any("error_codes", rec.ErrorCodes))
	}
	if r.Method != http.MethodPost {
		rec.Status = http.StatusMethodNotAllowed
		done()
		http.Error(w, "use POST for GraphQL requests", http.StatusMethodNotAllowed)
		return
	}
	req, err := readGraphQLRequest(r)
	if err != nil {
		rec.Status = http.StatusBadRequest
		done()
		writeJSON(w, http.StatusBadRequest, graphQLResponse{Errors: gqlerror.List{
			gqlexec.NewError(gqlexec.CodeBadRequest, err.Error(), nil)}})
		return
	}
	rec.Operation, rec.Variables = s.operationName(req), req.Variables
	if s.faults.apply(w, r, rec.Operation, func(status int) {
		rec.Status, rec.Fault = status, true
		done()
	}) {
		return
	}
	rec.Status = http.StatusOK
	resp := s.execute(r, req, rec)
	for _, e := range resp.Errors {
		rec.ErrorCodes = append(rec.ErrorCodes, gqlexec.Code(e))
	}
	status := http.StatusOK
	if len(resp.Errors) > 0 && gqlexec.Code(resp.Errors[0]) == gqlexec.CodeBadRequest {
		status = http.StatusBadRequest
	}
	rec.Status = status
	done()
	writeJSON(w, status, resp)
}

// operationName returns the name of the operation a request runs, or
// the root field names of an anonymous one, or "" for an invalid request.
func (s *Server) operationName(req gqlexec.Request) string {
	if req.OperationName != "" {
		return req.OperationName
	}
	if op, errs := s.exec.Prepare(req); errs == nil {
		return op.Name()
	}
	return ""
}

// execute authenticates, prepares and runs one request. The response to
// every GraphQL error has HTTP status 200, as the platform's response plugin
// sets it.
func (s *Server) execute(r *http.Request, req gqlexec.Request, rec *RequestRecord) graphQLResponse {
	op, errs := s.exec.Prepare(req)
	if errs != nil {
		return graphQLResponse{Errors: errs}
	}
	rec.Operation = op.Name()
	if err := checkRootFieldRepeats(op); err != nil {
		return graphQLResponse{Errors: gqlerror.List{err}}
	}
	mutation := op.Definition.Operation == ast.Mutation
	if mutation {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	rc, err := s.authenticate(r)
	var ae *applicantError
	if errors.As(err, &ae) {
		// The platform's wording for an unknown applicant.
		return graphQLResponse{Errors: gqlerror.List{errFunctional("Cant impersonate applicant " + ae.id)}}
	}
	if rc.caller != nil {
		rec.UserID = rc.caller.user.ID
	}
	if injected := s.faults.graphQLError(op.Name()); injected != nil {
		return graphQLResponse{Data: nil, Errors: gqlerror.List{injected}}
	}
	res := s.exec.Execute(withRequest(r.Context(), rc), op)
	out := graphQLResponse{Errors: res.Errors}
	if res.Data != nil {
		out.Data = res.Data
	} else {
		out.Data = json.RawMessage("null")
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// readGraphQLRequest decodes a JSON body or a GraphQL multipart request
// (parts "operations", "map", then one part per file).
func readGraphQLRequest(r *http.Request) (gqlexec.Request, error) {
	var req gqlexec.Request
	body := http.MaxBytesReader(nil, r.Body, maxBodyBytes)
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "multipart/form-data" {
		dec := json.NewDecoder(body)
		dec.UseNumber()
		if err := dec.Decode(&req); err != nil {
			return req, fmt.Errorf("invalid JSON body: %v", err)
		}
		req.Variables = plainNumbers(req.Variables).(map[string]any)
		return req, nil
	}
	return readMultipart(r)
}

func readMultipart(r *http.Request) (gqlexec.Request, error) {
	var req gqlexec.Request
	mr, err := r.MultipartReader()
	if err != nil {
		return req, fmt.Errorf("invalid multipart body: %v", err)
	}
	var fileMap map[string][]string
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return req, fmt.Errorf("invalid multipart body: %v", err)
		}
		data, err := io.ReadAll(io.LimitReader(part, maxBodyBytes))
		if err != nil {
			return req, fmt.Errorf("read multipart part %q: %v", part.FormName(), err)
		}
		switch {
		case i == 0 && part.FormName() == "operations":
			if err := json.Unmarshal(data, &req); err != nil {
				return req, fmt.Errorf("invalid operations part: %v", err)
			}
		case i == 1 && part.FormName() == "map":
			if err := json.Unmarshal(data, &fileMap); err != nil {
				return req, fmt.Errorf("invalid map part: %v", err)
			}
		case i >= 2:
			paths, ok := fileMap[part.FormName()]
			if !ok {
				return req, fmt.Errorf("file part %q is not in the map part", part.FormName())
			}
			up := &Upload{Filename: part.FileName(), ContentType: part.Header.Get("Content-Type"), Data: data}
			for _, p := range paths {
				if err := setUpload(req.Variables, p, up); err != nil {
					return req, err
				}
			}
			delete(fileMap, part.FormName())
		default:
			return req, fmt.Errorf("multipart part %d is %q: the order must be operations, map, files",
				i, part.FormName())
		}
	}
	if len(fileMap) > 0 {
		return req, fmt.Errorf("multipart map names %d file parts that are missing", len(fileMap))
	}
	return req, nil
}

// setUpload stores up at a path such as "variables.file" or
// "variables.files.0".
func setUpload(vars map[string]any, path string, up *Upload) error {
	elems := strings.Split(path, ".")
	if len(elems) < 2 || elems[0] != "variables" || vars == nil {
		return fmt.Errorf("invalid map path %q: start it with variables", path)
	}
	var cur any = vars
	for i, el := range elems[1:] {
		last := i == len(elems)-2
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[el] = up
				return nil
			}
			cur = c[el]
		case []any:
			n, err := strconv.Atoi(el)
			if err != nil || n < 0 || n >= len(c) {
				return fmt.Errorf("invalid map path %q: index %q out of range", path, el)
			}
			if last {
				c[n] = up
				return nil
			}
			cur = c[n]
		default:
			return fmt.Errorf("invalid map path %q: %q is not an object or a list", path, el)
		}
	}
	return nil
}

// plainNumbers turns json.Number values into int64 when integral and
// float64 otherwise.
func plainNumbers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return map[string]any{}
		}
		for k, x := range v {
			v[k] = plainNumbers(x)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = plainNumbers(x)
		}
		return v
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	case nil:
		return nil
	}
	return v
}
