package connector_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/connector"
)

const validID = "3a9e5c41-7d2b-4f60-9b8e-21c0f4d7a655"

func baseEnv() map[string]string {
	return map[string]string{
		"OPENCTI_URL": "http://localhost:8080", "OPENCTI_TOKEN": "2b7e9f61-0c4d-4a8e",
		"CONNECTOR_ID": validID, "CONNECTOR_TYPE": "INTERNAL_EXPORT_FILE",
		"CONNECTOR_NAME": "ExportFileStix",
	}
}

func loadConfig(t *testing.T, yamlDoc string, env map[string]string) (*connector.Config, error) {
	t.Helper()
	src, err := connector.NewSource([]byte(yamlDoc), mapEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	return connector.ConfigFromSource(src)
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(t, "", baseEnv())
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.JSONLogging || cfg.SSLVerify || cfg.MetricsPort != 9095 || cfg.LogLevel != slog.LevelError {
		t.Errorf("defaults: json %t, ssl %t, port %d, level %v", cfg.JSONLogging, cfg.SSLVerify,
			cfg.MetricsPort, cfg.LogLevel)
	}
	if len(cfg.Scope) != 1 || cfg.Scope[0] != "not-applicable" {
		t.Errorf("scope = %q", cfg.Scope)
	}
	if cfg.QueueProtocol != "amqp" || !cfg.SendToQueue || cfg.QueueThreshold != 500 ||
		cfg.EnrichmentResolution != "none" {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestConfigPrecedence(t *testing.T) {
	doc := `
opencti:
  url: http://yaml:8080
connector:
  name: FromYAML
  scope: "application/json, text/csv"
  log_level: info
  metrics_port: 9100
`
	env := baseEnv()
	delete(env, "CONNECTOR_NAME")
	env["OPENCTI_URL"] = "http://env:8080"
	env["CONNECTOR_LOG_LEVEL"] = "" // empty: the default, not YAML
	cfg, err := loadConfig(t, doc, env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.URL != "http://env:8080" {
		t.Errorf("url = %q, want the environment's", cfg.URL)
	}
	if cfg.Name != "FromYAML" {
		t.Errorf("name = %q, want the YAML's", cfg.Name)
	}
	if cfg.LogLevel != slog.LevelError {
		t.Errorf("level = %v, want the default for an empty variable", cfg.LogLevel)
	}
	if cfg.MetricsPort != 9100 {
		t.Errorf("metrics port = %d", cfg.MetricsPort)
	}
	if strings.Join(cfg.Scope, "|") != "application/json|text/csv" {
		t.Errorf("scope = %q, want trimmed items", cfg.Scope)
	}
}

func TestConfigBooleanSpellings(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
		warn  bool
	}{
		{"true", true, false}, {"True", true, false}, {"yes", true, false},
		{"false", false, false}, {"False", false, false}, {"no", false, false},
		{"TRUE", true, true}, {"1", true, true}, {"t", true, true},
		{"0", false, true}, {"FALSE", false, true},
		{" false ", false, true}, {"True\n", true, true}, {" 1", true, true},
	} {
		env := baseEnv()
		env["CONNECTOR_EXPOSE_METRICS"] = tc.value
		cfg, err := loadConfig(t, "", env)
		if err != nil {
			t.Errorf("%q: %v", tc.value, err)
			continue
		}
		if cfg.ExposeMetrics != tc.want {
			t.Errorf("%q read as %t", tc.value, cfg.ExposeMetrics)
		}
		if got := len(cfg.Warnings()) > 0; got != tc.warn {
			t.Errorf("%q: warnings %q, want warning %t", tc.value, cfg.Warnings(), tc.warn)
		}
	}
	cfg, err := loadConfig(t, "connector:\n  auto: true\n", baseEnv())
	if err != nil || !cfg.Auto {
		t.Errorf("YAML boolean: auto %v, err %v", cfg != nil && cfg.Auto, err)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		set, value string
		want       string
	}{
		{"OPENCTI_URL", "", "config OPENCTI_URL (opencti.url): missing"},
		{"OPENCTI_URL", "localhost:8080", "config OPENCTI_URL (opencti.url): invalid URL"},
		{"OPENCTI_URL", "http://:8080", `invalid URL "http://:8080"`},
		{"OPENCTI_URL", "http://127.0.0.1:99999", `invalid port 99999 in URL`},
		{"OPENCTI_URL", "https://admin:s3cret@opencti.example.org",
			`URL "https://admin:xxxxx@opencti.example.org" carries credentials`},
		{"OPENCTI_URL", "http://admin:s3cr et@host:1", `invalid URL "http://xxxxx@host:1"`},
		{"OPENCTI_TOKEN", "ChangeMe", "config OPENCTI_TOKEN (opencti.token): still the sample"},
		{"CONNECTOR_ID", "my-connector", `config CONNECTOR_ID (connector.id): "my-connector" is not a UUID`},
		{"CONNECTOR_TYPE", "EXPORT", `config CONNECTOR_TYPE (connector.type): invalid type "EXPORT"`},
		{"CONNECTOR_NAME", "X", "config CONNECTOR_NAME (connector.name): invalid name"},
		{"CONNECTOR_LOG_LEVEL", "verbose", `invalid level "verbose"`},
		{"CONNECTOR_EXPOSE_METRICS", "on", `config CONNECTOR_EXPOSE_METRICS (connector.expose_metrics): invalid boolean "on"`},
		{"CONNECTOR_METRICS_PORT", "http", `config CONNECTOR_METRICS_PORT (connector.metrics_port): invalid integer "http"`},
		{"CONNECTOR_METRICS_PORT", "70000", "invalid port 70000"},
		{"CONNECTOR_METRICS_PORT", "99999999999999999999", `invalid integer ` +
			`"99999999999999999999": use a whole number`},
		{"CONNECTOR_QUEUE_THRESHOLD", "lots", `config CONNECTOR_QUEUE_THRESHOLD ` +
			`(connector.queue_threshold): invalid number "lots": use a finite decimal number`},
		{"CONNECTOR_QUEUE_THRESHOLD", "NaN", `invalid number "NaN": use a finite decimal number`},
		{"CONNECTOR_QUEUE_THRESHOLD", "+Inf", `invalid number "+Inf"`},
		{"CONNECTOR_LISTEN_PROTOCOL", "API", `"API" is not supported`},
		{"CONNECTOR_QUEUE_PROTOCOL", "kafka", `invalid value "kafka"`},
		{"OPENCTI_CUSTOM_HEADERS", "X-A:1;X-Key=s3cret", "invalid header 2: no colon"},
		{"OPENCTI_CUSTOM_HEADERS", "Bad Name:v", `invalid header name "Bad Name"`},
		{"OPENCTI_CUSTOM_HEADERS", "X-K:a\x00b", "invalid value of header X-K: it contains " +
			"a control character"},
		{"OPENCTI_SSL_VERIFY", "ture", `config OPENCTI_SSL_VERIFY (opencti.ssl_verify): "ture" ` +
			"is not a boolean, so it is read as the path of a CA bundle, but no such file"},
		{"OPENCTI_SSL_VERIFY", os.TempDir(), "is a directory: set true or false, or the path"},
	} {
		env := baseEnv()
		env[tc.set] = tc.value
		if tc.value == "" {
			delete(env, tc.set)
		}
		_, err := loadConfig(t, "", env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%q: error %v, want it to contain %q", tc.set, tc.value, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s=%q: error %v shows the secret", tc.set, tc.value, err)
		}
		var cerr *connector.ConfigError
		if !errors.As(err, &cerr) {
			t.Errorf("%s=%q: error is not a ConfigError", tc.set, tc.value)
		}
	}
}

// A list or mapping in config.yml where a single value belongs is named as
// such, not printed as a Go value.
func TestConfigRejectsListsAndMappings(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"connector:\n  metrics_port: {port: 9095}\n", "config CONNECTOR_METRICS_PORT " +
			"(connector.metrics_port): invalid value: a mapping is given where a whole number belongs"},
		{"connector:\n  auto: [true]\n", "config CONNECTOR_AUTO (connector.auto): " +
			"invalid value: a list is given where true or false belongs"},
		{"connector:\n  queue_threshold: [1, 2]\n", "config CONNECTOR_QUEUE_THRESHOLD " +
			"(connector.queue_threshold): invalid value: a list is given where a number belongs"},
	} {
		_, err := loadConfig(t, tc.doc, baseEnv())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.doc, err, tc.want)
		}
	}
}

