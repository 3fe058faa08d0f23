package connector_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/connector"
)

func TestDecodeQueryExportKeepsListParams(t *testing.T) {
	body := `{"internal":{"work_id":"w1","applicant_id":null},"event":{
	"export_scope":"query","export_type":"simple","format":"application/vnd.oasis.stix+json",
	"file_name":"f.json","entity_type":"Report","file_markings":[],
	"list_params":{"search":"loader","orderBy":"published","orderMode":"desc",
	  "filters":{"mode":"and","filters":[],"filterGroups":[]}},
	"main_filter":{"mode":"and","filters":[],"filterGroups":[]},"access_filter":null}}`
	msg, err := connector.DecodeMessage([]byte(body), connector.TypeInternalExportFile)
	if err != nil {
		t.Fatal(err)
	}
	ev := msg.Export
	if ev.ListParams == nil || ev.ListParams.Search != "loader" || ev.ListParams.OrderBy != "published" {
		t.Fatalf("list_params = %+v", ev.ListParams)
	}
	if !strings.Contains(string(ev.ListParams.Raw), `"orderMode":"desc"`) {
		t.Errorf("raw list_params = %s", ev.ListParams.Raw)
	}
	if ev.AccessFilter != nil {
		t.Errorf("null access_filter = %s, want nil", ev.AccessFilter)
	}
	if msg.Internal.ApplicantID != "" || msg.Internal.WorkID != "w1" {
		t.Errorf("internal = %+v", msg.Internal)
	}
}

func TestDecodeEnrichmentParsesEmbeddedJSON(t *testing.T) {
	stix := `{"id":"ipv4-addr--4e7b1c2d-3a5f-5b6e-8c9d-0a1b2c3d4e5f","type":"ipv4-addr","value":"198.51.100.23"}`
	body, _ := json.Marshal(map[string]any{
		"internal": map[string]any{"work_id": "w2", "applicant_id": nil, "draft_id": nil},
		"event": map[string]any{"event_type": "INTERNAL_ENRICHMENT",
			"entity_id": "ipv4-addr--4e7b1c2d-3a5f-5b6e-8c9d-0a1b2c3d4e5f", "entity_type": "IPv4-Addr",
			"stix_entity": stix, "stix_objects": nil},
	})
	msg, err := connector.DecodeMessage(body, connector.TypeInternalEnrichment)
	if err != nil {
		t.Fatal(err)
	}
	if string(msg.Enrichment.StixEntity) != stix || msg.Enrichment.StixObjects != nil {
		t.Errorf("enrichment = %+v", msg.Enrichment)
	}
}

func TestDecodeEnrichmentNullEntity(t *testing.T) {
	for _, entity := range []string{`"null"`, `""`, `null`, `" "`} {
		body := `{"internal":{"work_id":"w"},"event":{"entity_id":"x","stix_entity":` + entity + `}}`
		msg, err := connector.DecodeMessage([]byte(body), connector.TypeInternalEnrichment)
		if err != nil {
			t.Errorf("stix_entity %s: %v", entity, err)
			continue
		}
		if msg.Enrichment.StixEntity != nil {
			t.Errorf("stix_entity %s decoded to %s, want nil", entity, msg.Enrichment.StixEntity)
		}
	}
}

func TestDecodeMessageErrors(t *testing.T) {
	for _, tc := range []struct {
		body, workID, reason string
		typ                  connector.ConnectorType
	}{
		{`not json "work_id": "w-9"`, "w-9", "not a JSON object", connector.TypeInternalExportFile},
		{`{"internal":{"work_id":"w-8"}}`, "w-8", "missing event", connector.TypeStream},
		{`{"internal":{"work_id":"w-7"},"event":{"export_scope":"single","export_type":"full",
		  "file_name":"f","entity_type":"Malware"}}`, "w-7", "missing entity_id",
			connector.TypeInternalExportFile},
		{`{"internal":{"work_id":"w-6"},"event":{"export_scope":"list","export_type":"full"}}`,
			"w-6", `invalid export_scope "list"`, connector.TypeInternalExportFile},
		{`{"internal":{"work_id":"w-5"},"event":{"entity_id":"x","stix_entity":"{broken"}}`,
			"w-5", "stix_entity", connector.TypeInternalEnrichment},
		{`{"internal":{"work_id":"w-4"},"event":{"file_mime":"text/csv"}}`, "w-4",
			"missing file_id", connector.TypeInternalImportFile},
		{`{"internal":"w-3","event":{}}`, "", "invalid internal", connector.TypeStream},
		{`{"internal":{"work_id":"w-10"},"event":{"entity_id":"x","stix_entity":42}}`,
			"w-10", "stix_entity: 42 is not a JSON object", connector.TypeInternalEnrichment},
		{`{"internal":{"work_id":"w-11"},"event":{"entity_id":"x","stix_entity":"[1]"}}`,
			"w-11", "stix_entity: [1] is not a JSON object", connector.TypeInternalEnrichment},
		{`{"internal":{"work_id":"w-12"},"event":{"entity_id":"x","stix_objects":"7"}}`,
			"w-12", "stix_objects: 7 is not a JSON array or object", connector.TypeInternalEnrichment},
		{`{"internal":{"work_id":"w-13"},"event":{"file_id":"../../graphql"}}`,
			"w-13", `invalid file_id "../../graphql"`, connector.TypeInternalImportFile},
		{`{"internal":{"work_id":"w-14"},"event":{"file_id":"/storage/get/import//a.txt"}}`,
			"w-14", "invalid file_id", connector.TypeInternalImportFile},
		// The work id of a valid JSON body comes from internal only, never
		// from a work_id key elsewhere in the body.
		{`{"event":{"export_scope":5,"main_filter":{"work_id":"w-other"}},
		  "internal":{"work_id":"w-15"}}`, "w-15", "export_scope", connector.TypeInternalExportFile},
		{`{"event":{"work_id":"w-other"},"internal":{"work_id":7}}`, "", "invalid internal",
			connector.TypeStream},
		{`{"internal":{"work_id":"w-16","applicant_id":5},"event":{}}`, "w-16",
			"invalid internal", connector.TypeInternalExportFile},
	} {
		_, err := connector.DecodeMessage([]byte(tc.body), tc.typ)
		var merr *connector.MessageError
		if !errors.As(err, &merr) || !errors.Is(err, connector.ErrInvalidMessage) {
			t.Errorf("%s: error %v, want a MessageError", tc.body, err)
			continue
		}
		if merr.WorkID != tc.workID || !strings.Contains(merr.Reason, tc.reason) {
			t.Errorf("%s: work %q reason %q; want %q and %q", tc.body, merr.WorkID, merr.Reason,
				tc.workID, tc.reason)
		}
	}
}
