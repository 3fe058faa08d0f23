package connector

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Config is the framework's configuration, with pycti's names and defaults.
// Each field names its environment variable, its config.yml path and its
// default. Build it with [LoadConfig] or [ConfigFromSource]; both validate
// it. A Config is a plain value: safe for concurrent reads.
type Config struct {
	// URL is the platform's base URL. OPENCTI_URL (opencti.url), required.
	URL string
	// Token is the API token of the connector's user. OPENCTI_TOKEN
	// (opencti.token), required; "ChangeMe" is rejected.
	Token Secret
	// SSLVerify turns on TLS verification of platform calls.
	// OPENCTI_SSL_VERIFY (opencti.ssl_verify), default false. A value that
	// is not a boolean is a CA bundle path: SSLVerify is then true and
	// SSLCAFile holds the path, which ConfigFromSource checks is readable.
	SSLVerify bool
	SSLCAFile string
	// JSONLogging selects JSON log lines. OPENCTI_JSON_LOGGING
	// (opencti.json_logging), default true.
	JSONLogging bool
	// CustomHeaders are extra HTTP headers for platform calls.
	// OPENCTI_CUSTOM_HEADERS (opencti.custom_headers), format
	// "Name:value;Name2:value2", default none.
	CustomHeaders http.Header

	// ID is the connector id, a UUID. CONNECTOR_ID (connector.id), required.
	ID string
	// Type is the connector kind. CONNECTOR_TYPE (connector.type), required.
	Type ConnectorType
	// Name is the display name and logger name, at least 2 characters.
	// CONNECTOR_NAME (connector.name), required.
	Name string
	// Scope is the comma-separated list of MIME types (export, import) or
	// entity types (enrichment), trimmed. CONNECTOR_SCOPE (connector.scope),
	// default "not-applicable".
	Scope []string
	// LogLevel is debug, info, warn (or warning) or error, any case.
	// CONNECTOR_LOG_LEVEL (connector.log_level), default error.
	LogLevel slog.Level
	// Auto enables automatic triggers. CONNECTOR_AUTO (connector.auto),
	// default false.
	Auto bool
	// AutoUpdate enables triggers on update. CONNECTOR_AUTO_UPDATE
	// (connector.auto_update), default false.
	AutoUpdate bool
	// EnrichmentResolution is sent at registration.
	// CONNECTOR_ENRICHMENT_RESOLUTION (connector.enrichment_resolution),
	// default "none".
	EnrichmentResolution string
	// OnlyContextual is sent at registration. CONNECTOR_ONLY_CONTEXTUAL
	// (connector.only_contextual), default false.
	OnlyContextual bool
	// PlaybookCompatible is sent at registration. The program sets it; it is
	// not read from the configuration, as in pycti. Default false.
	PlaybookCompatible bool
	// ValidateBeforeImport is read for bundle senders.
	// CONNECTOR_VALIDATE_BEFORE_IMPORT (connector.validate_before_import),
	// default false.
	ValidateBeforeImport bool
	// QueueThreshold is the push queue size, in megabytes, above which a
	// scheduler skips a run. CONNECTOR_QUEUE_THRESHOLD
	// (connector.queue_threshold), default 500.
	QueueThreshold float64
	// RunAndTerminate makes a scheduled connector run once and exit.
	// CONNECTOR_RUN_AND_TERMINATE (connector.run_and_terminate), default
	// false.
	RunAndTerminate bool
	// DurationPeriod is the scheduler period as written, in a form
	// [ParsePeriod] accepts (checked by Validate).
	// CONNECTOR_DURATION_PERIOD (connector.duration_period), default "".
	DurationPeriod string
	// ExposeMetrics starts the /metrics and /healthz endpoint.
	// CONNECTOR_EXPOSE_METRICS (connector.expose_metrics), default false.
	ExposeMetrics bool
	// MetricsPort is the port of that endpoint, on every interface.
	// CONNECTOR_METRICS_PORT (connector.metrics_port), default 9095.
	MetricsPort int
	// MetricsNamespace and MetricsSubsystem prefix metric names.
	// CONNECTOR_METRICS_NAMESPACE and CONNECTOR_METRICS_SUBSYSTEM
	// (connector.metrics_namespace, connector.metrics_subsystem), default "".
	MetricsNamespace string
	MetricsSubsystem string
	// QueueProtocol is the bundle transport: "amqp" (the worker queue) or
	// "api" (stixBundlePush). CONNECTOR_QUEUE_PROTOCOL
	// (connector.queue_protocol), or the deprecated QUEUE_PROTOCOL, default
	// "amqp".
	QueueProtocol string
	// SendToQueue is read for pycti compatibility. CONNECTOR_SEND_TO_QUEUE
	// (connector.send_to_queue), default true. Unlike pycti, false does not
	// silence work reports: it only stops SendBundle from publishing.
	SendToQueue bool

	// MQ holds the MQ_* overrides of the broker settings the platform
	// returns at registration. Zero values leave the platform's value.
	MQ MQConfig

	source *Source
}