func TestConfigReadsMQOverridesAndHeaders(t *testing.T) {
	env := baseEnv()
	env["MQ_HOST"], env["MQ_PORT"], env["MQ_USE_SSL"] = "broker.internal", "5671", "true"
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, []byte("not checked here"), 0o600); err != nil {
		t.Fatal(err)
	}
	env["MQ_PASS"], env["OPENCTI_SSL_VERIFY"] = "mq-secret", caFile
	env["OPENCTI_CUSTOM_HEADERS"] = "X-Tenant:blue;X-Trace: on"
	env["QUEUE_PROTOCOL"] = "api"
	cfg, err := loadConfig(t, "", env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MQ.Host != "broker.internal" || cfg.MQ.Port != 5671 || cfg.MQ.UseSSL == nil || !*cfg.MQ.UseSSL {
		t.Errorf("MQ = %+v", cfg.MQ)
	}
	if cfg.MQ.Pass.Reveal() != "mq-secret" {
		t.Error("MQ password not kept")
	}
	if !cfg.SSLVerify || cfg.SSLCAFile != caFile {
		t.Errorf("ssl verify %t with CA %q, want a CA bundle path", cfg.SSLVerify, cfg.SSLCAFile)
	}
	if cfg.CustomHeaders.Get("X-Tenant") != "blue" || cfg.CustomHeaders.Get("X-Trace") != "on" {
		t.Errorf("headers = %v", cfg.CustomHeaders)
	}
	if cfg.QueueProtocol != "api" || len(cfg.Warnings()) != 1 {
		t.Errorf("legacy QUEUE_PROTOCOL: protocol %q, warnings %q", cfg.QueueProtocol, cfg.Warnings())
	}
}

func TestLoadConfigReadsFileAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yml")
	doc := "opencti:\n  url: http://file:8080\n  token: file-token\nconnector:\n" +
		"  id: " + validID + "\n  type: INTERNAL_EXPORT_FILE\n  name: FromFile\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONNECTOR_NAME", "FromEnv")
	cfg, err := connector.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.URL != "http://file:8080" || cfg.Name != "FromEnv" {
		t.Errorf("url %q, name %q", cfg.URL, cfg.Name)
	}
	if v := cfg.Source().String("CONNECTOR_CONFIDENCE_LEVEL", "connector.confidence_level", "100"); v != "100" {
		t.Errorf("connector-specific key = %q, want its default", v)
	}
	if _, err := connector.LoadConfig(filepath.Join(dir, "missing.yml")); err == nil {
		t.Error("environment without the required keys accepted")
	}
}

func TestSecretRedaction(t *testing.T) {
	env := baseEnv()
	env["OPENCTI_TOKEN"], env["MQ_PASS"] = "tok-123456", "pw-654321"
	cfg, err := loadConfig(t, "", env)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "token", cfg.Token, "config", cfg)
	data, _ := json.Marshal(cfg)
	for _, out := range []string{
		fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg),
		fmt.Sprintf("%s %q %v", cfg.Token, cfg.Token, cfg.MQ), logged.String(), string(data),
	} {
		if strings.Contains(out, "tok-123456") || strings.Contains(out, "pw-654321") {
			t.Errorf("secret printed: %s", out)
		}
		if !strings.Contains(out, "[REDACTED]") {
			t.Errorf("no redaction mark in %s", out)
		}
	}
	if cfg.Token.Reveal() != "tok-123456" {
		t.Error("Reveal lost the token")
	}
}

// UnreadKeys names the config.yml keys that no read asked for, and the
// sections that are not mappings, even when the environment sets a key.
func TestSourceUnreadKeys(t *testing.T) {
	doc := "opencti:\n  url: http://yaml\n  urll: http://typo\nextra: [1]\n" +
		"connector:\n  id: " + validID + "\n"
	src, err := connector.NewSource([]byte(doc), mapEnv(baseEnv()))
	if err != nil {
		t.Fatal(err)
	}

	if _, err := connector.ConfigFromSource(src); err != nil {
		t.Fatal(err)
	}

	got := fmt.Sprint(src.UnreadKeys())
	if want := "[extra opencti.urll]"; got != want {
		t.Errorf("unread keys %s, want %s", got, want)
	}
}
