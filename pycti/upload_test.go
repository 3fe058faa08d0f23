package pycti

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/Khan/genqlient/graphql"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/pycti/internal/gen"
)

const uploadEntity = "0c8f1a6e-2b7d-4e55-9a61-3c2d8f0b9e11"

func uploadCase(t *testing.T) (names []string, wantOps map[string]any) {
	t.Helper()
	dir := testenv.SharedDir(t, "cases", "016-graphql-multipart-upload")
	raw, err := os.ReadFile(filepath.Join(dir, "filenames.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &names); err != nil {
		t.Fatal(err)
	}
	raw, err = os.ReadFile(filepath.Join(dir, "expected-operations.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &wantOps); err != nil {
		t.Fatal(err)
	}
	return names, wantOps
}

func TestExportPushMultipart(t *testing.T) {
	names, wantOps := uploadCase(t)
	f := newFakePlatform(t, func(received) reply {
		return ok(`{"stixDomainObjectEdit":{"exportPush":true}}`)
	})
	c := f.client(t).AsApplicant("user-should-not-be-sent")
	body := bytes.Repeat([]byte(`{"type":"bundle"}`), 64)[:1024]
	for _, name := range names {
		file := File{Name: name, ContentType: "application/json", Body: bytes.NewReader(body)}
		if err := c.ExportPush(context.Background(), uploadEntity, file, []string{"m-1"}); err != nil {
			t.Fatalf("ExportPush(%q): %v", name, err)
		}
	}
	reqs := f.requests()
	if len(reqs) != len(names) {
		t.Fatalf("requests = %d, want %d", len(reqs), len(names))
	}
	for i, r := range reqs {
		t.Run(names[i], func(t *testing.T) {
			if !slices.Equal(r.Parts, []string{"operations", "map", "0"}) {
				t.Errorf("parts = %v, want operations, map, 0", r.Parts)
			}
			if r.Map != `{"0":["variables.file"]}` {
				t.Errorf("map = %s", r.Map)
			}
			var ops map[string]any
			if err := json.Unmarshal([]byte(r.RawOps), &ops); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ops["variables"], wantOps["variables"]) {
				t.Errorf("variables = %v, want %v", ops["variables"], wantOps["variables"])
			}
			query, _ := ops["query"].(string)
			if !strings.Contains(query, "stixDomainObjectEdit(id: $id)") ||
				!strings.Contains(query, "exportPush(file: $file, file_markings: $file_markings)") {
				t.Errorf("query does not call stixDomainObjectEdit.exportPush: %s", query)
			}
			if len(r.Files) != 1 {
				t.Fatalf("files = %d, want 1", len(r.Files))
			}
			got := r.Files[0]
			if got.FileName != names[i] {
				t.Errorf("file name = %q, want %q", got.FileName, names[i])
			}
			if got.SHA256 != sha256.Sum256(body) || got.Size != int64(len(body)) {
				t.Error("file body differs from the bytes sent")
			}
			if got.ContentType != "application/json" {
				t.Errorf("content type = %q", got.ContentType)
			}
			if r.Header.Get(ApplicantHeader) != "" {
				t.Error("upload carried the applicant header; it must run as the connector")
			}
		})
	}
}

func TestUploadSeveralFilesMap(t *testing.T) {
	f := newFakePlatform(t, func(received) reply {
		return ok(`{"externalReferenceAdd":{"id":"e1"}}`)
	})
	type input struct {
		SourceName string       `json:"source_name"`
		Files      []gen.Upload `json:"files"`
	}
	var files []gen.Upload
	for i := range 3 {
		files = append(files, gen.Upload{Name: "f" + string(rune('a'+i)) + ".txt",
			Body: strings.NewReader(strings.Repeat("x", i+1))})
	}
	req := &graphql.Request{OpName: "AddRef",
		Query: `mutation AddRef($input: ExternalReferenceAddInput!) ` +
			`{ externalReferenceAdd(input: $input) { id } }`,
		Variables: map[string]any{"input": input{SourceName: "s", Files: files}}}
	var data map[string]any
	if err := f.client(t).MakeRequest(context.Background(), req, &graphql.Response{Data: &data}); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	want := `{"0":["variables.input.files.0"],"1":["variables.input.files.1"],` +
		`"2":["variables.input.files.2"]}`
	if r.Map != want {
		t.Errorf("map = %s, want %s", r.Map, want)
	}
	if !slices.Equal(r.Parts, []string{"operations", "map", "0", "1", "2"}) {
		t.Errorf("parts = %v", r.Parts)
	}
	for i, gf := range r.Files {
		if gf.Size != int64(i+1) || gf.FileName != files[i].Name {
			t.Errorf("file %d = %+v", i, gf)
		}
	}
}

// patternReader yields n bytes without holding them.
type patternReader struct{ left int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(b)), p.left)
	for i := range n {
		b[i] = byte('a' + i%26)
	}
	p.left -= n
	return int(n), nil
}