// MQConfig holds the MQ_* settings.
type MQConfig struct {
	// Host: MQ_HOST (mq.host).
	Host string
	// Port: MQ_PORT (mq.port), 0 for unset.
	Port int
	// VHost: MQ_VHOST (mq.vhost).
	VHost string
	// UseSSL: MQ_USE_SSL (mq.use_ssl), nil for unset.
	UseSSL *bool
	// User: MQ_USER (mq.user).
	User string
	// Pass: MQ_PASS (mq.pass).
	Pass Secret
	// SSLCA is a CA file path or inline PEM (starting with -----BEGIN).
	// MQ_USE_SSL_CA (mq.use_ssl_ca).
	SSLCA string
	// SSLCert is the client certificate, path or inline PEM.
	// MQ_USE_SSL_CERT (mq.use_ssl_cert).
	SSLCert string
	// SSLKey is the client key, path or inline PEM. MQ_USE_SSL_KEY
	// (mq.use_ssl_key).
	SSLKey Secret
	// SSLPassphrase decrypts a legacy encrypted PEM key.
	// MQ_USE_SSL_PASSPHRASE (mq.use_ssl_passphrase).
	SSLPassphrase Secret
	// SSLRejectUnauthorized turns on verification of the broker certificate.
	// MQ_USE_SSL_REJECT_UNAUTHORIZED (mq.use_ssl_reject_unauthorized),
	// default false, as in pycti.
	SSLRejectUnauthorized bool
}

// LoadConfig reads the config.yml file at path (when it exists) and the
// process environment, then validates the result. Only commands call it;
// nothing else in the module reads the environment.
func LoadConfig(path string) (*Config, error) {
	src, err := LoadSource(path)
	if err != nil {
		return nil, err
	}
	return ConfigFromSource(src)
}

// ConfigFromSource reads and validates the framework's keys from src. The
// returned error joins one [*ConfigError] per invalid key.
func ConfigFromSource(src *Source) (*Config, error) {
	r := &reader{src: src}
	cfg := &Config{source: src}
	r.readOpenCTI(cfg)
	r.readConnector(cfg)
	r.readMQ(&cfg.MQ)
	cfg.validate(r)
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	return cfg, nil
}

// Source returns the Source the Config was read from, for a connector's own
// keys. It is nil for a Config built by hand.
func (c *Config) Source() *Source { return c.source }

// Warnings returns the notes collected while reading, for the command to
// log.
func (c *Config) Warnings() []string {
	if c.source == nil {
		return nil
	}
	return c.source.Warnings()
}

// reader collects errors while reading keys.
type reader struct {
	src  *Source
	errs []error
}

func (r *reader) fail(err error) {
	if err != nil {
		r.errs = append(r.errs, err)
	}
}

func (r *reader) boolean(env, path string, def bool) bool {
	b, err := r.src.Bool(env, path, def)
	r.fail(err)
	return b
}

func (r *reader) integer(env, path string, def int) int {
	n, err := r.src.Int(env, path, def)
	r.fail(err)
	return n
}

func (r *reader) readOpenCTI(cfg *Config) {
	s := r.src
	cfg.URL = strings.TrimSpace(s.String("OPENCTI_URL", "opencti.url", ""))
	cfg.Token = Secret(strings.TrimSpace(s.String("OPENCTI_TOKEN", "opencti.token", "")))
	verify := s.String("OPENCTI_SSL_VERIFY", "opencti.ssl_verify", "false")
	if b, err := s.Bool("OPENCTI_SSL_VERIFY", "opencti.ssl_verify", false); err == nil {
		cfg.SSLVerify = b
	} else {
		cfg.SSLVerify, cfg.SSLCAFile = true, verify
		r.fail(checkCAFile(verify))
	}
	cfg.JSONLogging = r.boolean("OPENCTI_JSON_LOGGING", "opencti.json_logging", true)
	headers, err := parseHeaders(s.String("OPENCTI_CUSTOM_HEADERS", "opencti.custom_headers", ""))
	r.fail(err)
	cfg.CustomHeaders = headers
}

