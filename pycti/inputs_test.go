package pycti

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/opencti-go/sdk/internal/testenv"
)

// typedInputs maps each typed input to the GraphQL input types its fields
// must exist on.
var typedInputs = map[reflect.Type][]string{
	reflect.TypeFor[MalwareInput]():           {"MalwareAddInput"},
	reflect.TypeFor[IndicatorInput]():         {"IndicatorAddInput"},
	reflect.TypeFor[ReportInput]():            {"ReportAddInput"},
	reflect.TypeFor[IdentityInput]():          {"IdentityAddInput"},
	reflect.TypeFor[IntrusionSetInput]():      {"IntrusionSetAddInput"},
	reflect.TypeFor[AttackPatternInput]():     {"AttackPatternAddInput"},
	reflect.TypeFor[VulnerabilityInput]():     {"VulnerabilityAddInput"},
	reflect.TypeFor[ThreatActorGroupInput]():  {"ThreatActorGroupAddInput"},
	reflect.TypeFor[CampaignInput]():          {"CampaignAddInput"},
	reflect.TypeFor[ToolInput]():              {"ToolAddInput"},
	reflect.TypeFor[LocationInput]():          {"LocationAddInput"},
	reflect.TypeFor[NoteInput]():              {"NoteAddInput"},
	reflect.TypeFor[RelationshipInput]():      {"StixCoreRelationshipAddInput"},
	reflect.TypeFor[SightingInput]():          {"StixSightingRelationshipAddInput"},
	reflect.TypeFor[LabelInput]():             {"LabelAddInput"},
	reflect.TypeFor[ExternalReferenceInput](): {"ExternalReferenceAddInput"},
	reflect.TypeFor[MarkingDefinitionInput](): {"MarkingDefinitionAddInput"},
	reflect.TypeFor[FileFields]():             {"StixFileAddInput"},
	reflect.TypeFor[Hash]():                   {"HashInput"},
	reflect.TypeFor[AutonomousSystemFields](): {"AutonomousSystemAddInput"},
	reflect.TypeFor[ObservableValue](): {"IPv4AddrAddInput", "IPv6AddrAddInput",
		"DomainNameAddInput", "UrlAddInput", "EmailAddrAddInput", "MacAddrAddInput",
		"HostnameAddInput", "TextAddInput", "UserAgentAddInput", "CryptocurrencyWalletAddInput",
		"CryptographicKeyAddInput", "PhoneNumberAddInput", "CredentialAddInput",
		"TrackingNumberAddInput"},
}

// jsonField is one JSON member of a struct, embedded structs flattened.
type jsonField struct {
	goName, name string
	optional     bool // tagged omitempty or omitzero
}

func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for f := range t.Fields() {
		if f.Anonymous {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		out = append(out, jsonField{goName: f.Name, name: name, optional: optional})
	}
	return out
}

