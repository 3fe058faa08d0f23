package pycti

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"reflect"
	"strconv"
	"strings"

	"github.com/Khan/genqlient/graphql"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// filePart is one upload found in a request's variables, with its path in
// the multipart map ("variables.file", "variables.files.0").
type filePart struct {
	path   string
	upload gen.Upload
}

var uploadType = reflect.TypeFor[gen.Upload]()

// findUploads returns every gen.Upload in the request's variables, in field
// order. Uploads can sit inside input objects, so every request is walked;
// raw JSON values (filters) are not descended into.
func findUploads(req *graphql.Request) ([]filePart, error) {
	if req.Variables == nil {
		return nil, nil
	}
	var parts []filePart
	collectUploads(reflect.ValueOf(req.Variables), "variables", &parts)
	for _, p := range parts {
		if p.upload.Body == nil {
			return nil, fmt.Errorf("upload at %s has no body: set Upload.Body", p.path)
		}
		if strings.ContainsAny(p.upload.Name, "\r\n\x00") {
			return nil, fmt.Errorf("upload file name %q contains a line break or NUL, "+
				"which a multipart header cannot carry", p.upload.Name)
		}
	}
	return parts, nil
}

func collectUploads(v reflect.Value, path string, out *[]filePart) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collectUploads(v.Elem(), path, out)
		}
	case reflect.Struct:
		if v.Type() == uploadType {
			*out = append(*out, filePart{path: path, upload: v.Interface().(gen.Upload)})
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name := jsonFieldName(f)
			if f.IsExported() && name != "-" {
				collectUploads(v.Field(i), path+"."+name, out)
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			collectUploads(v.Index(i), path+"."+strconv.Itoa(i), out)
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return
		}
		for _, k := range v.MapKeys() {
			collectUploads(v.MapIndex(k), path+"."+k.String(), out)
		}
	}
}

func jsonFieldName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// rewinder returns a function that puts every upload body back at its
// current offset, and whether that is possible: it is when there are no
// uploads or every body is an io.Seeker.
func rewinder(parts []filePart) (func() error, bool) {
	offsets := make([]int64, len(parts))
	for i, p := range parts {
		s, ok := p.upload.Body.(io.Seeker)
		if !ok {
			return nil, false
		}
		off, err := s.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, false
		}
		offsets[i] = off
	}
	return func() error {
		for i, p := range parts {
			if _, err := p.upload.Body.(io.Seeker).Seek(offsets[i], io.SeekStart); err != nil {
				return err
			}
		}
		return nil
	}, true
}

// newMultipartRequest builds a GraphQL multipart request (the
// graphql-multipart-request-spec): part "operations" with the request JSON,
// part "map" from part names to variable paths, then one part per file, in
// that order. The body is produced by a goroutine while the request is sent,
// so no file is held in memory.
func (c *Client) newMultipartRequest(ctx context.Context, operations []byte,
	parts []filePart) (*http.Request, error) {
	fileMap := make(map[string][]string, len(parts))
	for i, p := range parts {
		fileMap[strconv.Itoa(i)] = []string{p.path}
	}
	mapJSON, err := json.Marshal(fileMap)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.core.endpoint, pr)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	go func() {
		pw.CloseWithError(writeMultipart(mw, operations, mapJSON, parts))
	}()
	return req, nil
}

func writeMultipart(mw *multipart.Writer, operations, mapJSON []byte, parts []filePart) error {
	if err := writeField(mw, "operations", operations); err != nil {
		return err
	}
	if err := writeField(mw, "map", mapJSON); err != nil {
		return err
	}
	for i, p := range parts {
		contentType := p.upload.ContentType
		if contentType == "" {
			contentType = "application/octet-stream"
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%d"; filename="%s"`, i,
			quoteEscaper.Replace(p.upload.Name)))
		h.Set("Content-Type", contentType)
		w, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, p.upload.Body); err != nil {
			return fmt.Errorf("read upload %q: %w", p.upload.Name, err)
		}
	}
	return mw.Close()
}

func writeField(mw *multipart.Writer, name string, value []byte) error {
	w, err := mw.CreateFormField(name)
	if err != nil {
		return err
	}
	_, err = w.Write(value)
	return err
}

// quoteEscaper escapes the two characters that end or escape a quoted
// string. Everything else, non-ASCII UTF-8 included, goes out unchanged
// (RFC 7578 section 4.2).
var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// errNoUpload is returned by upload helpers given no file body.
var errNoUpload = errors.New("no file body: set the io.Reader to upload")
