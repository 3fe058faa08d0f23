package pycti_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/opencti-go/sdk/internal/demodata"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// ExampleClient_AsApplicant reads the demo dataset twice with one token:
// as the token's own user (an administrator) and as an analyst who may see
// TLP:GREEN data only. The platform hides the analyst's TLP:AMBER objects,
// as it does for the user who asked for an export.
func ExampleClient_AsApplicant() {
	srv, err := pyctitest.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	if _, err := srv.SeedBundle(demodata.GlassTern); err != nil {
		panic(err)
	}
	err = srv.AddGroup(pyctitest.Group{ID: "green-readers", Name: "Green readers",
		Capabilities: []string{pyctitest.CapKnowledge}, AllowedMarkings: []string{"TLP:GREEN"}})
	if err != nil {
		panic(err)
	}
	analyst := pyctitest.User{ID: "4b6d8f0a-2c4e-4a6b-8d0f-2a4c6e8a0b2d", Name: "Analyst",
		Token: "analyst-token", Groups: []string{"green-readers"}}
	if err := srv.AddUser(analyst); err != nil {
		panic(err)
	}

	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		panic(err)
	}
	opts := pycti.ListOptions{Filters: pycti.AllOf(pycti.Where("entity_type", "Malware", "Tool"))}
	views := []struct {
		name   string
		client *pycti.Client
	}{{"administrator", client}, {"analyst", client.AsApplicant(analyst.ID)}}
	for _, view := range views {
		fmt.Print(view.name + ":")
		for obj, err := range view.client.StixDomainObjects().All(context.Background(), opts) {
			if err != nil {
				panic(err)
			}
			var named struct{ Name string }
			if err := json.Unmarshal(obj.Stix, &named); err != nil {
				panic(err)
			}
			fmt.Printf(" %s", named.Name)
		}
		fmt.Println()
	}
	// Output:
	// administrator: Driftwood rclone
	// analyst: rclone
}
