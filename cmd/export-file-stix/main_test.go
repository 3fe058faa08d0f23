package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/stix/validate"
)

// envOf returns a lookup over a fixed environment.
func envOf(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

func minimalEnv() map[string]string {
	return map[string]string{"OPENCTI_URL": "http://127.0.0.1:1",
		"OPENCTI_TOKEN": "2b7e9f61-0c4d-4a8e-b3f5-7d1e6a9c0b24",
		"CONNECTOR_ID":  "3a9e5c41-7d2b-4f60-9b8e-21c0f4d7a655"}
}

func TestSettingsDefaults(t *testing.T) {
	s, err := loadSettings("", envOf(minimalEnv()))
	if err != nil {
		t.Fatal(err)
	}
	if s.conn.Name != "ExportFileStix" {
		t.Errorf("name = %q, want ExportFileStix", s.conn.Name)
	}
	if len(s.conn.Scope) != 1 || s.conn.Scope[0] != stixMIME {
		t.Errorf("scope = %v, want %s", s.conn.Scope, stixMIME)
	}
	if s.conn.Type != connector.TypeInternalExportFile {
		t.Errorf("type = %q, want INTERNAL_EXPORT_FILE", s.conn.Type)
	}
	if s.profile != export.ProfileNative {
		t.Errorf("profile = %q, want native", s.profile)
	}
	if s.pyctiCompat {
		t.Error("pycti compatibility is on by default")
	}
}

func TestSettingsFromYAMLAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yml")
	doc := "connector:\n  name: StixFromYaml\n  confidence_level: 80\n" +
		"export_file_stix:\n  profile: pycti\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	env := minimalEnv()
	env["EXPORT_FILE_STIX_PYCTI_COMPAT"] = "true"
	env["CONNECTOR_SCOPE"] = "" // empty: the default applies, as in pycti

	s, err := loadSettings(path, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if s.conn.Name != "StixFromYaml" {
		t.Errorf("name = %q, want the YAML value", s.conn.Name)
	}
	if len(s.conn.Scope) != 1 || s.conn.Scope[0] != stixMIME {
		t.Errorf("scope = %v, want the default for an empty variable", s.conn.Scope)
	}
	if s.profile != export.ProfilePycti || !s.pyctiCompat {
		t.Errorf("profile = %q, compat = %v; want pycti with compatibility", s.profile,
			s.pyctiCompat)
	}
	if !strings.Contains(strings.Join(s.warnings, "\n"), "CONNECTOR_CONFIDENCE_LEVEL") {
		t.Errorf("warnings = %v, want a note on the ignored confidence level", s.warnings)
	}
	env["CONNECTOR_NAME"] = "StixFromEnv"
	if s, err = loadSettings(path, envOf(env)); err != nil || s.conn.Name != "StixFromEnv" {
		t.Errorf("name = %v (%v), want the environment to win over config.yml", s, err)
	}
}

func TestSettingsRejectInvalidValues(t *testing.T) {
	for key, value := range map[string]string{"EXPORT_FILE_STIX_PROFILE": "stix2",
		"CONNECTOR_TYPE": "INTERNAL_IMPORT_FILE", "EXPORT_FILE_STIX_PYCTI_COMPAT": "maybe",
		"OPENCTI_URL": ""} {
		env := minimalEnv()
		env[key] = value
		_, err := loadSettings("", envOf(env))
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%q: err = %v, want an error naming the key", key, value, err)
		}
	}
}

// Values with spaces around them, as .env files and quoted YAML often
// have, are read without the spaces.
func TestSettingsTrimSpaces(t *testing.T) {
	env := minimalEnv()
	env["EXPORT_FILE_STIX_PROFILE"] = " Pycti "
	env["EXPORT_FILE_STIX_PYCTI_COMPAT"] = "true "
	env["OPENCTI_JSON_LOGGING"] = " false"
	env["CONNECTOR_LOG_LEVEL"] = " INFO "

	s, err := loadSettings("", envOf(env))

	if err != nil {
		t.Fatal(err)
	}
	if s.profile != export.ProfilePycti {
		t.Errorf("profile %q, want pycti", s.profile)
	}
	if !s.pyctiCompat {
		t.Error("pycti_compat false, want true")
	}
	if s.conn.JSONLogging {
		t.Error("json_logging true, want false")
	}
	if s.conn.LogLevel != slog.LevelInfo {
		t.Errorf("log level %v, want INFO", s.conn.LogLevel)
	}
}

