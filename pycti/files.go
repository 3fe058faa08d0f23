package pycti

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// File is a file to upload. Name goes out verbatim, whatever characters it
// holds (the platform builds export names with colons, pipes, quotes and
// non-ASCII text); a name with a line break or NUL is rejected.
type File struct {
	Name string
	// ContentType is the part's media type, "application/octet-stream" when
	// empty. The platform derives the stored type from the file name.
	ContentType string
	// Body is streamed to the platform and read once. When it is also an
	// io.Seeker (an *os.File, say), a request that failed with a transient
	// error is sent again from the same offset; otherwise it is not retried.
	Body io.Reader
}

func (f File) upload() (gen.Upload, error) {
	if f.Body == nil {
		return gen.Upload{}, fmt.Errorf("upload %q: %w", f.Name, errNoUpload)
	}
	return gen.Upload{Name: f.Name, ContentType: f.ContentType, Body: f.Body}, nil
}

// ExportPush attaches an export file to the entity with internal id
// entityID (stixDomainObjectEdit.exportPush, which serves observables too),
// marking the file with the given marking definition ids. It runs as the
// token's own user, as the platform expects of export connectors.
func (c *Client) ExportPush(ctx context.Context, entityID string, f File, markings []string) error {
	up, err := f.upload()
	if err != nil {
		return err
	}
	if markings == nil {
		markings = []string{}
	}
	if _, err := gen.ExportPush(ctx, c.AsConnector(), entityID, up, markings); err != nil {
		return fmt.Errorf("push export %q to entity %s: %w", f.Name, entityID, err)
	}
	return nil
}

// ListExport describes a list export to store (selection or query scope).
type ListExport struct {
	// EntityID is the entity whose page the list sits on, "" for a global
	// list.
	EntityID string
	// EntityType is the listed type from the export request, such as
	// "Report", "Stix-Cyber-Observable" or "Stix-Core-Object". It picks the
	// mutation: stixCyberObservablesExportPush for Stix-Cyber-Observable,
	// stixCoreObjectsExportPush for Stix-Core-Object, and
	// stixDomainObjectsExportPush for anything else, as pycti does.
	EntityType string
	// ListFilters is stored with the file: "selected_ids" for a selection,
	// the JSON of the list parameters for a query.
	ListFilters string
	// Markings are marking definition ids for the file.
	Markings []string
}

// ListExportPush stores a list export file. It runs as the token's own
// user.
func (c *Client) ListExportPush(ctx context.Context, e ListExport, f File) error {
	up, err := f.upload()
	if err != nil {
		return err
	}
	if e.EntityType == "" {
		return fmt.Errorf("push list export %q: entity type is required", f.Name)
	}
	markings := e.Markings
	if markings == nil {
		markings = []string{}
	}
	conn := c.AsConnector()
	switch e.EntityType {
	case "Stix-Cyber-Observable":
		_, err = gen.StixCyberObservablesExportPush(ctx, conn, e.EntityID, e.EntityType, up,
			markings, e.ListFilters)
	case "Stix-Core-Object":
		_, err = gen.StixCoreObjectsExportPush(ctx, conn, e.EntityID, e.EntityType, up,
			markings, e.ListFilters)
	default:
		_, err = gen.StixDomainObjectsExportPush(ctx, conn, e.EntityID, e.EntityType, up,
			markings, e.ListFilters)
	}
	if err != nil {
		return fmt.Errorf("push list export %q of %s: %w", f.Name, e.EntityType, err)
	}
	return nil
}

// storagePrefix is the path of the platform's file download endpoint.
const storagePrefix = "/storage/get/"

// Download streams a stored file: GET <base>/storage/get/<fileID>, with this
// view's identity. fileID is the file's id (its storage key, such as
// "import/Report/<id>/notes.pdf"); a value starting with /storage/get/ (an
// import message's file_fetch) is accepted too. The caller must close the
// returned body. A status other than 200 returns an *HTTPError holding the
// platform's error text. Transient failures before the body arrives are
// retried by the client's retry policy.
func (c *Client) Download(ctx context.Context, fileID string) (io.ReadCloser, error) {
	key := strings.TrimPrefix(fileID, storagePrefix)
	if key == "" {
		return nil, fmt.Errorf("download: empty file id")
	}
	segments := strings.Split(key, "/")
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	target := c.core.base.String() + storagePrefix + strings.Join(segments, "/")
	op := "download " + key
	policy := c.core.retry
	for attempt := 1; ; attempt++ {
		body, retryAfter, err := c.downloadOnce(ctx, op, target)
		if err == nil {
			return body, nil
		}
		if attempt >= policy.MaxAttempts || !retryableError(ctx, err) {
			return nil, err
		}
		delay := policy.delay(attempt+1, time.Duration(retryAfter))
		c.core.log.LogAttrs(ctx, slog.LevelWarn, "retrying download", slog.String("file_id", key),
			slog.Int("attempt", attempt), slog.Duration("delay", delay),
			slog.String("error", err.Error()))
		if serr := sleep(ctx, delay); serr != nil {
			return nil, fmt.Errorf("%w (retry abandoned: %w)", err, serr)
		}
	}
}

func (c *Client) downloadOnce(ctx context.Context, op, target string) (io.ReadCloser, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("opencti: %s: %w", op, err)
	}
	c.setHeaders(req.Header)
	resp, err := c.core.http.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("opencti: %s: %w", op, err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp.Body, 0, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	raw, _ = c.core.token.redactIn(raw)
	var platformErr struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(raw, &platformErr) == nil && platformErr.Error != "" {
		raw = []byte(platformErr.Error)
	}
	return nil, int64(parseRetryAfter(resp.Header)), newHTTPError(op, resp.StatusCode, raw)
}
