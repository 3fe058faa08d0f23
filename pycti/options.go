package pycti

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Option configures a Client at construction. An invalid option makes
// NewClient return an error.
type Option func(*config) error

type config struct {
	httpClient *http.Client
	timeout    time.Duration
	tls        *tls.Config
	tlsSet     bool
	proxy      func(*http.Request) (*url.URL, error)
	headers    http.Header
	userAgent  string
	retry      RetryPolicy
	logger     *slog.Logger
}

// DefaultTimeout limits connecting, the TLS handshake and the wait for
// response headers, as pycti's 300 s request timeout does.
const DefaultTimeout = 300 * time.Second

// DefaultUserAgent is the User-Agent header sent unless WithUserAgent
// replaces it.
const DefaultUserAgent = "opencti-go"

// WithHTTPClient makes the client send its requests through hc. The client's
// own transport settings (WithTimeout, WithTLSConfig, WithCAFile,
// WithInsecureSkipVerify, WithProxy) cannot be combined with it: configure
// hc's transport instead.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("WithHTTPClient: nil *http.Client; pass a client or omit the option")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout sets the limit for connecting, the TLS handshake and the wait
// for response headers (default DefaultTimeout). It does not limit reading a
// response or sending a body, so long uploads and downloads are not cut:
// bound a whole call with its context. d must be positive.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("WithTimeout: timeout %v is not positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithTLSConfig sets the TLS configuration used for HTTPS. Certificates are
// verified unless cfg says otherwise.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(c *config) error {
		if cfg == nil {
			return errors.New("WithTLSConfig: nil *tls.Config")
		}
		c.tls = cfg.Clone()
		c.tlsSet = true
		return nil
	}
}

// WithCAFile adds the PEM certificates in path to the system roots used to
// verify the platform's certificate (for a private CA or a TLS-intercepting
// proxy).
func WithCAFile(path string) Option {
	return func(c *config) error {
		pem, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("WithCAFile: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("WithCAFile: no PEM certificate found in %s", path)
		}
		c.ensureTLS().RootCAs = pool
		return nil
	}
}

// WithInsecureSkipVerify turns certificate verification off. Anyone on the
// network path can then read the token and the data; use it only against a
// test platform.
func WithInsecureSkipVerify() Option {
	return func(c *config) error {
		c.ensureTLS().InsecureSkipVerify = true
		return nil
	}
}

func (c *config) ensureTLS() *tls.Config {
	if c.tls == nil {
		c.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	c.tlsSet = true
	return c.tls
}

// WithProxy sets the function that picks a proxy for each request. By
// default the client connects directly and reads no environment variable;
// pass http.ProxyFromEnvironment to honour HTTP_PROXY, HTTPS_PROXY and
// NO_PROXY.
func WithProxy(proxy func(*http.Request) (*url.URL, error)) Option {
	return func(c *config) error {
		if proxy == nil {
			return errors.New("WithProxy: nil proxy function")
		}
		c.proxy = proxy
		return nil
	}
}

// WithProxyURL sends every request through the proxy at rawURL.
func WithProxyURL(rawURL string) Option {
	return func(c *config) error {
		u, err := url.Parse(rawURL)
		if err != nil || u.Host == "" {
			return fmt.Errorf("WithProxyURL: invalid proxy URL %q: give scheme and host", rawURL)
		}
		c.proxy = http.ProxyURL(u)
		return nil
	}
}

// WithHeader adds a header sent with every request, such as a header a
// reverse proxy requires. Authorization, Content-Type and
// opencti-applicant-id are set by the client and cannot be overridden.
func WithHeader(name, value string) Option {
	return func(c *config) error {
		switch http.CanonicalHeaderKey(name) {
		case "Authorization", "Content-Type", "Opencti-Applicant-Id":
			return fmt.Errorf("WithHeader: header %q is set by the client", name)
		case "":
			return errors.New("WithHeader: empty header name")
		}
		if strings.ContainsAny(name+value, "\r\n") {
			return fmt.Errorf("WithHeader: header %q contains a line break", name)
		}
		c.headers.Add(name, value)
		return nil
	}
}

// WithUserAgent replaces the User-Agent header (default DefaultUserAgent).
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n") {
			return fmt.Errorf("WithUserAgent: invalid user agent %q", ua)
		}
		c.userAgent = ua
		return nil
	}
}

// WithRetry sets the retry policy (default DefaultRetryPolicy). Use
// RetryPolicy{MaxAttempts: 1} to turn retries off.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return fmt.Errorf("WithRetry: %w", err)
		}
		c.retry = p
		return nil
	}
}

// WithLogger sets the logger for retries (Warn) and per-request detail
// (Debug). nil, the default, discards everything. The token is never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// newHTTPClient builds the default HTTP client from the transport options.
func (c *config) newHTTPClient() (*http.Client, error) {
	if c.httpClient != nil {
		if c.timeout != 0 || c.tlsSet || c.proxy != nil {
			return nil, errors.New("WithHTTPClient cannot be combined with WithTimeout, " +
				"WithTLSConfig, WithCAFile, WithInsecureSkipVerify or WithProxy: " +
				"configure the given client's transport instead")
		}
		return c.httpClient, nil
	}
	timeout := c.timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = c.proxy
	tr.TLSHandshakeTimeout = timeout
	tr.ResponseHeaderTimeout = timeout
	tr.DialContext = dialer(timeout)
	tr.TLSClientConfig = c.tls
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr}, nil
}
