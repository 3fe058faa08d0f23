package connector

import (
	"errors"

	"github.com/opencti-go/sdk/pycti"
)

// NewClient returns a pycti client for the platform that cfg names: its
// URL, its token and the options of [ClientOptions]. The options in opts
// are applied after those, so [pycti.WithTLSConfig] replaces the
// configured TLS settings and [pycti.WithLogger] adds a logger.
// [pycti.WithHTTPClient] returns an error when the configuration sets TLS
// options (OPENCTI_SSL_VERIFY false, its default, or a CA path). Like
// [pycti.NewClient], it does not contact the platform. Pass the client to
// [NewPlatform] to run a connector.
func NewClient(cfg *Config, opts ...pycti.Option) (*pycti.Client, error) {
	if cfg == nil {
		return nil, errors.New("connector: nil config: load one with LoadConfig")
	}
	return pycti.NewClient(cfg.URL, cfg.Token.Reveal(), append(ClientOptions(cfg), opts...)...)
}

// ClientOptions returns the options of a pycti client that the
// configuration sets: TLS verification (OPENCTI_SSL_VERIFY, off by default
// as in pycti, with its CA bundle when the value is a path) and the
// OPENCTI_CUSTOM_HEADERS.
func ClientOptions(cfg *Config) []pycti.Option {
	var opts []pycti.Option
	switch {
	case cfg.SSLCAFile != "":
		opts = append(opts, pycti.WithCAFile(cfg.SSLCAFile))
	case !cfg.SSLVerify:
		opts = append(opts, pycti.WithInsecureSkipVerify())
	}
	for name, values := range cfg.CustomHeaders {
		for _, v := range values {
			opts = append(opts, pycti.WithHeader(name, v))
		}
	}
	return opts
}
