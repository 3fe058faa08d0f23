package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/opencti-go/sdk/connector"
)

// Default timings of [Options].
const (
	DefaultIdleTimeout       = 30 * time.Second
	DefaultReconnectDelay    = time.Second
	DefaultMaxReconnectDelay = 60 * time.Second
	DefaultCommitInterval    = 10 * time.Second
	DefaultQueueSize         = 256
)

// Handler processes the events of a stream, one at a time and in order.
// It gets every frame: most handlers act on [Create], [Update], [Delete]
// and [Merge] and ignore the other names. An error stops [Client.Run]:
// the event is not counted as processed, so a restart reads it again.
// Return nil to skip an event after logging it.
type Handler interface {
	HandleEvent(ctx context.Context, ev *Event) error
}

// HandlerFunc adapts a function to [Handler].
type HandlerFunc func(ctx context.Context, ev *Event) error

// HandleEvent calls f.
func (f HandlerFunc) HandleEvent(ctx context.Context, ev *Event) error { return f(ctx, ev) }

// StateStore keeps the stream position. [*connector.Connector] implements
// it: the position then lives in the connector state on the platform.
type StateStore interface {
	State() map[string]any
	SaveState(ctx context.Context, state map[string]any) error
}

// Options tunes a [Client]. The zero value gives the defaults named on
// each field.
type Options struct {
	// Logger receives the client's logs; nil discards them.
	Logger *slog.Logger
	// State keeps the position between runs. Nil keeps it in memory only,
	// so a new Client starts from Config.StartFrom again.
	State StateStore
	// IdleTimeout is how long a connection may stay silent (no response
	// headers, no frame, no heartbeat) before the client drops it and
	// reconnects. Default 30 s, six of the platform's default heartbeat
	// periods.
	IdleTimeout time.Duration
	// ReconnectDelay and MaxReconnectDelay bound the reconnection backoff
	// (doubling, each delay drawn between half and all of its value).
	// Defaults 1 s and 60 s.
	ReconnectDelay    time.Duration
	MaxReconnectDelay time.Duration
	// CommitInterval is how often the position is saved to State while
	// events flow. Default 10 s. It is also saved when Run returns.
	CommitInterval time.Duration
	// QueueSize bounds the events read ahead of the handler. Default 256.
	QueueSize int
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.IdleTimeout, DefaultIdleTimeout)
	def(&o.ReconnectDelay, DefaultReconnectDelay)
	def(&o.MaxReconnectDelay, DefaultMaxReconnectDelay)
	def(&o.CommitInterval, DefaultCommitInterval)
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// StatusError is a response of the stream endpoint that retrying cannot
// fix: 401 (unknown stream, or no access), 403, 404 or 410 (the stream was
// stopped).
type StatusError struct {
	URL    string
	Status int
	// Reason is the platform's explanation, when it gave one.
	Reason string
}

// Error returns "stream <url>: HTTP <status>: <reason>".
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("stream %s: HTTP %d", e.URL, e.Status)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	switch e.Status {
	case http.StatusUnauthorized:
		msg += " (check the token, the stream id and the user's access to it; " +
			"the raw stream needs BYPASS)"
	case http.StatusGone:
		msg += " (the stream is stopped: start it in Data sharing)"
	}
	return msg
}

// HandlerError is returned by [Client.Run] when the handler fails.
type HandlerError struct {
	ID   ID
	Name string
	Err  error
}

// Error returns "handle <name> event <id>: <error>".
func (e *HandlerError) Error() string {
	return fmt.Sprintf("handle %s event %s: %v", e.Name, e.ID, e.Err)
}

// Unwrap returns the handler's error.
func (e *HandlerError) Unwrap() error { return e.Err }

// Stats are counters of a [Client].
type Stats struct {
	// Connections counts successful connections (status 200).
	Connections int64
	// IdleTimeouts counts connections dropped for silence.
	IdleTimeouts int64
	// Duplicates counts frames skipped because they were received before.
	Duplicates int64
	// Undecodable counts frames skipped, and logged at error level,
	// because their id or data cannot be decoded.
	Undecodable int64
	// Events counts events handed to the handler.
	Events int64
	// Position is the last position saved (or to save) as processed.
	Position ID
}

// Client reads one live stream and hands its events to a handler. Build it
// with [NewClient] and call [Client.Run] once. Its methods are safe for
// concurrent use.
type Client struct {
	cfg  Config
	opts Options
	log  *slog.Logger
	url  string

	connections  atomic.Int64
	idleTimeouts atomic.Int64
	duplicates   atomic.Int64
	undecodable  atomic.Int64
	events       atomic.Int64
	position     atomic.Pointer[ID]
}

