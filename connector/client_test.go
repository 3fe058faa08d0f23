package connector_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// NewClient sends the configured token and custom headers: the requests
// go through a proxy that records them on their way to pyctitest.
func TestNewClientUsesConfig(t *testing.T) {
	srv, err := pyctitest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []http.Header
	forward := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	env := baseEnv()
	env["OPENCTI_URL"] = proxy.URL
	env["OPENCTI_TOKEN"] = srv.AdminToken()
	env["OPENCTI_CUSTOM_HEADERS"] = "X-Tenant:blue"
	cfg, err := loadConfig(t, "", env)
	if err != nil {
		t.Fatal(err)
	}
	client, err := connector.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Version(t.Context()); err != nil {
		t.Fatalf("Version through the configured client: %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("no request reached the platform")
	}
	if got := seen[0].Get("Authorization"); got != "Bearer "+srv.AdminToken() {
		t.Errorf("Authorization = %q, want the configured token", got)
	}
	if got := seen[0].Get("X-Tenant"); got != "blue" {
		t.Errorf("X-Tenant = %q, want the header of OPENCTI_CUSTOM_HEADERS", got)
	}
}

func TestNewClientRejectsNilConfig(t *testing.T) {
	client, err := connector.NewClient(nil)
	if err == nil || !strings.Contains(err.Error(), "nil config") {
		t.Errorf("NewClient(nil) = %v, %v; want an error about the nil config", client, err)
	}
}

// A caller's own HTTP client cannot be combined with the TLS options of
// the configuration, and OPENCTI_SSL_VERIFY is false by default.
func TestNewClientRejectsOwnHTTPClient(t *testing.T) {
	cfg, err := loadConfig(t, "", baseEnv())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := connector.NewClient(cfg, pycti.WithUserAgent("ergonomics-test")); err != nil {
		t.Errorf("NewClient with an extra user agent: %v", err)
	}
	if _, err := connector.NewClient(cfg, pycti.WithHTTPClient(&http.Client{})); err == nil {
		t.Error("NewClient with WithHTTPClient and the default TLS setting returned no error")
	}
}
