package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/stixconv"
	"github.com/opencti-go/sdk/stix"
	"github.com/opencti-go/sdk/stix/validate"
)

// Profile is the STIX dialect of the exported objects.
type Profile string

// The output profiles.
const (
	// ProfileNative exports the platform's own STIX 2.1 (the toStix field):
	// OpenCTI data sits in extensions. It is what OpenCTI re-imports most
	// faithfully.
	ProfileNative Profile = "native"
	// ProfilePycti exports the Python connector's dialect, converted on
	// the client by package stixconv: top-level x_opencti_* properties and
	// its type renames, with its defects fixed unless Options.Compat
	// restores them.
	ProfilePycti Profile = "pycti"
)

// Defaults of Options.
const (
	DefaultPageSize      = 500
	DefaultBatchSize     = pycti.MaxPageSize
	DefaultProgressEvery = 5000
)

// Options configures an Exporter. The zero value exports the native
// profile, validates with the built-in schemas and logs nothing.
type Options struct {
	// Profile is the output dialect; "" means ProfileNative.
	Profile Profile
	// Compat turns defect fixes of the pycti profile off one by one
	// (stixconv.Pycti() reproduces pycti 7.260817.0). The native profile
	// ignores it.
	Compat stixconv.Compat
	// Validator checks every object before it is written. nil means
	// validate.Default(): the built-in STIX 2.1 schemas and rules.
	Validator *validate.Validator
	// Logger receives one Info line when an export starts, one every
	// ProgressEvery objects, one when it ends ("export written" or "export
	// uploaded"), a Warn line per object left out (the first 20, then a
	// count), and a Debug line per page read. nil discards them.
	Logger *slog.Logger
	// PageSize is how many entities of a selection or query list are
	// expanded together, 1 to pycti.MaxPageSize; 0 means DefaultPageSize.
	// Memory grows with it and with the relationships per entity.
	PageSize int
	// BatchSize is how many ids one batched read sends in its ids filter,
	// 1 to pycti.MaxPageSize; 0 means DefaultBatchSize.
	BatchSize int
	// ProgressEvery is how many objects pass between progress lines; 0
	// means DefaultProgressEvery and a negative value turns them off.
	ProgressEvery int
	// TempDir is the folder of the file Export spools a bundle to before
	// the upload; "" means os.TempDir(). The file is named
	// opencti-export-*.json, starts with SpoolHeader and is locked while
	// it exists, so that RemoveLeftoverSpools can remove the files of
	// killed processes.
	TempDir string
}

// Exporter builds STIX 2.1 bundles from an OpenCTI platform. It is safe for
// concurrent use: each call runs its own export.
type Exporter struct {
	client *pycti.Client
	opts   Options
	log    *slog.Logger
}

