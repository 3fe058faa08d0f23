package pyctitest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"
)

// Option configures a Server at construction.
type Option func(*config) error

type config struct {
	schema      string
	amqpURL     string
	queuePrefix string
	logger      *slog.Logger
	clock       func() time.Time
	version     string
	adminToken  string
	defaultPage int
	maxPage     int
	// introspection enables __type.
	introspection bool
}

func defaultConfig() *config {
	return &config{version: "7.260817.0", clock: time.Now, defaultPage: 500, maxPage: 5000,
		adminToken: "d434ce02-e58e-4cac-8b4c-42bf16748e84"}
}

// WithSchema validates requests against the given SDL instead of the SDK's
// schema.graphql. Tests pass the platform's full schema to exercise fields
// the SDK does not use yet.
func WithSchema(sdl string) Option {
	return func(c *config) error {
		if sdl == "" {
			return errors.New("pyctitest: WithSchema: empty schema")
		}
		c.schema = sdl
		return nil
	}
}

// WithAMQP connects the server to a RabbitMQ broker. Registration then
// declares the connector's exchanges and queues there, registerConnector
// returns the broker settings parsed from the URL, and AskExport publishes
// export messages. Without it, registration returns the settings of an
// unreachable local broker and AskExport fails.
func WithAMQP(rawURL string) Option {
	return func(c *config) error {
		u, err := url.Parse(rawURL)
		if err != nil || (u.Scheme != "amqp" && u.Scheme != "amqps") {
			return fmt.Errorf("pyctitest: WithAMQP: invalid broker URL %q: want amqp://user:pass@host:port/vhost", rawURL)
		}
		c.amqpURL = rawURL
		return nil
	}
}

// WithQueuePrefix sets the platform's rabbitmq.queue_prefix. Exchange and
// queue names then start with prefix + "_". Tests that share a broker use a
// unique prefix so that they do not see each other's queues.
func WithQueuePrefix(prefix string) Option {
	return func(c *config) error {
		c.queuePrefix = prefix
		return nil
	}
}

// WithLogger sets the logger of server events: one Debug line per GraphQL
// request with its operation, status, duration and error codes. The
// default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithClock sets the time source of created_at, updated_at, work and file
// timestamps. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("pyctitest: WithClock: nil clock")
		}
		c.clock = now
		return nil
	}
}

// WithVersion sets the platform version that about.version returns. The
// default is "7.260817.0".
func WithVersion(v string) Option {
	return func(c *config) error {
		c.version = v
		return nil
	}
}

// WithAdminToken sets the API token of the built-in administrator.
func WithAdminToken(token string) Option {
	return func(c *config) error {
		if token == "" {
			return errors.New("pyctitest: WithAdminToken: empty token")
		}
		c.adminToken = token
		return nil
	}
}

// WithPageSizes sets the page size of lists called without first (default
// 500) and the max page size (default 5000), as the platform's
// elasticsearch settings do. A larger first gets a page of the max size,
// as on OpenCTI 7.x (some older versions reject it with DATABASE_ERROR).
func WithPageSizes(defaultSize, maxSize int) Option {
	return func(c *config) error {
		if defaultSize < 1 || maxSize < defaultSize {
			return fmt.Errorf("pyctitest: WithPageSizes: invalid sizes %d and %d", defaultSize, maxSize)
		}
		c.defaultPage, c.maxPage = defaultSize, maxSize
		return nil
	}
}

// WithIntrospection answers __type(name) queries with the type's name,
// kind, fields and input fields, as a platform whose playground
// introspection is enabled does. By default introspection is refused with
// FORBIDDEN_ACCESS, the production setting.
func WithIntrospection() Option {
	return func(c *config) error {
		c.introspection = true
		return nil
	}
}
