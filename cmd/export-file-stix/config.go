package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/stixconv"
)

// stixMIME is the export format this connector produces.
const stixMIME = "application/vnd.oasis.stix+json"

// defaults are the values the Python connector's image gives keys that the
// framework requires or defaults otherwise.
var defaults = []struct{ env, yaml, value string }{
	{"CONNECTOR_TYPE", "connector.type", string(connector.TypeInternalExportFile)},
	{"CONNECTOR_NAME", "connector.name", "ExportFileStix"},
	{"CONNECTOR_SCOPE", "connector.scope", stixMIME},
}

// settings is the whole configuration of the command: the framework's
// keys and this connector's own.
type settings struct {
	conn *connector.Config
	// profile is EXPORT_FILE_STIX_PROFILE (export_file_stix.profile).
	profile export.Profile
	// pyctiCompat is EXPORT_FILE_STIX_PYCTI_COMPAT
	// (export_file_stix.pycti_compat): the pycti profile then reproduces
	// pycti 7.260817.0, defects included.
	pyctiCompat bool
	// spoolDir is EXPORT_FILE_STIX_SPOOL_DIR (export_file_stix.spool_dir):
	// the folder bundles are written to before their upload.
	spoolDir string
	warnings []string
}

// loadSettings reads config.yml at path (a missing file is fine) and the
// environment through lookupEnv, with pycti's precedence, then checks the
// result. The error names each invalid key.
func loadSettings(path string, lookupEnv func(string) (string, bool)) (*settings, error) {
	var doc []byte
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			doc = data
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("read config file %s: %w", path, err)
		}
	}
	yamlOnly, err := connector.NewSource(doc, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// An empty variable means the default, as in pycti, and so does a key
	// set nowhere.
	withDefaults := func(key string) (string, bool) {
		v, ok := lookupEnv(key)
		for _, d := range defaults {
			if d.env != key || (ok && v != "") {
				continue
			}
			if ok || yamlOnly.String("", d.yaml, "") == "" {
				return d.value, true
			}
		}
		return v, ok
	}
	src, err := connector.NewSource(doc, withDefaults)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return settingsFrom(src, path)
}

// checkConfigFlag rejects a --config path that does not exist. Only the
// default config.yml may be missing, so that a mistyped path is not
// silently replaced by the environment alone. An empty path means no file.
func checkConfigFlag(flags *flag.FlagSet, path string) error {
	explicit := false
	flags.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "config" })
	if !explicit || path == "" {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config file %s given with --config not found: fix the path, or "+
			"leave --config out to read config.yml in the working directory if it exists", path)
	}
	return nil
}

// settingsFrom reads and checks the settings of src, whose config.yml is
// the file at path.
func settingsFrom(src *connector.Source, path string) (*settings, error) {
	var errs []error
	cfg, err := connector.ConfigFromSource(src)
	if err != nil {
		errs = append(errs, err)
	}
	s := &settings{conn: cfg}
	if cfg != nil && cfg.Type != connector.TypeInternalExportFile {
		errs = append(errs, fmt.Errorf("CONNECTOR_TYPE (connector.type) %q: this connector "+
			"is an export connector; unset it or set %s", cfg.Type, connector.TypeInternalExportFile))
	}
	profile := src.String("EXPORT_FILE_STIX_PROFILE", "export_file_stix.profile",
		string(export.ProfileNative))
	profile = strings.ToLower(strings.TrimSpace(profile))
	switch export.Profile(profile) {
	case export.ProfileNative, export.ProfilePycti:
		s.profile = export.Profile(profile)
	default:
		errs = append(errs, fmt.Errorf("EXPORT_FILE_STIX_PROFILE (export_file_stix.profile) "+
			"%q: use native or pycti", profile))
	}
	s.pyctiCompat, err = src.Bool("EXPORT_FILE_STIX_PYCTI_COMPAT", "export_file_stix.pycti_compat",
		false)
	if err != nil {
		errs = append(errs, err)
	}
	s.spoolDir, err = readSpoolDir(src)
	if err != nil {
		errs = append(errs, err)
	}
	// The Python connector's samples set CONNECTOR_CONFIDENCE_LEVEL, which
	// platforms since 6.0 ignore. It is accepted and not used.
	if src.String("CONNECTOR_CONFIDENCE_LEVEL", "connector.confidence_level", "") != "" {
		s.warnings = append(s.warnings, "CONNECTOR_CONFIDENCE_LEVEL is ignored, as by "+
			"platforms since 6.0")
	}
	unread := unreadKeys(src, path)
	if len(errs) > 0 {
		if unread != "" {
			errs = append(errs, errors.New(unread))
		}
		return nil, errors.Join(errs...)
	}
	s.warnings = append(s.warnings, cfg.Warnings()...)
	if unread != "" {
		s.warnings = append(s.warnings, unread)
	}
	return s, nil
}

// unreadKeys describes the keys of the config.yml file at path that no
// setting reads, "" for none. They are ignored, and most often misspelt.
func unreadKeys(src *connector.Source, path string) string {
	var keys, sections []string
	for _, key := range src.UnreadKeys() {
		if strings.Contains(key, ".") {
			keys = append(keys, key)
		} else {
			sections = append(sections, key)
		}
	}
	var notes []string
	if len(keys) > 0 {
		notes = append(notes, fmt.Sprintf("no setting of export-file-stix reads %s",
			strings.Join(keys, ", ")))
	}
	if len(sections) > 0 {
		notes = append(notes, fmt.Sprintf("%s is not a section of keys", strings.Join(sections, ", ")))
	}
	if len(notes) == 0 {
		return ""
	}
	return fmt.Sprintf("%s: %s; these are ignored: check their spelling and nesting against "+
		"docs/configuration.md", path, strings.Join(notes, ", and "))
}

// exportOptions returns the engine's options.
func (s *settings) exportOptions() export.Options {
	opts := export.Options{Profile: s.profile, TempDir: s.spoolDir}
	if s.pyctiCompat {
		opts.Compat = stixconv.Pycti()
	}
	return opts
}

// clientOptions returns the options of the platform client, as pycti sets
// them: TLS verification by OPENCTI_SSL_VERIFY, the custom headers, and the
// proxies of the environment.
func (s *settings) clientOptions() ([]pycti.Option, []string) {
	cfg := s.conn
	opts := []pycti.Option{pycti.WithProxy(http.ProxyFromEnvironment),
		pycti.WithUserAgent("opencti-go export-file-stix")}
	var warnings []string
	switch {
	case cfg.SSLCAFile != "":
		opts = append(opts, pycti.WithCAFile(cfg.SSLCAFile))
	case !cfg.SSLVerify && strings.HasPrefix(strings.ToLower(cfg.URL), "https:"):
		opts = append(opts, pycti.WithInsecureSkipVerify())
		warnings = append(warnings, "OPENCTI_SSL_VERIFY is false: the platform's TLS "+
			"certificate is not verified")
	}
	for name, values := range cfg.CustomHeaders {
		for _, v := range values {
			opts = append(opts, pycti.WithHeader(name, v))
		}
	}
	return opts, warnings
}