func (r *reader) readConnector(cfg *Config) {
	s := r.src
	cfg.ID = strings.TrimSpace(s.String("CONNECTOR_ID", "connector.id", ""))
	cfg.Type = ConnectorType(strings.ToUpper(strings.TrimSpace(
		s.String("CONNECTOR_TYPE", "connector.type", ""))))
	cfg.Name = s.String("CONNECTOR_NAME", "connector.name", "")
	cfg.Scope = splitScope(s.String("CONNECTOR_SCOPE", "connector.scope", "not-applicable"))
	level, err := parseLevel(s.String("CONNECTOR_LOG_LEVEL", "connector.log_level", "error"))
	r.fail(err)
	cfg.LogLevel = level
	cfg.Auto = r.boolean("CONNECTOR_AUTO", "connector.auto", false)
	cfg.AutoUpdate = r.boolean("CONNECTOR_AUTO_UPDATE", "connector.auto_update", false)
	cfg.EnrichmentResolution = s.String("CONNECTOR_ENRICHMENT_RESOLUTION",
		"connector.enrichment_resolution", "none")
	cfg.OnlyContextual = r.boolean("CONNECTOR_ONLY_CONTEXTUAL", "connector.only_contextual", false)
	cfg.ValidateBeforeImport = r.boolean("CONNECTOR_VALIDATE_BEFORE_IMPORT",
		"connector.validate_before_import", false)
	threshold, err := s.Float("CONNECTOR_QUEUE_THRESHOLD", "connector.queue_threshold", 500)
	r.fail(err)
	cfg.QueueThreshold = threshold
	cfg.RunAndTerminate = r.boolean("CONNECTOR_RUN_AND_TERMINATE",
		"connector.run_and_terminate", false)
	cfg.DurationPeriod = s.String("CONNECTOR_DURATION_PERIOD", "connector.duration_period", "")
	if BareNumberPeriod(cfg.DurationPeriod) {
		s.warnings = append(s.warnings, fmt.Sprintf("CONNECTOR_DURATION_PERIOD %q is read as "+
			"seconds, but pycti rejects a bare number: write PT%sS", cfg.DurationPeriod,
			strings.TrimSpace(cfg.DurationPeriod)))
	}
	cfg.ExposeMetrics = r.boolean("CONNECTOR_EXPOSE_METRICS", "connector.expose_metrics", false)
	cfg.MetricsPort = r.integer("CONNECTOR_METRICS_PORT", "connector.metrics_port", 9095)
	cfg.MetricsNamespace = s.String("CONNECTOR_METRICS_NAMESPACE", "connector.metrics_namespace", "")
	cfg.MetricsSubsystem = s.String("CONNECTOR_METRICS_SUBSYSTEM", "connector.metrics_subsystem", "")
	r.readProtocols(cfg)
	cfg.SendToQueue = r.boolean("CONNECTOR_SEND_TO_QUEUE", "connector.send_to_queue", true)
}

func (r *reader) readProtocols(cfg *Config) {
	s := r.src
	listen := strings.ToUpper(s.String("CONNECTOR_LISTEN_PROTOCOL",
		"connector.listen_protocol", "AMQP"))
	if listen != "AMQP" {
		r.fail(&ConfigError{Env: "CONNECTOR_LISTEN_PROTOCOL", YAML: "connector.listen_protocol",
			Reason: fmt.Sprintf("%q is not supported: only AMQP is; unset it or set AMQP", listen)})
	}
	protocol := s.String("CONNECTOR_QUEUE_PROTOCOL", "connector.queue_protocol", "")
	if protocol == "" {
		if legacy := s.String("QUEUE_PROTOCOL", "", ""); legacy != "" {
			s.warnings = append(s.warnings,
				"QUEUE_PROTOCOL is deprecated: use CONNECTOR_QUEUE_PROTOCOL")
			protocol = legacy
		}
	}
	cfg.QueueProtocol = strings.ToLower(protocol)
	if cfg.QueueProtocol == "" {
		cfg.QueueProtocol = "amqp"
	}
	if cfg.QueueProtocol != "amqp" && cfg.QueueProtocol != "api" {
		r.fail(&ConfigError{Env: "CONNECTOR_QUEUE_PROTOCOL", YAML: "connector.queue_protocol",
			Reason: fmt.Sprintf("invalid value %q: use amqp or api", protocol)})
	}
}

