package pycti_test

import (
	"context"
	"fmt"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// ExampleClient_Create creates a malware and an indicator from typed
// inputs, then the relationship between them. The second creation of the
// same malware is an upsert and returns the same element. A typed input
// with a required field empty is rejected before any request.
func ExampleClient_Create() {
	srv, err := pyctitest.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	malware, err := client.Create(ctx, pycti.KindMalware,
		pycti.MalwareInput{Name: "Quillfeather", MalwareTypes: []string{"backdoor"}})
	if err != nil {
		panic(err)
	}
	again, err := client.Create(ctx, pycti.KindMalware, pycti.MalwareInput{Name: "Quillfeather"})
	if err != nil {
		panic(err)
	}
	indicator, err := client.Create(ctx, pycti.KindIndicator, pycti.IndicatorInput{
		Name: "Quillfeather beacon", PatternType: "stix",
		Pattern: "[ipv4-addr:value = '198.51.100.7']"})
	if err != nil {
		panic(err)
	}
	rel, err := client.Create(ctx, pycti.KindRelationship, pycti.RelationshipInput{
		RelationshipType: "indicates", FromID: indicator.ID, ToID: malware.ID})
	if err != nil {
		panic(err)
	}
	fmt.Println(malware.StandardID, again.ID == malware.ID)
	fmt.Println(indicator.StandardID)
	fmt.Println(rel.EntityType) // a relationship's entity type is its relationship type

	_, err = client.Create(ctx, pycti.KindIndicator, pycti.IndicatorInput{Name: "no pattern"})
	fmt.Println(err)
	// Output:
	// malware--8bdfdafe-f23b-55e8-9729-75341ca079cb true
	// indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968
	// indicates
	// create Indicator: pycti.IndicatorInput has required fields [pattern pattern_type] empty: set them
}
