package pycti

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Sentinel errors for errors.Is. A *GraphQLError matches them by the
// platform's error code, a *HTTPError by its status code. Codes of failures
// that may pass on a later attempt, such as LOCK_ERROR and DATABASE_ERROR,
// match none of them.
var (
	// ErrUnauthorized means the token is missing, invalid or expired
	// (HTTP 401, codes AUTH_REQUIRED and AUTH_FAILURE).
	ErrUnauthorized = errors.New("opencti: authentication required")
	// ErrForbidden means the user lacks a capability or access to the data
	// (HTTP 403, code FORBIDDEN_ACCESS).
	ErrForbidden = errors.New("opencti: access forbidden")
	// ErrNotFound means the element or resource does not exist or is not
	// visible (HTTP 404, codes RESOURCE_NOT_FOUND and MISSING_REFERENCE_ERROR).
	// It also matches ALREADY_DELETED_ERROR, which the platform returns when
	// the target of a delete or a clean-up cannot be loaded by its id.
	ErrNotFound = errors.New("opencti: not found")
	// ErrInvalidRequest means the platform rejected the request itself, so
	// sending it again unchanged fails the same way. Such requests are never
	// retried. It covers two groups, which ErrorEntry.Code distinguishes:
	//
	//   - A document the GraphQL server rejects before running it, for
	//     example an unknown field or argument on an older platform (HTTP
	//     400, codes GRAPHQL_VALIDATION_FAILED, GRAPHQL_PARSE_FAILED,
	//     BAD_USER_INPUT and BAD_REQUEST).
	//   - A request the platform runs and rejects under its own rules.
	//     UNSUPPORTED_ERROR is an unknown filter key, an unsupported filter
	//     operator or another unsupported operation. VALIDATION_ERROR is an
	//     invalid field value. FUNCTIONAL_ERROR is a failed business check,
	//     such as an edit of an id that does not exist.
	ErrInvalidRequest = errors.New("opencti: invalid graphql request")
)

// sentinelCodes maps each sentinel to the error codes that match it. The
// platform has used two spellings: its older errors (apollo-errors) carry a
// top-level "name" such as "AuthRequired", its newer ones (graphql-js
// GraphQLError) carry extensions.code such as "AUTH_REQUIRED". Both are
// listed.
var sentinelCodes = map[error][]string{
	ErrUnauthorized: {"AUTH_REQUIRED", "AUTH_FAILURE", "AuthRequired", "AuthFailure"},
	ErrForbidden:    {"FORBIDDEN_ACCESS", "ForbiddenAccess"},
	ErrNotFound: {"RESOURCE_NOT_FOUND", "ResourceNotFound", "MISSING_REFERENCE_ERROR",
		"MissingReferenceError", "ALREADY_DELETED_ERROR", "AlreadyDeletedError"},
	ErrInvalidRequest: {"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_USER_INPUT",
		"BAD_REQUEST", "UNSUPPORTED_ERROR", "UnsupportedError", "VALIDATION_ERROR",
		"ValidationError", "FUNCTIONAL_ERROR", "FunctionalError"},
}

// GraphQLError is a response that carried a non-empty "errors" array. It
// keeps every error, the HTTP status and the partial data the server
// returned next to the errors.
type GraphQLError struct {
	// Operation is the name of the operation that failed.
	Operation string
	// StatusCode is the HTTP status of the response (200 for most errors).
	StatusCode int
	// Errors holds every member of the "errors" array, in order.
	Errors []ErrorEntry
	// Data is the "data" member of the response, null or partial.
	Data json.RawMessage
}

// ErrorEntry is one member of the "errors" array of a GraphQL response.
type ErrorEntry struct {
	// Message is the human-readable message.
	Message string
	// Code is extensions.code when present, else the top-level name.
	Code string
	// Path is the response path of the failing field, made of field names
	// (strings) and list indexes (float64 after JSON decoding).
	Path []any
	// Data is extensions.data when present, else the top-level data: the
	// platform's details such as http_status and reason.
	Data json.RawMessage
}

// wireError is the JSON shape of an error entry, with both spellings.
type wireError struct {
	Message    string          `json:"message"`
	Name       string          `json:"name"`
	Path       []any           `json:"path"`
	Data       json.RawMessage `json:"data"`
	Extensions struct {
		Code string          `json:"code"`
		Data json.RawMessage `json:"data"`
	} `json:"extensions"`
}