// New returns an Exporter that reads and uploads through client. Reads run
// as each request's applicant (client.AsApplicant); uploads run as the
// client's own user. It returns an error for an unknown profile or an out
// of range size.
func New(client *pycti.Client, opts Options) (*Exporter, error) {
	if client == nil {
		return nil, errors.New("export: nil client: pass a *pycti.Client")
	}
	switch opts.Profile {
	case "":
		opts.Profile = ProfileNative
	case ProfileNative, ProfilePycti:
	default:
		return nil, fmt.Errorf("export: unknown profile %q: use native or pycti", opts.Profile)
	}
	var err error
	if opts.PageSize, err = size("page size", opts.PageSize, DefaultPageSize); err != nil {
		return nil, err
	}
	if opts.BatchSize, err = size("batch size", opts.BatchSize, DefaultBatchSize); err != nil {
		return nil, err
	}
	if opts.ProgressEvery == 0 {
		opts.ProgressEvery = DefaultProgressEvery
	}
	if opts.Validator == nil {
		opts.Validator = validate.Default()
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Exporter{client: client, opts: opts, log: log}, nil
}

func size(name string, v, def int) (int, error) {
	switch {
	case v == 0:
		return def, nil
	case v < 0 || v > pycti.MaxPageSize:
		return 0, fmt.Errorf("export: %s %d is out of range: use 1 to %d", name, v,
			pycti.MaxPageSize)
	}
	return v, nil
}

// Result describes a finished export.
type Result struct {
	// BundleID is the random id of the bundle.
	BundleID string
	// Objects is the number of objects in the bundle.
	Objects int
	// Bytes is the size of the bundle file.
	Bytes int64
	// Dropped counts the objects left out because they could not be
	// exported whole: a relationship with an end the requester may not see,
	// an object without a standard id.
	Dropped int
	// NotFound lists the selected ids that the requester could not read.
	NotFound []string
	// Duration is the time the export took, upload included.
	Duration time.Duration
}

// Write runs the export and writes the bundle to w as it is read: objects
// are validated one by one and written at once, so memory does not grow
// with the bundle. When the bundle breaks STIX 2.1, Write returns a
// *ValidationError after w has received part or all of it: a caller that
// must not keep an invalid bundle writes to a temporary file, or uses
// Export.
func (x *Exporter) Write(ctx context.Context, w io.Writer, req Request) (Result, error) {
	start := time.Now()
	if err := req.Validate(); err != nil {
		return Result{}, err
	}
	res, err := x.write(ctx, w, &req)
	res.Duration = time.Since(start)
	if err == nil {
		x.log.LogAttrs(ctx, slog.LevelInfo, "export written", slog.String("file_name", req.FileName),
			slog.Int("objects", res.Objects), slog.Int64("bytes", res.Bytes),
			slog.Duration("duration", res.Duration))
	}
	return res, err
}

// Export runs the export and uploads the bundle to the platform, as the
// client's own user: to the entity for a single export, as a list export
// of Request.EntityType otherwise, with Request.FileMarkings on the file.
// The bundle is spooled to a temporary file and uploaded only after every
// object passed validation, so an invalid or incomplete bundle is never
// stored: the error is then a *ValidationError, or the read error that cut
// the export short.
func (x *Exporter) Export(ctx context.Context, req Request) (Result, error) {
	start := time.Now()
	if err := req.Validate(); err != nil {
		return Result{}, err
	}
	spool, err := createSpool(x.opts.TempDir)
	if err != nil {
		return Result{}, err
	}
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	res, err := x.write(ctx, spool, &req)
	if err != nil {
		res.Duration = time.Since(start)
		return res, err
	}
	if _, err := spool.Seek(int64(len(SpoolHeader)), io.SeekStart); err != nil {
		return res, fmt.Errorf("rewind spool file: %w", err)
	}
	if err := x.upload(ctx, &req, spool); err != nil {
		res.Duration = time.Since(start)
		return res, err
	}
	res.Duration = time.Since(start)
	x.log.LogAttrs(ctx, slog.LevelInfo, "export uploaded", slog.String("file_name", req.FileName),
		slog.Int("objects", res.Objects), slog.Int64("bytes", res.Bytes),
		slog.Duration("duration", res.Duration))
	return res, nil
}

// upload stores the bundle with the mutation the platform expects for the
// request's scope.
func (x *Exporter) upload(ctx context.Context, req *Request, body io.Reader) error {
	name := uploadName(req.FileName)
	if name != req.FileName {
		x.log.LogAttrs(ctx, slog.LevelWarn, "file name has control characters, sent percent-encoded",
			slog.String("file_name", name))
	}
	file := pycti.File{Name: name, ContentType: "application/json", Body: body}
	if req.Scope == ScopeSingle {
		return x.client.ExportPush(ctx, req.EntityID, file, req.FileMarkings)
	}
	filters, err := req.listFilters()
	if err != nil {
		return err
	}
	list := pycti.ListExport{EntityID: req.EntityID, EntityType: req.EntityType,
		ListFilters: filters, Markings: req.FileMarkings}
	return x.client.ListExportPush(ctx, list, file)
}

// write runs the export into w.
func (x *Exporter) write(ctx context.Context, w io.Writer, req *Request) (Result, error) {
	x.log.LogAttrs(ctx, slog.LevelInfo, "export request received",
		slog.String("scope", string(req.Scope)), slog.String("mode", string(req.Mode)),
		slog.String("entity_type", req.EntityType), slog.String("entity_id", req.EntityID),
		slog.String("file_name", req.FileName), slog.String("profile", string(x.opts.Profile)))
	// Indented by four spaces, as the Python connector writes its files.
	bw, err := stix.NewBundleWriter(w, stix.WriterOptions{Indent: true})
	if err != nil {
		return Result{}, fmt.Errorf("start bundle: %w", err)
	}
	r := &run{x: x, req: req, reader: x.client.AsApplicant(req.ApplicantID),
		em: newEmitter(bw, x.opts.Validator, x.log, x.opts.ProgressEvery)}
	if x.opts.Profile == ProfilePycti {
		r.p = newPyctiProfile(r)
	} else {
		r.p = newNativeProfile(r)
	}
	err = r.execute(ctx)
	if err == nil {
		err = r.em.finish(ctx)
	}
	res := Result{BundleID: bw.ID(), Objects: r.em.objects, Bytes: bw.BytesWritten(),
		Dropped: r.em.dropped, NotFound: r.notFound}
	if err != nil {
		return res, fmt.Errorf("export %s %s: %w", req.Scope, exportTarget(req), err)
	}
	return res, nil
}

// uploadName returns the file name an upload can carry: control
// characters, which a multipart header cannot hold, are percent-encoded
// (a line break becomes %0A), as the Python connector's HTTP library
// (urllib3 2.x) writes them. The platform builds export file names from
// entity names, which may hold line breaks.
func uploadName(name string) string {
	if !strings.ContainsFunc(name, isControl) {
		return name
	}
	var sb strings.Builder
	for _, r := range name {
		if isControl(r) {
			fmt.Fprintf(&sb, "%%%02X", r)
		} else {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func exportTarget(req *Request) string {
	if req.Scope == ScopeSingle {
		return req.EntityType + " " + req.EntityID
	}
	return req.EntityType
}
