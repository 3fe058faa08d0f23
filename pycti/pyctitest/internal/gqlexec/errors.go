package gqlexec

import (
	"errors"
	"maps"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error codes of the request pipeline, as Apollo Server writes them in
// extensions.code.
const (
	CodeParseFailed         = "GRAPHQL_PARSE_FAILED"
	CodeValidationFailed    = "GRAPHQL_VALIDATION_FAILED"
	CodeBadUserInput        = "BAD_USER_INPUT"
	CodeOperationResolution = "OPERATION_RESOLUTION_FAILURE"
	CodeBadRequest          = "BAD_REQUEST"
	CodeInternal            = "INTERNAL_SERVER_ERROR"
)

// NewError returns a GraphQL error with extensions.code set to code and,
// when data is not nil, extensions.data set to data. This is the shape in
// which OpenCTI 7.x reports its own errors.
func NewError(code, message string, data map[string]any) *gqlerror.Error {
	ext := map[string]any{"code": code}
	if data != nil {
		ext["data"] = data
	}
	return &gqlerror.Error{Message: message, Extensions: ext}
}

// Code returns extensions.code of err, or "" when err carries none.
func Code(err error) string {
	var ge *gqlerror.Error
	if errors.As(err, &ge) {
		if c, ok := ge.Extensions["code"].(string); ok {
			return c
		}
	}
	return ""
}

// fieldError turns a resolver error into a response error located at the
// field. The error is copied, so a shared error value is never mutated.
func fieldError(err error, path ast.Path, f *ast.Field) *gqlerror.Error {
	var out gqlerror.Error
	var ge *gqlerror.Error
	if errors.As(err, &ge) {
		out = *ge
		out.Extensions = maps.Clone(ge.Extensions)
	} else {
		out = gqlerror.Error{
			Message:    err.Error(),
			Extensions: map[string]any{"code": CodeInternal},
		}
	}
	out.Path = append(ast.Path(nil), path...)
	if f != nil && f.Position != nil {
		out.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
	}
	return &out
}

// withCode returns a copy of the parser or validator error with the code set.
func withCode(err *gqlerror.Error, code, prefix string) *gqlerror.Error {
	out := *err
	out.Message = prefix + err.Message
	out.Extensions = maps.Clone(err.Extensions)
	if out.Extensions == nil {
		out.Extensions = map[string]any{}
	}
	out.Extensions["code"] = code
	return &out
}
