package pycti

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ApplicantHeader is the header that makes the platform run a request as
// another user. The platform honours it only when the token's user has the
// BYPASS capability, and otherwise runs the request as the token's user.
const ApplicantHeader = "opencti-applicant-id"

// Client is an OpenCTI API client. It acts either as the token's own user
// (the connector identity) or, in a view made by AsApplicant, as another
// user. A Client is immutable after NewClient and safe for concurrent use;
// its views share one HTTP client and one cache of platform features.
type Client struct {
	core      *core
	applicant string
}

// core is the state every view of a client shares.
type core struct {
	base      *url.URL // platform base URL, without a trailing slash
	endpoint  string   // base + "/graphql"
	token     secret
	http      *http.Client
	headers   http.Header
	userAgent string
	retry     RetryPolicy
	log       *slog.Logger

	mu       sync.Mutex // guards features
	features *features
}

// secret is an API token. It prints and logs as a fixed mask.
type secret string

func (secret) String() string               { return "[REDACTED]" }
func (secret) GoString() string             { return "[REDACTED]" }
func (secret) LogValue() slog.Value         { return slog.StringValue("[REDACTED]") }
func (s secret) bearer() string             { return "Bearer " + string(s) }
func (secret) MarshalText() ([]byte, error) { return []byte("[REDACTED]"), nil }

// redactIn returns a copy of body with every occurrence of the token
// replaced by [REDACTED], and whether there was one; without one it returns
// body itself. Errors quote response bodies, and a proxy or debugging
// endpoint that echoes the request's Authorization header would otherwise
// put the token in errors and logs.
func (s secret) redactIn(body []byte) ([]byte, bool) {
	token := []byte(s)
	if len(token) == 0 || !bytes.Contains(body, token) {
		return body, false
	}
	return bytes.ReplaceAll(body, token, []byte("[REDACTED]")), true
}

// NewClient returns a client for the platform at baseURL (for example
// "https://opencti.example.org"), authenticated with an API token. It
// returns an error for a URL without an http or https scheme and host, for
// an empty token, and for an invalid option. It does not contact the
// platform: call Health for that.
func NewClient(baseURL, token string, opts ...Option) (*Client, error) {
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, errors.New("opencti: empty API token: pass the token of the connector's user")
	}
	cfg := config{headers: http.Header{}, userAgent: DefaultUserAgent, retry: DefaultRetryPolicy}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, fmt.Errorf("opencti: %w", err)
		}
	}
	hc, err := cfg.newHTTPClient()
	if err != nil {
		return nil, fmt.Errorf("opencti: %w", err)
	}
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &core{
		base: base, endpoint: base.String() + "/graphql", token: secret(token), http: hc,
		headers: cfg.headers, userAgent: cfg.userAgent, retry: cfg.retry.withDefaults(), log: logger,
	}
	return &Client{core: c}, nil
}

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, fmt.Errorf("opencti: invalid platform URL %q: give scheme and host, "+
			"such as https://opencti.example.org", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("opencti: platform URL %q carries credentials: pass the token instead",
			u.Redacted())
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("opencti: platform URL %q has port %s: use 1 to 65535", raw, p)
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// AsApplicant returns a view of the client whose requests run as the user
// with internal id userID, through the opencti-applicant-id header. An empty
// userID returns the connector view. The view shares the HTTP client.
func (c *Client) AsApplicant(userID string) *Client {
	return &Client{core: c.core, applicant: userID}
}

// AsConnector returns a view of the client whose requests run as the
// token's own user, with no applicant header. Uploads, work reports and
// registration must go through this view.
func (c *Client) AsConnector() *Client {
	return &Client{core: c.core}
}

// Applicant returns the user id this view acts as, or "" for the token's own
// user.
func (c *Client) Applicant() string { return c.applicant }

// BaseURL returns the platform base URL the client was built with, without
// a trailing slash.
func (c *Client) BaseURL() string { return c.core.base.String() }

// setHeaders sets the headers every request carries.
func (c *Client) setHeaders(h http.Header) {
	for name, values := range c.core.headers {
		h[name] = values
	}
	h.Set("Authorization", c.core.token.bearer())
	h.Set("User-Agent", c.core.userAgent)
	if c.applicant != "" {
		h.Set(ApplicantHeader, c.applicant)
	}
}

func dialer(timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	return d.DialContext
}
