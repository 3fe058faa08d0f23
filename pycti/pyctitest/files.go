package pyctitest

import (
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
)

// File is a file stored by the platform: an import attached to an entity or
// an export pushed by a connector.
type File struct {
	ID          string // storage key, served at /storage/get/<ID>
	Name        string // file name as uploaded
	MimeType    string // derived from the name's extension, as the platform does
	Data        []byte
	Markings    []string // internal ids of the file markings
	EntityID    string   // internal id of the entity, "" for a global list export
	EntityType  string
	ListFilters string // listFilters of a list export: "selected_ids" or list_params JSON
	Exported    bool   // true for export files
	UploadedBy  string // user id
	Version     time.Time
}

// Files returns copies of the stored files, oldest first.
func (s *Server) Files() []File {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]File, 0, len(s.fileOrder))
	for _, id := range s.fileOrder {
		if f := s.files[id]; f != nil {
			out = append(out, copyFile(f))
		}
	}
	return out
}

// File returns a copy of the file with the given storage key.
func (s *Server) File(id string) (File, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f := s.files[id]
	if f == nil {
		return File{}, false
	}
	return copyFile(f), true
}

func copyFile(f *File) File {
	c := *f
	c.Data = slices.Clone(f.Data)
	c.Markings = slices.Clone(f.Markings)
	return c
}

// storeFile saves a file under the platform's key: the folder, then the
// lower-cased name with its base cut to 200 characters and its extension to
// 10. The caller holds s.mu for writing.
func (s *Server) storeFile(folder string, f *File) *File {
	name := strings.ToLower(f.Name)
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	if r := []rune(base); len(r) > 200 {
		base = string(r[:200])
	}
	if r := []rune(ext); len(r) > 10 {
		ext = string(r[:10])
	}
	f.ID = folder + "/" + base + ext
	f.MimeType = mimeFromName(f.Name)
	f.Version = s.cfg.clock().UTC()
	if _, ok := s.files[f.ID]; !ok {
		s.fileOrder = append(s.fileOrder, f.ID)
	}
	s.files[f.ID] = f
	if e := s.data.get(f.EntityID); e != nil && !f.Exported {
		e.files = slices.DeleteFunc(e.files, func(x *File) bool { return x.ID == f.ID })
		e.files = append(e.files, f)
	}
	return f
}

func mimeFromName(name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".json":
		return "application/json"
	case ".csv":
		return "text/csv"
	case ".txt":
		return "text/plain"
	case ".pdf":
		return "application/pdf"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	return "application/octet-stream"
}

// serveStorage serves GET /storage/get/<key> to an authenticated user who may
// see the file's markings and entity (the applicant when impersonating). It
// answers 403 without identity and 503 with a JSON error otherwise, as the
// platform does.
func (s *Server) serveStorage(w http.ResponseWriter, r *http.Request) {
	rec := &RequestRecord{Time: s.cfg.clock(), Method: r.Method, Path: r.URL.Path,
		ApplicantID: r.Header.Get("opencti-applicant-id")}
	start := time.Now()
	// As for GraphQL requests, the record is logged before the response
	// is written.
	done := func(status int) {
		rec.Status, rec.Duration = status, time.Since(start)
		s.reqlog.add(rec)
	}
	if s.faults.apply(w, r, "storage", func(status int) {
		rec.Fault = true
		done(status)
	}) {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rc, err := s.authenticate(r)
	if err != nil || rc.user == nil {
		done(http.StatusForbidden)
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	}
	rec.UserID = rc.caller.user.ID
	key, err := storageKey(r.URL.EscapedPath())
	f := s.files[key]
	if err != nil || f == nil || !s.canSeeFile(rc.user, f) {
		done(http.StatusServiceUnavailable)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "error",
			"error": "file " + key + " not found or not readable by this user"})
		return
	}
	done(http.StatusOK)
	w.Header().Set("Content-Type", f.MimeType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment",
		map[string]string{"filename": f.Name}))
	_, _ = w.Write(f.Data)
}

func storageKey(escaped string) (string, error) {
	segs := strings.Split(strings.TrimPrefix(escaped, "/storage/get/"), "/")
	for i, seg := range segs {
		v, err := url.PathUnescape(seg)
		if err != nil {
			return "", err
		}
		segs[i] = v
	}
	return strings.Join(segs, "/"), nil
}

func (s *Server) canSeeFile(p *principal, f *File) bool {
	for _, m := range f.Markings {
		if !p.canSee(s.data.get(m)) {
			return false
		}
	}
	if f.EntityID == "" {
		return true
	}
	e := s.data.get(f.EntityID)
	return e == nil || s.visible(p, e)
}

// fileValue is the GraphQL value of a File.
func (s *Server) fileValue(p *principal, f *File) map[string]any {
	var markings []any
	for _, m := range f.Markings {
		if e := s.data.get(m); e != nil && p.canSee(e) {
			markings = append(markings, e)
		}
	}
	if markings == nil {
		markings = []any{}
	}
	return map[string]any{"__typename": "File", "id": f.ID, "entity_type": "File", "name": f.Name,
		"size": len(f.Data), "lastModified": isoTime(f.Version), "objectMarking": markings,
		"uploadStatus": "complete",
		"metaData": map[string]any{"mimetype": f.MimeType, "version": isoTime(f.Version),
			"list_filters": nilIfEmpty(f.ListFilters), "entity_id": nilIfEmpty(f.EntityID),
			"file_markings": slices.Clone(f.Markings), "creator_id": f.UploadedBy},
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
