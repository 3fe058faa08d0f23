package pycti

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/Khan/genqlient/graphql"
)

// MakeRequest sends one GraphQL operation and decodes the response data into
// resp.Data. It implements genqlient's graphql.Client, so operations that a
// program generates with genqlient can run through this client, with its
// identity, retries and error types. Variables that hold a gen.Upload (the
// type the Upload scalar is bound to) are sent as a multipart request.
//
// On a GraphQL error MakeRequest still decodes the partial data into
// resp.Data and returns a *GraphQLError.
func (c *Client) MakeRequest(ctx context.Context, req *graphql.Request, resp *graphql.Response) error {
	uploads, err := findUploads(req)
	if err != nil {
		return fmt.Errorf("opencti: %s: %w", req.OpName, err)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("opencti: %s: encode request: %w", req.OpName, err)
	}
	retryable := !isMutation(req.Query) || idempotentMutations[req.OpName]
	rewind, canRewind := rewinder(uploads)
	retryable = retryable && canRewind
	policy := c.core.retry
	for attempt := 1; ; attempt++ {
		start := time.Now()
		retryAfter, err := c.attempt(ctx, req.OpName, body, uploads, resp)
		c.core.log.LogAttrs(ctx, slog.LevelDebug, "graphql request",
			slog.String("operation", req.OpName), slog.Int("attempt", attempt),
			slog.Duration("duration", time.Since(start)), slog.Bool("failed", err != nil))
		if err == nil {
			return nil
		}
		if !retryable || attempt >= policy.MaxAttempts || !retryableError(ctx, err) {
			return err
		}
		delay := policy.delay(attempt+1, retryAfter)
		c.core.log.LogAttrs(ctx, slog.LevelWarn, "retrying graphql request",
			slog.String("operation", req.OpName), slog.Int("attempt", attempt),
			slog.Duration("delay", delay), slog.String("error", err.Error()))
		if serr := sleep(ctx, delay); serr != nil {
			return fmt.Errorf("%w (retry abandoned: %w)", err, serr)
		}
		if rerr := rewind(); rerr != nil {
			return fmt.Errorf("%w (retry abandoned: rewind upload: %w)", err, rerr)
		}
	}
}

// isMutation reports whether a document's operation is a mutation.
// genqlient documents hold one operation and start with its keyword.
func isMutation(doc string) bool {
	return strings.HasPrefix(strings.TrimSpace(doc), "mutation")
}

// attempt sends the request once. It returns the Retry-After delay the
// server asked for, if any.
func (c *Client) attempt(ctx context.Context, op string, body []byte, uploads []filePart,
	resp *graphql.Response) (time.Duration, error) {
	var httpReq *http.Request
	var err error
	if len(uploads) == 0 {
		httpReq, err = http.NewRequestWithContext(ctx, http.MethodPost, c.core.endpoint,
			bytes.NewReader(body))
		if err == nil {
			httpReq.Header.Set("Content-Type", "application/json")
		}
	} else {
		httpReq, err = c.newMultipartRequest(ctx, body, uploads)
	}
	if err != nil {
		return 0, fmt.Errorf("opencti: %s: build request: %w", op, err)
	}
	c.setHeaders(httpReq.Header)
	httpResp, err := c.core.http.Do(httpReq)
	if err != nil {
		return 0, fmt.Errorf("opencti: %s: %w", op, err)
	}
	defer httpResp.Body.Close()
	raw, err := io.ReadAll(httpResp.Body)
	if err != nil {
		return 0, fmt.Errorf("opencti: %s: read response: %w: %w", op, errTransport, err)
	}
	return parseRetryAfter(httpResp.Header), decodeResponse(op, httpResp, raw, resp)
}

// envelope is the JSON shape of a GraphQL response.
type envelope struct {
	Data   json.RawMessage `json:"data"`
	Errors []wireError     `json:"errors"`
}

// decodeResponse turns an HTTP response into resp.Data or an error. A body
// that is not a GraphQL response (an HTML error page, say) becomes an
// *HTTPError whatever its status.
func decodeResponse(op string, httpResp *http.Response, raw []byte, resp *graphql.Response) error {
	var env envelope
	if !looksLikeJSON(httpResp.Header, raw) || json.Unmarshal(raw, &env) != nil ||
		(len(env.Errors) == 0 && len(env.Data) == 0) {
		return newHTTPError(op, httpResp.StatusCode, raw)
	}
	hasData := len(env.Data) > 0 && !bytes.Equal(env.Data, []byte("null"))
	if hasData && resp != nil && resp.Data != nil {
		if err := json.Unmarshal(env.Data, resp.Data); err != nil && len(env.Errors) == 0 {
			return fmt.Errorf("opencti: %s: decode response data: %w", op, err)
		}
	}
	if len(env.Errors) > 0 {
		gqlErr := &GraphQLError{Operation: op, StatusCode: httpResp.StatusCode, Data: env.Data}
		for _, w := range env.Errors {
			gqlErr.Errors = append(gqlErr.Errors, w.entry())
		}
		return gqlErr
	}
	if httpResp.StatusCode != http.StatusOK {
		return newHTTPError(op, httpResp.StatusCode, raw)
	}
	return nil
}

func looksLikeJSON(h http.Header, raw []byte) bool {
	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil &&
		(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return true
	}
	trimmed := bytes.TrimSpace(raw)
	return len(trimmed) > 0 && trimmed[0] == '{'
}
