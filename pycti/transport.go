package pycti

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
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
	buf, err := readBody(httpResp)
	defer releaseBody(buf)
	if err != nil {
		return 0, fmt.Errorf("opencti: %s: read response: %w: %w", op, errTransport, err)
	}
	err = decodeResponse(op, httpResp, buf.Bytes(), resp)
	if err != nil {
		// Errors quote the body, so one that holds the token is decoded
		// again from a redacted copy. Success bodies are left as they are.
		if clean, found := c.core.token.redactIn(buf.Bytes()); found {
			err = decodeResponse(op, httpResp, clean, resp)
		}
	}
	return parseRetryAfter(httpResp.Header), err
}

// bodyPool recycles response buffers, so that iterating over pages does
// not allocate and grow a new buffer for every page.
var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer kept for reuse, 8 MiB. A larger body,
// such as a page of thousands of objects with their STIX, gets a buffer of
// its own that the garbage collector frees.
const maxPooledBody = 8 << 20

// readBody reads a whole response body into a pooled buffer, sized from
// Content-Length when the server sends one. The caller must not keep
// references into the buffer after releaseBody.
func readBody(r *http.Response) (*bytes.Buffer, error) {
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	if n := r.ContentLength; n > 0 && n <= maxPooledBody {
		// ReadFrom needs MinRead bytes of room to see the end of the body.
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(r.Body)
	return buf, err
}

func releaseBody(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBody {
		bodyPool.Put(buf)
	}
}

// envelope is the JSON shape of a GraphQL response.
type envelope struct {
	Data   dataMember  `json:"data"`
	Errors []wireError `json:"errors"`
}

// dataMember decodes the "data" member of a response straight into the
// caller's value, in the same pass as the envelope. A decoding error is
// kept rather than returned, so that the "errors" member is still read.
type dataMember struct {
	target any
	raw    []byte // the member's text; it points into the response buffer
	err    error
}

func (d *dataMember) UnmarshalJSON(b []byte) error {
	d.raw = b
	if d.target != nil && !isNull(b) {
		d.err = json.Unmarshal(b, d.target)
	}
	return nil
}

// decodeResponse turns an HTTP response into resp.Data or an error. A body
// that is not a GraphQL response (an HTML error page, say) becomes an
// *HTTPError whatever its status. So does a response whose data is absent
// or null with no errors, which GraphQL does not allow: read as success, it
// would pass for an empty list or a missing element. Nothing returned
// refers to raw.
func decodeResponse(op string, httpResp *http.Response, raw []byte, resp *graphql.Response) error {
	var env envelope
	if resp != nil {
		env.Data.target = resp.Data
	}
	if !looksLikeJSON(httpResp.Header, raw) || json.Unmarshal(raw, &env) != nil ||
		(len(env.Errors) == 0 && (len(env.Data.raw) == 0 || isNull(env.Data.raw))) {
		return newHTTPError(op, httpResp.StatusCode, raw)
	}
	if len(env.Errors) > 0 {
		gqlErr := &GraphQLError{Operation: op, StatusCode: httpResp.StatusCode,
			Data: bytes.Clone(env.Data.raw)}
		for _, w := range env.Errors {
			gqlErr.Errors = append(gqlErr.Errors, w.entry())
		}
		return gqlErr
	}
	if env.Data.err != nil {
		return fmt.Errorf("opencti: %s: decode response data: %w", op, env.Data.err)
	}
	if httpResp.StatusCode != http.StatusOK {
		return newHTTPError(op, httpResp.StatusCode, raw)
	}
	return nil
}

func isNull(raw []byte) bool { return bytes.Equal(raw, []byte("null")) }

func looksLikeJSON(h http.Header, raw []byte) bool {
	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil &&
		(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return true
	}
	trimmed := bytes.TrimSpace(raw)
	return len(trimmed) > 0 && trimmed[0] == '{'
}
