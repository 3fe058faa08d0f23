package pycti

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestErrorDataOutlivesResponseBuffer checks that the partial data of a
// GraphQL error is a copy: response buffers are reused for later
// responses.
func TestErrorDataOutlivesResponseBuffer(t *testing.T) {
	calls := 0
	f := newFakePlatform(t, func(received) reply {
		calls++
		if calls == 1 {
			return ok(`{"stixCoreObject":null},"errors":[{"message":"denied ` +
				strings.Repeat("x", 600) + `",` +
				`"extensions":{"code":"FORBIDDEN_ACCESS","data":{"http_status":403}}}]`)
		}
		// Shorter responses reuse the first response's buffer.
		return ok(`{"stixCoreObject":{"id":"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"}}`)
	})
	c := f.client(t)
	_, err := c.StixCoreObjects().Get(context.Background(), "a")
	gqlErr, isGQL := errors.AsType[*GraphQLError](err)
	if !isGQL {
		t.Fatalf("err = %v, want a GraphQL error", err)
	}
	data := string(gqlErr.Data)
	entryData := string(gqlErr.Errors[0].Data)
	for range 3 {
		if _, err := c.StixCoreObjects().Get(context.Background(), "b"); err != nil {
			t.Fatal(err)
		}
	}
	if string(gqlErr.Data) != data || data != `{"stixCoreObject":null}` {
		t.Errorf("error data changed to %s", gqlErr.Data)
	}
	if string(gqlErr.Errors[0].Data) != entryData || !json.Valid(gqlErr.Errors[0].Data) {
		t.Errorf("error entry data changed to %s", gqlErr.Errors[0].Data)
	}
}

func TestDataDecodeErrorReported(t *testing.T) {
	f := newFakePlatform(t, func(received) reply {
		return ok(`{"about":{"version":42}}`)
	})
	_, err := f.client(t).Version(context.Background())
	if err == nil || !strings.Contains(err.Error(), "decode response data") {
		t.Errorf("err = %v, want a decode error", err)
	}
}