func (w wireError) entry() ErrorEntry {
	e := ErrorEntry{Message: w.Message, Code: w.Extensions.Code, Path: w.Path, Data: w.Extensions.Data}
	if e.Code == "" {
		e.Code = w.Name
	}
	if len(e.Data) == 0 {
		e.Data = w.Data
	}
	return e
}

// Error returns the operation and, for every error, its code, message,
// details (ErrorEntry.Data less http_status, genre and input) and path.
func (e *GraphQLError) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "opencti: %s:", e.Operation)
	for i, entry := range e.Errors {
		if i > 0 {
			sb.WriteString(";")
		}
		if entry.Code != "" {
			fmt.Fprintf(&sb, " %s:", entry.Code)
		}
		if entry.Message == "" {
			sb.WriteString(" error without a message")
		} else {
			sb.WriteString(" " + entry.Message)
		}
		if details := entry.details(); details != "" {
			sb.WriteString(" " + details)
		}
		if len(entry.Path) > 0 {
			fmt.Fprintf(&sb, " (at %s)", formatPath(entry.Path))
		}
	}
	return sb.String()
}

// maxDetailsLen is the max length, in bytes, of the details of one error.
const maxDetailsLen = 200

// details formats the members of the error's data that name the cause, such
// as the rejected filter keys, as "{keys: [...]}". It leaves out
// http_status and genre, which the code implies, and input, which repeats
// the request (pycti leaves it out too).
func (e ErrorEntry) details() string {
	var data map[string]json.RawMessage
	if json.Unmarshal(e.Data, &data) != nil {
		return ""
	}
	names := make([]string, 0, len(data))
	for name := range data {
		switch name {
		case "http_status", "genre", "input":
		default:
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + ": " + string(data[name])
	}
	out := "{" + strings.Join(parts, ", ") + "}"
	if len(out) > maxDetailsLen {
		out = strings.ToValidUTF8(out[:maxDetailsLen], "") + "...}"
	}
	return out
}

func formatPath(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}

// Is reports whether any error entry carries a code of target, one of the
// sentinels of this package.
func (e *GraphQLError) Is(target error) bool {
	codes, ok := sentinelCodes[target]
	if !ok {
		return false
	}
	for _, entry := range e.Errors {
		for _, c := range codes {
			if entry.Code == c {
				return true
			}
		}
	}
	return false
}

// HTTPError is a response whose status or body was not a GraphQL response:
// a proxy error page, a 502 from a load balancer, a storage download error.
type HTTPError struct {
	// Operation is the operation or the download that failed.
	Operation string
	// StatusCode is the HTTP status code.
	StatusCode int
	// Body is the start of the response body, at most 512 bytes, with
	// invalid UTF-8 replaced.
	Body string
}

// maxErrorBody caps the error body excerpt kept in an HTTPError.
const maxErrorBody = 512

func newHTTPError(op string, status int, body []byte) *HTTPError {
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	return &HTTPError{Operation: op, StatusCode: status, Body: strings.ToValidUTF8(string(body), "?")}
}

// Error returns the operation, the status and the body excerpt.
func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("opencti: %s: http status %d %s", e.Operation, e.StatusCode,
		http.StatusText(e.StatusCode))
	if e.Body != "" {
		msg += ": " + strings.Join(strings.Fields(e.Body), " ")
	}
	return msg
}

// Is matches ErrInvalidRequest on 400, ErrUnauthorized on 401, ErrForbidden
// on 403 and ErrNotFound on 404.
func (e *HTTPError) Is(target error) bool {
	switch target {
	case ErrInvalidRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	}
	return false
}

// ErrPagination is matched by every *PaginationError.
var ErrPagination = errors.New("opencti: pagination stopped")

// PaginationError stops an iteration whose server responses cannot lead to
// the end of the list: a page that repeats a cursor already sent, or an
// empty page that still claims a next one. The items yielded before it are
// valid; the list is incomplete.
type PaginationError struct {
	// Operation is the list operation.
	Operation string
	// Cursor is the endCursor of the page that stopped the iteration.
	Cursor string
	// Page is the 1-based number of that page.
	Page int
	// Reason describes what was wrong with the page.
	Reason string
}

// Error names the operation, the page, the cursor and the reason.
func (e *PaginationError) Error() string {
	return fmt.Sprintf("opencti: %s: pagination stopped at page %d (cursor %q): %s",
		e.Operation, e.Page, e.Cursor, e.Reason)
}

// Is matches ErrPagination.
func (e *PaginationError) Is(target error) bool { return target == ErrPagination }
