package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// A full export of one report, written to a buffer: the report, its
// author, its marking, its visible indicator, and no relationship, because
// each one has an end that the TLP:AMBER restriction or the data hides.
func ExampleExporter_Write() {
	srv, _ := pyctitest.NewServer()
	defer srv.Close()
	fixture, _ := os.ReadFile(filepath.Join("testdata", "platform-022.json"))
	srv.SeedFixture(fixture)
	client, _ := pycti.NewClient(srv.URL, srv.AdminToken())
	x, _ := export.New(client, export.Options{})

	req := export.Request{Scope: export.ScopeSingle, Mode: export.ModeFull,
		EntityType: "Report", EntityID: "e-report", FileName: "report.json",
		AccessFilter: pycti.AllOf(pycti.Where("objectMarking", "mk-tlp-red").
			WithOperator(pycti.OpNotEq).WithMode(pycti.ModeAnd))}
	var buf bytes.Buffer
	res, err := x.Write(context.Background(), &buf, req)
	if err != nil {
		fmt.Println(err)
		return
	}

	var bundle struct {
		Objects []struct {
			Type string `json:"type"`
		} `json:"objects"`
	}
	json.Unmarshal(buf.Bytes(), &bundle)
	for _, o := range bundle.Objects {
		fmt.Println(o.Type)
	}
	fmt.Println(res.Objects, "objects,", res.Dropped, "left out")
	// Output:
	// marking-definition
	// identity
	// report
	// indicator
	// 4 objects, 3 left out
}