func TestUploadLargeFileStreams(t *testing.T) {
	const size = 50 << 20
	f := newFakePlatform(t, func(received) reply {
		return ok(`{"stixDomainObjectsExportPush":true}`)
	})
	c := f.client(t)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := c.ListExportPush(context.Background(), ListExport{EntityType: "Report",
		ListFilters: "selected_ids"}, File{Name: "big.json", Body: &patternReader{left: size}})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.requests()[0].Files[0].Size; got != size {
		t.Fatalf("server received %d bytes, want %d", got, size)
	}
	// Client and server run in this process; both stream, so allocations
	// stay far below the file size.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/2 {
		t.Errorf("allocated %d bytes for a %d-byte upload: the body is being buffered", alloc, size)
	}
}

func TestUploadRetriesOnlySeekableBodies(t *testing.T) {
	calls := 0
	f := newFakePlatform(t, func(received) reply {
		calls++
		if calls == 1 {
			return reply{Status: 503, Header: map[string]string{"Content-Type": "text/html"},
				Body: "<html>busy</html>"}
		}
		return ok(`{"stixDomainObjectEdit":{"exportPush":true}}`)
	})
	c := f.client(t)
	seekable := File{Name: "a.json", Body: bytes.NewReader([]byte("0123456789"))}
	if err := c.ExportPush(context.Background(), "e", seekable, nil); err != nil {
		t.Fatalf("seekable upload not retried: %v", err)
	}
	if got := f.requests()[1].Files[0].Size; got != 10 {
		t.Errorf("retried upload sent %d bytes, want the whole 10", got)
	}
	calls = 0
	stream := File{Name: "b.json", Body: io.MultiReader(strings.NewReader("0123456789"))}
	err := c.ExportPush(context.Background(), "e", stream, nil)
	if httpErr, ok := errors.AsType[*HTTPError](err); !ok || httpErr.StatusCode != 503 {
		t.Errorf("non-seekable upload: error %v, want the 503 without a retry", err)
	}
}

func TestUploadRejectsBadName(t *testing.T) {
	f := newFakePlatform(t, func(received) reply { return ok(`{}`) })
	err := f.client(t).ExportPush(context.Background(), "e",
		File{Name: "a\r\nX-Injected: 1", Body: strings.NewReader("x")}, nil)
	if err == nil || !strings.Contains(err.Error(), "line break") {
		t.Errorf("error = %v, want a rejected file name", err)
	}
	if len(f.requests()) != 0 {
		t.Error("a request was sent")
	}
}

func TestListExportPushPicksMutation(t *testing.T) {
	f := newFakePlatform(t, func(r received) reply {
		return ok(`{"x":true}`)
	})
	c := f.client(t)
	for typ, wantOp := range map[string]string{
		"Stix-Cyber-Observable": "StixCyberObservablesExportPush",
		"Stix-Core-Object":      "StixCoreObjectsExportPush",
		"Malware":               "StixDomainObjectsExportPush",
	} {
		err := c.ListExportPush(context.Background(), ListExport{EntityType: typ, EntityID: "p1",
			ListFilters: `{"search":null}`, Markings: []string{"m"}},
			File{Name: typ + ".json", Body: strings.NewReader("{}")})
		if err != nil {
			t.Fatal(err)
		}
		reqs := f.requests()
		r := reqs[len(reqs)-1]
		if r.OpName != wantOp {
			t.Errorf("%s: operation %s, want %s", typ, r.OpName, wantOp)
		}
		if r.Variables["entity_type"] != typ || r.Variables["listFilters"] != `{"search":null}` {
			t.Errorf("%s: variables %v", typ, r.Variables)
		}
	}
}

func TestFakeRejectsInvalidOperation(t *testing.T) {
	bad := received{OpName: "X", Query: `query X { stixCoreObjects { edges { node { nosuch } } } }`}
	if validate(t, bad) == "" {
		t.Error("an unknown field passed validation")
	}
	vars := received{OpName: "X", Query: `mutation X($i: RegisterConnectorInput) ` +
		`{ registerConnector(input: $i) { id } }`,
		Variables: map[string]any{"i": map[string]any{"id": "a", "name": "n",
			"type": "STREAM", "slug": "unknown-in-this-schema"}}}
	if validate(t, vars) == "" {
		t.Error("an unknown input field passed variable validation")
	}
}
