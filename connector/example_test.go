package connector_test

import (
	"fmt"

	"github.com/opencti-go/sdk/connector"
)

// A command reads its configuration once, from config.yml and the
// environment, and decodes messages through the framework.
func ExampleConfigFromSource() {
	env := map[string]string{
		"OPENCTI_URL":     "http://localhost:8080",
		"OPENCTI_TOKEN":   "2b7e9f61-0c4d-4a8e-b3f5-7d1e6a9c0b24",
		"CONNECTOR_ID":    "3a9e5c41-7d2b-4f60-9b8e-21c0f4d7a655",
		"CONNECTOR_TYPE":  "INTERNAL_EXPORT_FILE",
		"MQ_USE_SSL":      "1",
		"CONNECTOR_SCOPE": "application/vnd.oasis.stix+json",
	}
	doc := []byte("connector:\n  name: ExportFileStix\n")
	src, _ := connector.NewSource(doc, func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	})
	cfg, err := connector.ConfigFromSource(src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Name, cfg.Type, cfg.Scope, cfg.MetricsPort, cfg.Token)
	fmt.Println(cfg.Warnings())
	// Output:
	// ExportFileStix INTERNAL_EXPORT_FILE [application/vnd.oasis.stix+json] 9095 [REDACTED]
	// [MQ_USE_SSL="1" read as true; pycti only accepts true, True, yes, false, False or no]
}

func ExampleDecodeMessage() {
	body := []byte(`{"internal":{"work_id":"work_1","applicant_id":null},
	"event":{"export_scope":"selection","export_type":"simple","file_name":"f.json",
	"entity_type":"Stix-Cyber-Observable","selected_ids":["a","b"],
	"main_filter":{"mode":"and","filters":[],"filterGroups":[]}}}`)
	msg, err := connector.DecodeMessage(body, connector.TypeInternalExportFile)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(msg.Internal.WorkID, msg.Export.ExportScope, msg.Export.SelectedIDs)
	fmt.Println(string(msg.Export.MainFilter))

	_, err = connector.DecodeMessage([]byte(`{"internal":{"work_id":"work_2"}}`),
		connector.TypeInternalExportFile)
	fmt.Println(err)
	// Output:
	// work_1 selection [a b]
	// {"mode":"and","filters":[],"filterGroups":[]}
	// invalid message: missing event object
}
