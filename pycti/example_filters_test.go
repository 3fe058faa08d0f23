package pycti_test

import (
	"encoding/json"
	"fmt"

	"github.com/opencti-go/sdk/pycti"
)

// ExampleAnd combines two groups: a malware or a tool created in 2024
// (the values of one filter are alternatives), and labelled downloader or
// written by a given author. It prints the JSON each group is sent as.
// Label and author filters take internal ids.
func ExampleAnd() {
	scope := pycti.AllOf(
		pycti.Where("entity_type", "Malware", "Tool"),
		pycti.Where("created", "2024-01-01T00:00:00Z").WithOperator(pycti.OpGte),
		pycti.Where("created", "2025-01-01T00:00:00Z").WithOperator(pycti.OpLt),
	)
	source := pycti.AnyOf(
		pycti.Where("objectLabel", "label-1"),
		pycti.Where("createdBy", "identity-1"),
	)
	filters := pycti.And(scope, source)
	fmt.Println(filters.Mode, len(filters.FilterGroups), "groups")
	for _, group := range filters.FilterGroups {
		out, err := json.Marshal(group)
		if err != nil {
			panic(err)
		}
		fmt.Println(string(out))
	}
	// Output:
	// and 2 groups
	// {"mode":"and","filters":[{"key":["entity_type"],"values":["Malware","Tool"],"operator":"eq","mode":"or"},{"key":["created"],"values":["2024-01-01T00:00:00Z"],"operator":"gte","mode":"or"},{"key":["created"],"values":["2025-01-01T00:00:00Z"],"operator":"lt","mode":"or"}],"filterGroups":[]}
	// {"mode":"or","filters":[{"key":["objectLabel"],"values":["label-1"],"operator":"eq","mode":"or"},{"key":["createdBy"],"values":["identity-1"],"operator":"eq","mode":"or"}],"filterGroups":[]}
}