// NewClient checks cfg and returns a Client. It does no I/O.
func NewClient(cfg Config, opts Options) (*Client, error) {
	base, err := url.Parse(cfg.URL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("stream: invalid platform URL %q: use http(s)://host[:port]",
			cfg.URL)
	}
	if cfg.Token == "" {
		return nil, errors.New("stream: missing token: set the API token of the connector's user")
	}
	if _, err := ParseID(cfg.StartFrom); cfg.StartFrom != "" && err != nil {
		return nil, fmt.Errorf("stream: start position: %w", err)
	}
	if _, _, err := parseRecover(cfg.RecoverUntil); err != nil {
		return nil, fmt.Errorf("stream: recovery date: %w", err)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient, _ = httpClient(&connector.Config{SSLVerify: true})
	}
	u := strings.TrimRight(cfg.URL, "/") + "/stream"
	if cfg.StreamID != "" {
		u += "/" + url.PathEscape(cfg.StreamID)
	}
	o := opts.withDefaults()
	return &Client{cfg: cfg, opts: o, log: o.Logger, url: u}, nil
}

// Stats returns the client's counters.
func (c *Client) Stats() Stats {
	s := Stats{Connections: c.connections.Load(), IdleTimeouts: c.idleTimeouts.Load(),
		Duplicates: c.duplicates.Load(), Undecodable: c.undecodable.Load(),
		Events: c.events.Load()}
	if p := c.position.Load(); p != nil {
		s.Position = *p
	}
	return s
}

// Run reads the stream until ctx ends, handing each event to h in order.
// It starts from the position saved in the state, under pycti's keys
// start_from and recover_until (the older connectorLastEventId and
// connectorStartTime win when present). On a first start it reads from
// Config.StartFrom with the recovery date Config.RecoverUntil, and saves
// them.
//
// A dropped, failed or silent connection is opened again with a backoff,
// from the last position received, and frames received before are
// skipped: no event is lost or handed over twice within a Run, even when
// several frames share one id. The position saved to the state is the
// last one whose events were all handled, so a restart neither loses an
// event; only the events of a partly handled id may come again then.
//
// Run returns nil when ctx ends, a [*StatusError] when the platform
// refuses the stream, a [*HandlerError], an error wrapping
// [ErrEventTooLarge], or an error asking for a state reset when the saved
// position is not a stream id. When an operator resets the
// connector state, Run starts again from the configured start.
func (c *Client) Run(ctx context.Context, h Handler) error {
	if h == nil {
		return errors.New("stream: nil handler")
	}
	for {
		pos, err := c.loadPosition(ctx)
		if err != nil {
			return err
		}
		err = c.session(ctx, h, pos)
		if !errors.Is(err, errStateReset) {
			return err
		}
		c.log.Warn("connector state reset remotely; reading the stream from the configured start")
	}
}

// backoff is a doubling delay with jitter.
type backoff struct {
	first, max, cur time.Duration
}

func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.first
	} else {
		b.cur = min(b.cur*2, b.max)
	}
	return b.cur/2 + rand.N(b.cur/2+1)
}

func (b *backoff) reset() { b.cur = 0 }

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// connect opens the stream from position from. It returns a
// [*StatusError] for a refusal that retrying cannot fix.
func (c *Client) connect(ctx context.Context, from ID, recoverAt time.Time) (
	*http.Response, error) {
	target := c.url
	if !recoverAt.IsZero() && from.Time().Before(recoverAt) {
		target += "?recover=" + url.QueryEscape(recoverAt.UTC().Format(time.RFC3339))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	for name, values := range c.cfg.Header {
		for _, v := range values {
			req.Header.Add(name, v)
		}
	}
	h := req.Header
	h.Set("Authorization", "Bearer "+string(c.cfg.Token))
	h.Set("Accept", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Last-Event-ID", from.String())
	h.Set("listen-delete", boolText(c.cfg.ListenDelete))
	h.Set("no-dependencies", boolText(c.cfg.NoDependencies))
	h.Set("with-inferences", boolText(c.cfg.WithInferences))
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("connect to stream %s: %w", c.url, err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	_ = resp.Body.Close()
	reason := resp.Header.Get("X-Reason")
	if reason == "" {
		reason = strings.TrimSpace(strings.TrimPrefix(resp.Status, fmt.Sprint(resp.StatusCode)))
	}
	serr := &StatusError{URL: c.url, Status: resp.StatusCode, Reason: reason}
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusGone:
		return nil, serr
	}
	// 5xx and the like: worth retrying, so not a *StatusError.
	return nil, fmt.Errorf("connect to stream %s: HTTP %d: %s", c.url, resp.StatusCode, reason)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
