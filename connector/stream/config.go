package stream

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/opencti-go/sdk/connector"
)

// Config selects the stream to read and the request options. Build it with [LoadConfig] or
// by hand.
type Config struct {
	// URL is the platform's base URL; the stream is URL + "/stream" (+
	// "/" + StreamID).
	URL string
	// Token is the API token sent as "Authorization: Bearer <token>".
	Token connector.Secret
	// StreamID is a live stream collection id, "live" for the unfiltered
	// live processing, or "" for the raw stream, which needs the BYPASS
	// capability. CONNECTOR_LIVE_STREAM_ID (connector.live_stream_id).
	StreamID string
	// ListenDelete requests delete events. CONNECTOR_LIVE_STREAM_LISTEN_DELETE
	// (connector.live_stream_listen_delete), default true.
	ListenDelete bool
	// NoDependencies turns the platform's relationship resolution off
	// (referenced objects are still sent first).
	// CONNECTOR_LIVE_STREAM_NO_DEPENDENCIES
	// (connector.live_stream_no_dependencies), default true, as in pycti.
	NoDependencies bool
	// WithInferences adds data created by inference rules.
	// CONNECTOR_LIVE_STREAM_WITH_INFERENCES
	// (connector.live_stream_with_inferences), default false.
	WithInferences bool
	// StartFrom is the position of a first start (no saved state): "0-0"
	// for the beginning of the log, or an event id.
	// CONNECTOR_LIVE_STREAM_START_TIMESTAMP
	// (connector.live_stream_start_timestamp) in epoch milliseconds, to
	// which "-0" is added; default "0-0".
	StartFrom string
	// RecoverUntil is the recovery date of a first start: the platform
	// first sends every matching object updated between StartFrom and it,
	// then the live events. "" means the time of the first start; "false"
	// turns recovery off. CONNECTOR_LIVE_STREAM_RECOVER_ISO_DATE
	// (connector.live_stream_recover_iso_date).
	RecoverUntil string
	// Header holds extra request headers, such as OPENCTI_CUSTOM_HEADERS
	// (which pycti does not send on the stream request).
	Header http.Header
	// HTTPClient sends the requests. It must have no overall timeout;
	// the client watches for silent connections itself. Default: a client
	// with a 30 s dial and TLS handshake timeout.
	HTTPClient *http.Client
}

// LoadConfig builds the stream configuration of a connector: the
// platform's URL, token, TLS settings and custom headers from cfg, and the
// CONNECTOR_LIVE_STREAM_* keys from cfg.Source(). Each error names the
// environment variable and the config.yml key.
func LoadConfig(cfg *connector.Config) (Config, error) {
	out := Config{URL: cfg.URL, Token: cfg.Token, Header: cfg.CustomHeaders.Clone(),
		ListenDelete: true, NoDependencies: true, StartFrom: "0-0"}
	client, err := httpClient(cfg)
	if err != nil {
		return Config{}, err
	}
	out.HTTPClient = client
	src := cfg.Source()
	if src == nil {
		return out, nil
	}
	var errs []error
	boolean := func(env, path string, def bool) bool {
		v, err := src.Bool(env, path, def)
		errs = append(errs, err)
		return v
	}
	out.StreamID = strings.TrimSpace(src.String("CONNECTOR_LIVE_STREAM_ID",
		"connector.live_stream_id", ""))
	out.ListenDelete = boolean("CONNECTOR_LIVE_STREAM_LISTEN_DELETE",
		"connector.live_stream_listen_delete", true)
	out.NoDependencies = boolean("CONNECTOR_LIVE_STREAM_NO_DEPENDENCIES",
		"connector.live_stream_no_dependencies", true)
	out.WithInferences = boolean("CONNECTOR_LIVE_STREAM_WITH_INFERENCES",
		"connector.live_stream_with_inferences", false)
	if ts := strings.TrimSpace(src.String("CONNECTOR_LIVE_STREAM_START_TIMESTAMP",
		"connector.live_stream_start_timestamp", "")); ts != "" {
		if _, err := strconv.ParseUint(ts, 10, 64); err != nil {
			errs = append(errs, &connector.ConfigError{Env: "CONNECTOR_LIVE_STREAM_START_TIMESTAMP",
				YAML: "connector.live_stream_start_timestamp", Reason: fmt.Sprintf(
					"invalid value %q: use epoch milliseconds, such as 1772446535000", ts)})
		}
		out.StartFrom = ts + "-0"
	}
	out.RecoverUntil = strings.TrimSpace(src.String("CONNECTOR_LIVE_STREAM_RECOVER_ISO_DATE",
		"connector.live_stream_recover_iso_date", ""))
	if _, _, err := parseRecover(out.RecoverUntil); err != nil {
		errs = append(errs, &connector.ConfigError{Env: "CONNECTOR_LIVE_STREAM_RECOVER_ISO_DATE",
			YAML: "connector.live_stream_recover_iso_date", Reason: err.Error()})
	}
	return out, errors.Join(errs...)
}

// httpClient builds a client with the platform's TLS settings and no
// overall timeout.
func httpClient(cfg *connector.Config) (*http.Client, error) {
	tlsCfg := &tls.Config{InsecureSkipVerify: !cfg.SSLVerify} //nolint:gosec // OPENCTI_SSL_VERIFY=false
	if cfg.SSLCAFile != "" {
		pem, err := os.ReadFile(cfg.SSLCAFile)
		if err != nil {
			return nil, fmt.Errorf("read OPENCTI_SSL_VERIFY CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("OPENCTI_SSL_VERIFY CA bundle %s contains no PEM certificate",
				cfg.SSLCAFile)
		}
		tlsCfg.RootCAs = pool
	}
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout: 30 * time.Second,
		TLSClientConfig:     tlsCfg,
		// A compressed event stream would hide the heartbeats from the
		// idle timer behind the decompressor's buffer.
		DisableCompression: true,
	}
	return &http.Client{Transport: transport}, nil
}

// parseRecover reads a recovery setting: "" (none given), a date, or one
// of pycti's spellings of off (false, no, none, any case).
func parseRecover(v string) (at time.Time, off bool, err error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return time.Time{}, false, nil
	case "false", "no", "none":
		return time.Time{}, true, nil
	}
	at, err = time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("invalid date %q: use ISO 8601, such as "+
			"2026-03-02T09:00:00Z, or false for no recovery", v)
	}
	return at.UTC(), false, nil
}
