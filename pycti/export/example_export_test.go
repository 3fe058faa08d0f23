package export_test

import (
	"context"
	"fmt"

	"github.com/opencti-go/sdk/internal/demodata"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// ExampleExporter_Export runs a query export of every attack pattern in
// simple mode and uploads the bundle as a list export, as export-file-stix
// does for a message of scope query. The bundle holds the three attack
// patterns of the sample dataset and their TLP:GREEN marking definition.
func ExampleExporter_Export() {
	srv, err := pyctitest.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	if _, err := srv.SeedBundle(demodata.GlassTern); err != nil {
		panic(err)
	}
	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		panic(err)
	}
	x, err := export.New(client, export.Options{})
	if err != nil {
		panic(err)
	}

	res, err := x.Export(context.Background(), export.Request{
		Scope: export.ScopeQuery, Mode: export.ModeSimple, EntityType: "Attack-Pattern",
		FileName: "attack-patterns.json", ListParams: &export.ListParams{OrderBy: "name"}})
	if err != nil {
		panic(err) // a *export.ValidationError, or the error of a read or the upload
	}
	fmt.Println(res.Objects, "objects,", res.Dropped, "left out")
	for _, f := range srv.Files() {
		fmt.Println(f.Name, f.EntityType, f.Exported)
	}
	// Output:
	// 4 objects, 0 left out
	// attack-patterns.json Attack-Pattern true
}
