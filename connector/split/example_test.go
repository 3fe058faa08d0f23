package split_test

import (
	"encoding/json"
	"fmt"

	"github.com/opencti-go/sdk/connector/split"
)

// ExampleBundle splits a bundle whose relationship comes first. The output
// sends the indicator and the malware before the relationship that joins
// them. Each bundle carries its object's weight in x_opencti_seq, and the
// relationship that has no target is left out.
func ExampleBundle() {
	data := []byte(`{"type": "bundle", "id": "bundle--6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b",
	"objects": [
	 {"type": "relationship", "id": "relationship--0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
	  "relationship_type": "indicates",
	  "source_ref": "indicator--1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
	  "target_ref": "malware--2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"},
	 {"type": "relationship", "id": "relationship--3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a",
	  "relationship_type": "uses",
	  "source_ref": "malware--2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"},
	 {"type": "indicator", "id": "indicator--1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
	  "pattern": "[ipv4-addr:value = '198.51.100.23']", "pattern_type": "stix"},
	 {"type": "malware", "id": "malware--2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
	  "name": "Saltmarsh", "is_family": true}
	]}`)

	res, err := split.Bundle(data, split.Options{})
	if err != nil {
		panic(err)
	}

	fmt.Println(len(res.Bundles), "bundles for", res.BundleID)
	for _, b := range res.Bundles {
		var one struct {
			Seq     int `json:"x_opencti_seq"`
			Objects []struct{ ID string }
		}
		if err := json.Unmarshal(b, &one); err != nil {
			panic(err)
		}
		fmt.Println(one.Seq, one.Objects[0].ID)
	}
	for _, d := range res.Dropped {
		fmt.Println("dropped", d.ID, "("+d.Reason+")")
	}
	// Output:
	// 3 bundles for bundle--6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b
	// 1 indicator--1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e
	// 1 malware--2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f
	// 3 relationship--0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d
	// dropped relationship--3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a (relationship without source_ref or target_ref)
}
