package validate_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/opencti-go/sdk/stix/pattern"
	"github.com/opencti-go/sdk/stix/validate"
)

// bundle has an indicator whose pattern does not parse and a relationship
// to a malware the bundle does not contain.
const bundle = `{"type": "bundle", "id": "bundle--7c2e4f6a-8b0d-4c1e-9f3a-5b7d9e1f3a5c",
"objects": [
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--4a6c8e0f-2b4d-4f6a-8c0e-2f4a6c8e0b2d",
  "created": "2024-04-02T10:00:00.000Z", "modified": "2024-04-02T10:00:00.000Z",
  "name": "Beacon address", "description": "Address the implant calls every hour.",
  "pattern": "[ipv4-addr:value = '203.0.113.9'", "pattern_type": "stix",
  "valid_from": "2024-04-02T10:00:00Z"},
 {"type": "relationship", "spec_version": "2.1",
  "id": "relationship--5b7d9f1a-3c5e-4a7b-9d1f-3a5c7e9b1d3f",
  "created": "2024-04-02T10:05:00.000Z", "modified": "2024-04-02T10:05:00.000Z",
  "relationship_type": "indicates",
  "source_ref": "indicator--4a6c8e0f-2b4d-4f6a-8c0e-2f4a6c8e0b2d",
  "target_ref": "malware--6c8e0a2b-4d6f-4b8c-8e2a-4b6d8f0a2c4e"}
]}`

// ExampleWithEnforceRefs validates a bundle with a validator that also
// reports the references no object of the bundle resolves.
func ExampleWithEnforceRefs() {
	v, err := validate.New(validate.WithEnforceRefs())
	if err != nil {
		panic(err)
	}
	findings, err := v.ValidateBundle(context.Background(), strings.NewReader(bundle))
	if err != nil {
		panic(err) // the input could not be read as JSON
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// error indicator--4a6c8e0f-2b4d-4f6a-8c0e-2f4a6c8e0b2d /pattern [pattern]: invalid STIX pattern: pattern offset 32: unexpected end of pattern, expected ']', AND or OR
	// error relationship--5b7d9f1a-3c5e-4a7b-9d1f-3a5c7e9b1d3f /target_ref [unresolved-ref]: reference malware--6c8e0a2b-4d6f-4b8c-8e2a-4b6d8f0a2c4e is not in the bundle
}

// ExampleErr turns findings into one error and reaches the pattern
// parser's error inside it with errors.As.
func ExampleErr() {
	findings, err := validate.Bundle(context.Background(), strings.NewReader(bundle))
	if err != nil {
		panic(err)
	}
	err = validate.Err(findings)
	fmt.Println(err)
	var perr *pattern.Error
	if errors.As(err, &perr) {
		fmt.Println("pattern error at byte", perr.Offset)
	}
	// Output:
	// invalid STIX content: error indicator--4a6c8e0f-2b4d-4f6a-8c0e-2f4a6c8e0b2d /pattern [pattern]: invalid STIX pattern: pattern offset 32: unexpected end of pattern, expected ']', AND or OR
	// pattern error at byte 32
}