// Keys of config.yml that no setting reads, most often misspelt, are named
// in a warning, and in the error when the configuration is invalid.
func TestSettingsNameUnreadKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yml")
	doc := "opencti:\n  urll: http://typo\nexport_file_stix:\n  profil: pycti\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}

	s, err := loadSettings(path, envOf(minimalEnv()))

	if err != nil {
		t.Fatal(err)
	}
	want := "no setting of export-file-stix reads export_file_stix.profil, opencti.urll"
	if !strings.Contains(strings.Join(s.warnings, "\n"), want) {
		t.Errorf("warnings %q, want one containing %q", s.warnings, want)
	}
	env := minimalEnv()
	delete(env, "OPENCTI_URL")
	if _, err := loadSettings(path, envOf(env)); err == nil ||
		!strings.Contains(err.Error(), "opencti.urll") {
		t.Errorf("without OPENCTI_URL: err = %v, want it to name opencti.urll", err)
	}
}

// Flags that the chosen mode would ignore are rejected, naming them.
func TestConflictingFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"--demo", "--once", "message.json"},
		{"--demo", "--config", "config.yml"},
		{"--once", "message.json", "--output", "out"},
	} {
		var stdout, stderr bytes.Buffer

		code := run(context.Background(), args, envOf(nil), nil, &stdout, &stderr)

		if code != exitUsage {
			t.Errorf("%q: exit code %d, want %d", args, code, exitUsage)
		}
		if !strings.Contains(stderr.String(), args[len(args)-2]) {
			t.Errorf("%q: stderr %q does not name %s", args, stderr.String(), args[len(args)-2])
		}
		if stdout.Len() > 0 {
			t.Errorf("%q: the demo ran:\n%s", args, stdout.String())
		}
	}
}

// Configuration warnings show at the default level error, so that a
// misspelt key such as log_levl is seen; other warnings do not.
func TestConfigWarningsShowAtLevelError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yml")
	if err := os.WriteFile(path, []byte("connector:\n  log_levl: info\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer

	a, err := setup(path, envOf(minimalEnv()), &stderr)

	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "connector.log_levl") {
		t.Errorf("stderr %q does not name connector.log_levl", stderr.String())
	}
	if a.log.Enabled(context.Background(), slog.LevelWarn) {
		t.Error("the export logger logs warnings at level error")
	}
}

func TestHelpListsFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--help"}, envOf(nil), nil, &stdout, &stderr)
	if code != exitOK {
		t.Errorf("exit code %d, want 0", code)
	}
	for _, want := range []string{"--once", "--demo", "-config", "-output", "OPENCTI_URL"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("help lacks %s:\n%s", want, stderr.String())
		}
	}
}

func TestInvalidConfigurationExitsTwo(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--config", ""}, envOf(nil), nil, &bytes.Buffer{},
		&stderr)
	if code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "OPENCTI_URL") {
		t.Errorf("stderr = %q, want it to name the missing OPENCTI_URL", stderr.String())
	}
}

// The offline demo exports each scope against the in-memory platform and
// writes valid bundles to the output folder.
func TestDemoWritesValidBundles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "export-output")
	var stdout, stderr bytes.Buffer

	code := run(context.Background(), []string{"--demo", "--output", out}, envOf(nil), nil,
		&stdout, &stderr)

	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr.String())
	}
	for _, d := range demoExports {
		data, err := os.ReadFile(filepath.Join(out, d.file))
		if err != nil {
			t.Errorf("%s: %v", d.file, err)
			continue
		}
		findings, err := validate.Bundle(context.Background(), bytes.NewReader(data))
		if err != nil || validate.HasErrors(findings) {
			t.Errorf("%s: findings %v, err %v; want a valid bundle", d.file, findings, err)
		}
		if !strings.Contains(stdout.String(), d.file) {
			t.Errorf("summary lacks %s:\n%s", d.file, stdout.String())
		}
	}
	for _, scope := range []string{"single", "selection", "query"} {
		if !strings.Contains(stdout.String(), scope) {
			t.Errorf("summary lacks the %s scope", scope)
		}
	}
}