func (r *reader) readMQ(mq *MQConfig) {
	s := r.src
	mq.Host = s.String("MQ_HOST", "mq.host", "")
	mq.Port = r.integer("MQ_PORT", "mq.port", 0)
	mq.VHost = s.String("MQ_VHOST", "mq.vhost", "")
	useSSL, err := s.OptionalBool("MQ_USE_SSL", "mq.use_ssl")
	r.fail(err)
	mq.UseSSL = useSSL
	mq.User = s.String("MQ_USER", "mq.user", "")
	mq.Pass = Secret(s.String("MQ_PASS", "mq.pass", ""))
	mq.SSLCA = s.String("MQ_USE_SSL_CA", "mq.use_ssl_ca", "")
	mq.SSLCert = s.String("MQ_USE_SSL_CERT", "mq.use_ssl_cert", "")
	mq.SSLKey = Secret(s.String("MQ_USE_SSL_KEY", "mq.use_ssl_key", ""))
	mq.SSLPassphrase = Secret(s.String("MQ_USE_SSL_PASSPHRASE", "mq.use_ssl_passphrase", ""))
	mq.SSLRejectUnauthorized = r.boolean("MQ_USE_SSL_REJECT_UNAUTHORIZED",
		"mq.use_ssl_reject_unauthorized", false)
}

// Validate checks a Config built by hand, with the same rules as
// [ConfigFromSource].
func (c *Config) Validate() error {
	r := &reader{}
	c.validate(r)
	return errors.Join(r.errs...)
}

func (c *Config) validate(r *reader) {
	r.fail(validateURL(c.URL))
	switch {
	case c.Token == "":
		r.fail(&ConfigError{Env: "OPENCTI_TOKEN", YAML: "opencti.token",
			Reason: "missing: set the API token of the connector's user"})
	case c.Token == "ChangeMe":
		r.fail(&ConfigError{Env: "OPENCTI_TOKEN", YAML: "opencti.token",
			Reason: "still the sample value ChangeMe: set the API token of the connector's user"})
	}
	r.fail(validateID(c.ID))
	if !validType(c.Type) {
		reason := fmt.Sprintf("invalid type %q: use one of EXTERNAL_IMPORT, "+
			"INTERNAL_IMPORT_FILE, INTERNAL_ENRICHMENT, INTERNAL_ANALYSIS, "+
			"INTERNAL_EXPORT_FILE, STREAM", c.Type)
		if c.Type == "" {
			reason = "missing: set the connector type, for example INTERNAL_EXPORT_FILE"
		}
		r.fail(&ConfigError{Env: "CONNECTOR_TYPE", YAML: "connector.type", Reason: reason})
	}
	if len(strings.TrimSpace(c.Name)) < 2 {
		r.fail(&ConfigError{Env: "CONNECTOR_NAME", YAML: "connector.name",
			Reason: fmt.Sprintf("invalid name %q: set a display name of at least 2 characters",
				c.Name)})
	}
	if c.MetricsPort < 1 || c.MetricsPort > 65535 {
		r.fail(&ConfigError{Env: "CONNECTOR_METRICS_PORT", YAML: "connector.metrics_port",
			Reason: fmt.Sprintf("invalid port %d: use 1 to 65535", c.MetricsPort)})
	}
	if c.QueueThreshold <= 0 {
		r.fail(&ConfigError{Env: "CONNECTOR_QUEUE_THRESHOLD", YAML: "connector.queue_threshold",
			Reason: fmt.Sprintf("invalid threshold %g: use a positive number of megabytes",
				c.QueueThreshold)})
	}
	if _, err := ParsePeriod(c.DurationPeriod); err != nil && c.DurationPeriod != "" {
		r.fail(&ConfigError{Env: "CONNECTOR_DURATION_PERIOD", YAML: "connector.duration_period",
			Reason: err.Error()})
	}
	if c.MQ.Port < 0 || c.MQ.Port > 65535 {
		r.fail(&ConfigError{Env: "MQ_PORT", YAML: "mq.port",
			Reason: fmt.Sprintf("invalid port %d: use 1 to 65535", c.MQ.Port)})
	}
}

