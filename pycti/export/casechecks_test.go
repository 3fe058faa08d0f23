package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
	"github.com/opencti-go/sdk/stix/validate"
)

// warnLog records the records a logger receives at warning level and
// above, as JSON lines.
type warnLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *warnLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// logger returns a logger that writes to w.
func (w *warnLog) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// records returns the records with the given message.
func (w *warnLog) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(w.buf.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// checkDropWarnings checks that each relationship, given by its internal
// id and its standard id, has one "object left out" warning naming either.
func checkDropWarnings(t *testing.T, logs *warnLog, relationships map[string]string) {
	t.Helper()
	records := logs.records(t, "object left out")
	for internal, standard := range relationships {
		n := 0
		for _, rec := range records {
			if rec["id"] == internal || rec["id"] == standard {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d warnings name relationship %s (%s), want 1: %v", n, internal,
				standard, records)
		}
	}
}

// checkNotFoundWarning checks that selected ids not found, if any, are
// named in one warning.
func checkNotFoundWarning(t *testing.T, logs *warnLog, notFound []string) {
	t.Helper()
	records := logs.records(t, "selected ids not found")
	if len(notFound) == 0 {
		if len(records) != 0 {
			t.Errorf("warnings %v for a selection found whole", records)
		}
		return
	}
	if len(records) != 1 || fmt.Sprint(records[0]["ids"]) != fmt.Sprint(notFound) {
		t.Errorf("warnings %v, want one naming %v", records, notFound)
	}
}

// requireValid validates a whole bundle with references enforced, so a
// reference to an object missing from the bundle is an error too.
func requireValid(t *testing.T, b bundle) {
	t.Helper()
	v, err := validate.New(validate.WithEnforceRefs())
	if err != nil {
		t.Fatal(err)
	}
	findings, err := v.ValidateBundle(context.Background(), bytes.NewReader(b.raw))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Severity == validate.SeverityError {
			t.Errorf("bundle %s: %s", b.ID, f)
		}
	}
}

// failingProxy forwards GraphQL requests to target, except the nth request
// of the named operation. That one gets the GraphQL error a platform
// returns when its database fails.
func failingProxy(t *testing.T, target, operation string, nth int) *httptest.Server {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(u)
	var mu sync.Mutex
	seen := 0
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			forward.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var req struct {
			OperationName string `json:"operationName"`
		}
		_ = json.Unmarshal(body, &req)
		mu.Lock()
		if req.OperationName == operation {
			seen++
		}
		fail := req.OperationName == operation && seen == nth
		mu.Unlock()
		if !fail {
			forward.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":null,"errors":[{"message":"database unavailable",`+
			`"extensions":{"code":"DATABASE_ERROR"}}]}`)
	}))
	t.Cleanup(p.Close)
	return p
}

// A full export of a container whose member list fails on a later page
// ends with the read error and stores no file: a bundle that would lack
// members is never uploaded.
func TestFullExportReadFailureMidPages(t *testing.T) {
	pageReads := map[export.Profile]string{export.ProfileNative: "StixObjectOrStixRelationships",
		export.ProfilePycti: "PyctiCoreObjects"}
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		t.Run(string(profile), func(t *testing.T) {
			s, _ := platform(t, pyctitest.WithPageSizes(50, 50))
			if _, err := s.SeedFixture(largeReportFixture()); err != nil {
				t.Fatal(err)
			}
			// The first read is the report, the next ones pages of its
			// 180 members: the third read is the second page.
			proxy := failingProxy(t, s.URL, pageReads[profile], 3)
			c, err := pycti.NewClient(proxy.URL, s.AdminToken())
			if err != nil {
				t.Fatal(err)
			}
			x := exporter(t, c, export.Options{Profile: profile})
			req := export.Request{Scope: export.ScopeSingle, Mode: export.ModeFull,
				EntityType: "Report", EntityID: "e-report", FileName: "large.json"}

			_, err = x.Export(context.Background(), req)

			var gqlErr *pycti.GraphQLError
			if !errors.As(err, &gqlErr) {
				t.Fatalf("err = %v, want the *pycti.GraphQLError of the failed page", err)
			}
			if n := s.OperationCounts()[pageReads[profile]]; n < 2 {
				t.Errorf("%d reads of %s reached the platform, want the pages before the "+
					"failed one", n, pageReads[profile])
			}
			if files := s.Files(); len(files) != 0 {
				t.Errorf("%d files stored, want none", len(files))
			}
		})
	}
}
