package pycti

import (
	"errors"
	"testing"
)

// Each platform error code matches its sentinel and no other, in both the
// extensions.code spelling and the older top-level name spelling.
func TestGraphQLErrorCodeSentinels(t *testing.T) {
	sentinels := []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrInvalidRequest}
	cases := map[string]error{
		"AUTH_REQUIRED":             ErrUnauthorized,
		"AuthFailure":               ErrUnauthorized,
		"FORBIDDEN_ACCESS":          ErrForbidden,
		"MISSING_REFERENCE_ERROR":   ErrNotFound,
		"ALREADY_DELETED_ERROR":     ErrNotFound,
		"AlreadyDeletedError":       ErrNotFound,
		"GRAPHQL_VALIDATION_FAILED": ErrInvalidRequest,
		"UNSUPPORTED_ERROR":         ErrInvalidRequest,
		"UnsupportedError":          ErrInvalidRequest,
		"VALIDATION_ERROR":          ErrInvalidRequest,
		"ValidationError":           ErrInvalidRequest,
		"FUNCTIONAL_ERROR":          ErrInvalidRequest,
		"FunctionalError":           ErrInvalidRequest,
		// Failures that may pass on a later attempt match no sentinel.
		"LOCK_ERROR":     nil,
		"DATABASE_ERROR": nil,
		"UNKNOWN_ERROR":  nil,
	}
	for code, want := range cases {
		err := &GraphQLError{Operation: "Op", Errors: []ErrorEntry{{Code: code, Message: "m"}}}
		for _, sentinel := range sentinels {
			wantMatch := sentinel == want
			if got := errors.Is(err, sentinel); got != wantMatch {
				t.Errorf("code %s: errors.Is(err, %v) = %v, want %v", code, sentinel, got, wantMatch)
			}
		}
	}
}