func validateURL(raw string) error {
	fail := func(reason string) error {
		return &ConfigError{Env: "OPENCTI_URL", YAML: "opencti.url", Reason: reason}
	}
	if raw == "" {
		return fail("missing: set the platform's base URL, for example http://localhost:8080")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return fail(fmt.Sprintf("invalid URL %q: use http://host:port or https://host",
			redactUserinfo(raw)))
	}
	if u.User != nil {
		return fail(fmt.Sprintf("URL %q carries credentials: remove them, the token "+
			"authenticates", u.Redacted()))
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fail(fmt.Sprintf("invalid port %s in URL %q: use 1 to 65535", p, u.Redacted()))
		}
	}
	return nil
}

// redactUserinfo masks the text between "://" and "@" in a URL that
// url.Parse rejected, because it may hold a password.
func redactUserinfo(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 || strings.ContainsAny(rest[:at], "/?#") {
		return raw
	}
	return scheme + "://xxxxx@" + rest[at+1:]
}

func validateID(id string) error {
	fail := func(reason string) error {
		return &ConfigError{Env: "CONNECTOR_ID", YAML: "connector.id", Reason: reason}
	}
	if id == "" {
		return fail("missing: set a stable UUIDv4, for example from uuidgen")
	}
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		return fail(fmt.Sprintf("%q is not a UUID: set a UUIDv4 such as "+
			"3a9e5c41-7d2b-4f60-9b8e-21c0f4d7a655", id))
	}
	return nil
}

// checkCAFile checks that the OPENCTI_SSL_VERIFY value that is not a
// boolean names a file that can be read. Otherwise a misspelt boolean such
// as "ture" would surface later as a file error that names no key.
func checkCAFile(path string) error {
	if _, err := os.ReadFile(path); err != nil {
		return &ConfigError{Env: "OPENCTI_SSL_VERIFY", YAML: "opencti.ssl_verify",
			Reason: fmt.Sprintf("%q is not a boolean, so it is read as the path of a CA bundle, "+
				"but %v: set true or false, or the path of a PEM CA bundle", path, unwrapPath(err))}
	}
	return nil
}

// unwrapPath returns the reason of a file error without the path, which
// the message names already.
func unwrapPath(err error) error {
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return perr.Err
	}
	return err
}

func validType(t ConnectorType) bool {
	switch t {
	case TypeExternalImport, TypeInternalImportFile, TypeInternalEnrichment,
		TypeInternalAnalysis, TypeInternalExportFile, TypeStream:
		return true
	}
	return false
}

func splitScope(raw string) []string {
	var scope []string
	for item := range strings.SplitSeq(raw, ",") {
		if item = strings.TrimSpace(item); item != "" {
			scope = append(scope, item)
		}
	}
	return scope
}

// parseLevel maps pycti's level names to slog levels.
func parseLevel(raw string) (slog.Level, error) {
	switch strings.ToUpper(strings.TrimSpace(raw)) {
	case "DEBUG":
		return slog.LevelDebug, nil
	case "INFO":
		return slog.LevelInfo, nil
	case "WARN", "WARNING":
		return slog.LevelWarn, nil
	case "ERROR", "CRITICAL":
		return slog.LevelError, nil
	}
	return slog.LevelError, &ConfigError{Env: "CONNECTOR_LOG_LEVEL", YAML: "connector.log_level",
		Reason: fmt.Sprintf("invalid level %q: use debug, info, warn or error", raw)}
}

// parseHeaders reads "Name:value;Name2:value2". Its errors name the header
// and never its value, which is often a secret.
func parseHeaders(raw string) (http.Header, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	invalid := func(format string, args ...any) error {
		return &ConfigError{Env: "OPENCTI_CUSTOM_HEADERS", YAML: "opencti.custom_headers",
			Reason: fmt.Sprintf(format, args...) + ": use Name:value;Name2:value2"}
	}
	headers := http.Header{}
	entry := 0
	for pair := range strings.SplitSeq(raw, ";") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		entry++
		name, value, ok := strings.Cut(pair, ":")
		name = strings.TrimSpace(name)
		switch {
		case !ok:
			return nil, invalid("invalid header %d: no colon between name and value", entry)
		case !validHeaderName(name):
			return nil, invalid("invalid header name %q", name)
		case strings.ContainsFunc(value, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }):
			return nil, invalid("invalid value of header %s: it contains a control character",
				name)
		}
		headers.Add(name, strings.TrimSpace(value))
	}
	return headers, nil
}

// validHeaderName reports whether name is an HTTP field name: a token of
// RFC 9110, section 5.6.2.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r > '~' || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}
