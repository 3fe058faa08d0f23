package pyctitest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// Example_client seeds three indicators and lists those with a STIX pattern
// through a pycti client. All requests one page per indicator, because
// First is 1, and follows the cursors until the last page.
func Example_client() {
	ctx := context.Background()
	srv, err := pyctitest.NewServer()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	bundle := `{"type": "bundle", "id": "bundle--1", "objects": [
		{"type": "indicator", "spec_version": "2.1",
		 "id": "indicator--0a9b3f0e-6c1c-4a53-9e5a-2f4f1c0d8e01",
		 "created": "2024-03-05T08:00:00.000Z", "modified": "2024-03-05T08:00:00.000Z",
		 "name": "web server", "pattern_type": "stix",
		 "pattern": "[ipv4-addr:value = '198.51.100.7']", "valid_from": "2024-03-05T08:00:00Z"},
		{"type": "indicator", "spec_version": "2.1",
		 "id": "indicator--0a9b3f0e-6c1c-4a53-9e5a-2f4f1c0d8e02",
		 "created": "2024-03-05T08:00:00.000Z", "modified": "2024-03-05T08:00:00.000Z",
		 "name": "mail relay", "pattern_type": "stix",
		 "pattern": "[ipv4-addr:value = '198.51.100.8']", "valid_from": "2024-03-05T08:00:00Z"},
		{"type": "indicator", "spec_version": "2.1",
		 "id": "indicator--0a9b3f0e-6c1c-4a53-9e5a-2f4f1c0d8e03",
		 "created": "2024-03-05T08:00:00.000Z", "modified": "2024-03-05T08:00:00.000Z",
		 "name": "dropper rule", "pattern_type": "yara",
		 "pattern": "rule dropper { condition: true }", "valid_from": "2024-03-05T08:00:00Z"}]}`
	if _, err := srv.SeedBundle([]byte(bundle)); err != nil {
		log.Fatal(err)
	}

	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		log.Fatal(err)
	}
	opts := pycti.ListOptions{
		Filters:   pycti.AllOf(pycti.Where("pattern_type", "stix")),
		OrderBy:   "name",
		OrderMode: pycti.Ascending,
		First:     1,
	}
	for indicator, err := range client.Indicators().All(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(indicator.Name, indicator.Pattern)
	}
	fmt.Println("pages read:", srv.OperationCounts()["Indicators"])
	// Output:
	// mail relay [ipv4-addr:value = '198.51.100.8']
	// web server [ipv4-addr:value = '198.51.100.7']
	// pages read: 2
}
