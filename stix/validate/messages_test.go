package validate_test

import (
	"strings"
	"testing"

	"github.com/opencti-go/sdk/stix/validate"
)

// sdo returns a minimal SDO of typ with extra JSON members appended.
func sdo(typ, uuid, extra string) string {
	return `{"type":"` + typ + `","spec_version":"2.1","id":"` + typ + `--` + uuid + `",` +
		`"created":"2024-05-01T08:00:00.000Z","modified":"2024-05-01T08:00:00.000Z"` +
		extra + `}`
}

// findingAt returns the finding of rule at ptr, failing the test when there
// is none.
func findingAt(t *testing.T, fs []validate.Finding, rule, ptr string) validate.Finding {
	t.Helper()
	for _, f := range fs {
		if f.Rule == rule && f.Pointer == ptr {
			return f
		}
	}
	t.Fatalf("no %s finding at %q in %v", rule, ptr, fs)
	return validate.Finding{}
}

func TestMessageSchemaWording(t *testing.T) {
	tests := []struct {
		name, object, ptr, want string
	}{
		{"empty list", sdo("malware", "6a2f0b4e-3c1d-4e5f-9a8b-7c6d5e4f3a2b",
			`,"name":"x","is_family":true,"labels":[]`),
			"/labels", "list is empty: a STIX list must have at least one item"},
		{"reserved property", sdo("incident", "0b9e8d7c-6f5a-4b3c-8d2e-1f0a9b8c7d6e",
			`,"name":"x","severity":"high"`),
			"/severity", "property severity is reserved by STIX 2.1 and must not be used"},
		{"required alternatives", sdo("location", "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
			`,"name":"Vienna"`),
			"", "needs at least one of region, or country, or latitude and longitude, " +
				"but has none"},
		{"both exclusive properties", sdo("observed-data", "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
			`,"first_observed":"2024-05-01T08:00:00.000Z",`+
				`"last_observed":"2024-05-01T08:00:00.000Z","number_observed":1,`+
				`"object_refs":["ipv4-addr--3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b"],`+
				`"objects":{"0":{"type":"ipv4-addr","value":"192.0.2.1"}}`),
			"", "has both object_refs and objects, but must have exactly one of them"},
		{"excluded reference", sdo("relationship", "4f5a6b7c-8d9e-4f0a-9b2c-3d4e5f6a7b8c",
			`,"relationship_type":"indicates",`+
				`"source_ref":"indicator--5a6b7c8d-9e0f-4a1b-8c3d-4e5f6a7b8c9d",`+
				`"target_ref":"relationship--6b7c8d9e-0f1a-4b2c-9d4e-5f6a7b8c9d0e"`),
			"/target_ref", `reference "relationship--6b7c8d9e-0f1a-4b2c-9d4e-5f6a7b8c9d0e" ` +
				"points at a relationship, which target_ref must not reference"},
		{"wrong JSON type", sdo("identity", "7c8d9e0f-1a2b-4c3d-8e5f-6a7b8c9d0e1f",
			`,"name":"x","sectors":"technology"`),
			"/sectors", "value is a string, but must be an array"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := findingAt(t, validate.Object([]byte(tc.object)), validate.RuleSchema, tc.ptr)
			if !strings.Contains(f.Message, tc.want) {
				t.Errorf("message %q, want it to contain %q", f.Message, tc.want)
			}
		})
	}
}

func TestMessageHugeValueShortened(t *testing.T) {
	huge := strings.Repeat("a", 1_000_000)
	object := `{"type":"identity","spec_version":"2.1","id":"identity--` + huge + `",` +
		`"created":"2024-05-01T08:00:00.000Z","modified":"2024-05-01T08:00:00.000Z",` +
		`"name":"x"}`
	f := findingAt(t, validate.Object([]byte(object)), validate.RuleSchema, "/id")
	if len(f.Message) > 1100 {
		t.Errorf("message has %d bytes, want at most about 1000", len(f.Message))
	}
	if !strings.Contains(f.Message, "bytes left out") {
		t.Errorf("message %q does not say that bytes were left out", f.Message[:200])
	}
	if !strings.Contains(f.Message, "is not valid stix-identifier") {
		t.Errorf("message %q lost the reason", f.Message)
	}
	if f.ObjectID != "identity--"+huge {
		t.Error("ObjectID is not the exact id")
	}
	if line := f.String(); len(line) > 1400 {
		t.Errorf("String has %d bytes, want the id shortened", len(line))
	}
}

func TestMessageRelationshipTargetNamesType(t *testing.T) {
	rel := sdo("relationship", "8d9e0f1a-2b3c-4d4e-9f6a-7b8c9d0e1f2a",
		`,"relationship_type":"uses",`+
			`"source_ref":"tool--9e0f1a2b-3c4d-4e5f-8a7b-8c9d0e1f2a3b",`+
			`"target_ref":"attack-pattern--0f1a2b3c-4d5e-4f6a-9b8c-9d0e1f2a3b4c"`)
	f := findingAt(t, validate.Object([]byte(rel)), "relationship-types", "/target_ref")
	want := "target_ref points at an attack-pattern, which the specification does not " +
		"suggest for tool uses: the suggested target types are infrastructure"
	if f.Message != want {
		t.Errorf("message %q, want %q", f.Message, want)
	}
}

func TestMessageUUIDVersionNamed(t *testing.T) {
	object := sdo("identity", "1a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d", `,"name":"x"`)
	f := findingAt(t, validate.Object([]byte(object)), "uuid-check", "/id")
	if !strings.HasPrefix(f.Message, "id uses a version 5 UUID") {
		t.Errorf("message %q does not name the version in use", f.Message)
	}
}