func loadPlatformSchema(t *testing.T) *ast.Schema {
	t.Helper()
	data, err := os.ReadFile(testenv.SharedDir(t, "opencti", "schema.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	s, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(data)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	return s
}

// TestInputTagsMatchSchema checks that every JSON name of a typed input
// is a field of its GraphQL input type, in the platform's schema and in
// the SDK's, and that a field is optional in Go exactly when it is
// nullable in every matching GraphQL type.
func TestInputTagsMatchSchema(t *testing.T) {
	schemas := map[string]*ast.Schema{"platform": loadPlatformSchema(t), "sdk": sdkSchema(t)}
	for name, schema := range schemas {
		for goType, inputTypes := range typedInputs {
			for _, f := range jsonFields(goType) {
				required := false
				for _, inputType := range inputTypes {
					def := schema.Types[inputType]
					if def == nil || def.Kind != ast.InputObject {
						t.Errorf("%s schema: input type %s not found", name, inputType)
						continue
					}
					fd := def.Fields.ForName(f.name)
					if fd == nil {
						t.Errorf("%s schema: %s.%s (json %q) is not a field of %s", name,
							goType.Name(), f.goName, f.name, inputType)
						continue
					}
					required = required || fd.Type.NonNull && fd.DefaultValue == nil
				}
				if required == f.optional {
					t.Errorf("%s schema: %s.%s is optional=%v in Go, required=%v in GraphQL",
						name, goType.Name(), f.goName, f.optional, required)
				}
			}
		}
	}
}

// TestObservableArgumentsMatchSchema checks the argument names that
// CreateObservable sends against stixCyberObservableAdd.
func TestObservableArgumentsMatchSchema(t *testing.T) {
	schemas := map[string]*ast.Schema{"platform": loadPlatformSchema(t), "sdk": sdkSchema(t)}
	args := append([]string{"type", "stix_id", "x_opencti_score", "x_opencti_description",
		"createIndicator", "createdBy", "objectMarking", "objectLabel", "externalReferences",
		"update"}, observableArgs...)
	for name, schema := range schemas {
		field := schema.Mutation.Fields.ForName("stixCyberObservableAdd")
		for _, arg := range args {
			if field.Arguments.ForName(arg) == nil {
				t.Errorf("%s schema: stixCyberObservableAdd has no argument %s", name, arg)
			}
		}
	}
}

func TestTypedInputsOmitUnsetFields(t *testing.T) {
	published := time.Date(2024, 3, 5, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		input Input
		want  string
	}{
		{MalwareInput{Name: "Quillfeather"}, `{"name":"Quillfeather"}`},
		{MalwareInput{Name: "Quillfeather", IsFamily: new(false)},
			`{"name":"Quillfeather","is_family":false}`},
		{ReportInput{Name: "r", Published: published},
			`{"name":"r","published":"2024-03-05T08:00:00Z"}`},
		{SightingInput{FromID: "a", ToID: "b"}, `{"fromId":"a","toId":"b","attribute_count":0}`},
		{RelationshipInput{Meta: Meta{ObjectMarking: []string{"m"}}, RelationshipType: "uses",
			FromID: "a", ToID: "b", StartTime: published},
			`{"objectMarking":["m"],"relationship_type":"uses","fromId":"a","toId":"b",` +
				`"start_time":"2024-03-05T08:00:00Z"}`},
		{MarkingDefinitionInput{DefinitionType: "PAP", Definition: "PAP:RED"},
			`{"definition_type":"PAP","definition":"PAP:RED","x_opencti_order":0}`},
	}
	for _, c := range cases {
		got, err := json.Marshal(c.input)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.want {
			t.Errorf("%T encodes as %s, want %s", c.input, got, c.want)
		}
	}
}

func TestCreateChecksTypedInputs(t *testing.T) {
	f := newFakePlatform(t, func(received) reply {
		return ok(`{"x":{"id":"m1","standard_id":"malware--1","entity_type":"Malware"}}`)
	})
	c := f.client(t)
	ctx := context.Background()
	if _, err := c.Create(ctx, KindIndicator, MalwareInput{Name: "x"}); err == nil {
		t.Error("a malware input was accepted for an indicator")
	}
	_, err := c.Create(ctx, KindIndicator, &IndicatorInput{Name: "ip", Pattern: "[x:y = 'z']"})
	if err == nil || !strings.Contains(err.Error(), "pattern_type") {
		t.Errorf("missing pattern_type: err = %v", err)
	}
	if _, err := c.Create(ctx, KindReport, ReportInput{Name: "r"}); err == nil {
		t.Error("a report without published was accepted")
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("rejected inputs sent %d requests", n)
	}
	ref, err := c.Create(ctx, KindMalware, &MalwareInput{Name: "Quillfeather"})
	if err != nil {
		t.Fatal(err)
	}
	if ref.ID != "m1" {
		t.Errorf("ref = %+v", ref)
	}
	in, _ := f.requests()[0].Variables["input"].(map[string]any)
	if len(in) != 1 || in["name"] != "Quillfeather" {
		t.Errorf("malware input sent = %v, want only the name", in)
	}
	_, err = c.CreateObservable(ctx, Observable{Type: "StixFile", Fields: FileFields{
		Name: "a.exe", Hashes: []Hash{{Algorithm: "SHA-256", Hash: "e3b0c442"}}}})
	if err != nil {
		t.Fatal(err)
	}
	file, _ := f.requests()[1].Variables["StixFile"].(map[string]any)
	hashes, _ := json.Marshal(file["hashes"])
	if string(hashes) != `[{"algorithm":"SHA-256","hash":"e3b0c442"}]` {
		t.Errorf("file hashes sent = %s", hashes)
	}
	if _, err := c.CreateObservable(ctx, Observable{Type: "Url", Fields: "x"}); err == nil ||
		errors.Is(err, ErrInvalidRequest) {
		t.Errorf("string fields: err = %v, want a local error", err)
	}
}