// The sample configuration reads as a valid configuration once its
// placeholders are filled.
func TestSampleConfigLoads(t *testing.T) {
	env := map[string]string{"OPENCTI_TOKEN": "2b7e9f61-0c4d-4a8e-b3f5-7d1e6a9c0b24",
		"CONNECTOR_ID": "3a9e5c41-7d2b-4f60-9b8e-21c0f4d7a655"}
	s, err := loadSettings("config.yml.sample", envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if s.conn.URL != "http://localhost:8080" || s.conn.Name != "ExportFileStix" ||
		s.profile != export.ProfileNative {
		t.Errorf("settings = %+v, %q; want the sample's values", s.conn, s.profile)
	}
}

// A --config path that does not exist is an error that names it, while a
// missing default config.yml is not.
func TestMissingConfigFileExitsTwo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.yml")
	var stderr bytes.Buffer
	// A cancelled context stops the connector at once if the path is read
	// as no file.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	code := run(ctx, []string{"--config", path}, envOf(minimalEnv()), nil,
		&bytes.Buffer{}, &stderr)

	if code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), path) || !strings.Contains(stderr.String(), "not found") {
		t.Errorf("stderr = %q, want it to say %s is not found", stderr.String(), path)
	}
	t.Chdir(t.TempDir())
	if _, err := loadSettings("config.yml", envOf(minimalEnv())); err != nil {
		t.Errorf("missing default config.yml: %v", err)
	}
}

// EXPORT_FILE_STIX_SPOOL_DIR sets the spool folder, which defaults to one
// per user in the temporary folder. A path that cannot be a folder is a
// configuration error that names the setting.
func TestSpoolDirSetting(t *testing.T) {
	s, err := loadSettings("", envOf(minimalEnv()))
	if err != nil {
		t.Fatal(err)
	}
	if s.spoolDir != defaultSpoolDir() || s.exportOptions().TempDir != defaultSpoolDir() {
		t.Errorf("spool folder %q, export TempDir %q; want the default %q", s.spoolDir,
			s.exportOptions().TempDir, defaultSpoolDir())
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := minimalEnv()
	env["EXPORT_FILE_STIX_SPOOL_DIR"] = filepath.Join(file, "spool")
	var stderr bytes.Buffer

	code := run(context.Background(), []string{"--config", ""}, envOf(env), nil,
		&bytes.Buffer{}, &stderr)

	if code != exitUsage {
		t.Errorf("exit code %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "EXPORT_FILE_STIX_SPOOL_DIR") {
		t.Errorf("stderr = %q, want it to name EXPORT_FILE_STIX_SPOOL_DIR", stderr.String())
	}
}

// The spool folder setting is read without spaces around it, and a
// relative path is made absolute against the working directory.
func TestSpoolDirSettingPaths(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ value, want string }{
		{"", defaultSpoolDir()},
		{"  ", defaultSpoolDir()},
		{" /var/spool/export ", "/var/spool/export"},
		{"spool/export", filepath.Join(wd, "spool", "export")},
		{"/srv/~spool", "/srv/~spool"},
	}
	for _, c := range cases {
		env := minimalEnv()
		env["EXPORT_FILE_STIX_SPOOL_DIR"] = c.value

		s, err := loadSettings("", envOf(env))

		if err != nil {
			t.Errorf("%q: %v", c.value, err)
			continue
		}
		if s.spoolDir != c.want {
			t.Errorf("%q: spool folder %q, want %q", c.value, s.spoolDir, c.want)
		}
	}
}

// A spool folder path that starts with ~ is rejected, because no shell
// expands it in the environment or config.yml.
func TestSpoolDirSettingRejectsTilde(t *testing.T) {
	for _, value := range []string{"~", "~/spool", "~opencti/spool"} {
		env := minimalEnv()
		env["EXPORT_FILE_STIX_SPOOL_DIR"] = value

		_, err := loadSettings("", envOf(env))

		if err == nil {
			t.Errorf("%q accepted", value)
			continue
		}
		if !strings.Contains(err.Error(), "EXPORT_FILE_STIX_SPOOL_DIR") ||
			!strings.Contains(err.Error(), value) {
			t.Errorf("%q: error %q does not name the setting and the value", value, err)
		}
	}
}
