package connector

import "github.com/opencti-go/sdk/pycti"

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
