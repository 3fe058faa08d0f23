package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/internal/demodata"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
	"github.com/opencti-go/sdk/stix/validate"
)

// demoExport is one export the demo requests, as the platform would.
type demoExport struct {
	file  string // name of the bundle in the output folder
	scope export.Scope
	mode  export.Mode
	// entityType is the exported entity's type (single) or the listed type.
	entityType string
	// pick chooses the exported entity or the selected ids.
	pick []string
}

var demoExports = []demoExport{
	{file: "single-full-report.json", scope: export.ScopeSingle, mode: export.ModeFull,
		entityType: "Report", pick: []string{"Report"}},
	{file: "selection-simple-indicators.json", scope: export.ScopeSelection,
		mode: export.ModeSimple, entityType: "Stix-Domain-Object", pick: []string{"Indicator"}},
	{file: "query-full-intrusion-sets.json", scope: export.ScopeQuery, mode: export.ModeFull,
		entityType: "Intrusion-Set"},
	{file: "query-simple-attack-patterns.json", scope: export.ScopeQuery,
		mode: export.ModeSimple, entityType: "Attack-Pattern"},
}

// runDemo starts an in-memory platform seeded with the sample dataset,
// runs four exports, covering each scope and both modes, through the
// connector's handler (upload included), writes the stored bundles to out,
// validates them and prints a summary. It needs neither OpenCTI nor
// RabbitMQ.
func runDemo(ctx context.Context, out string, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := pyctitest.NewServer()
	if err != nil {
		log.Error("start the in-memory platform failed", slog.String("error", err.Error()))
		return exitFailed
	}
	defer srv.Close()
	if _, err := srv.SeedBundle(demodata.GlassTern); err != nil {
		log.Error("seed the sample dataset failed", slog.String("error", err.Error()))
		return exitFailed
	}
	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		log.Error("build the client failed", slog.String("error", err.Error()))
		return exitFailed
	}
	x, err := export.New(client, export.Options{Logger: log})
	if err != nil {
		log.Error("build the exporter failed", slog.String("error", err.Error()))
		return exitFailed
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		log.Error("create the output folder failed", slog.String("error", err.Error()))
		return exitFailed
	}
	fmt.Fprintf(stdout, "In-memory OpenCTI at %s, seeded with the Glass Tern sample dataset.\n\n",
		srv.URL)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCOPE\tMODE\tTYPE\tOBJECTS\tBYTES\tVALIDATION\tFILE")
	code := exitOK
	for _, d := range demoExports {
		line, err := runDemoExport(ctx, srv, client, x, d, out)
		if err != nil {
			log.Error("demo export failed", slog.String("file", d.file),
				slog.String("error", err.Error()))
			code = exitFailed
			continue
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	if code == exitOK {
		fmt.Fprintf(stdout, "\nBundles written to %s\n", out)
	}
	return code
}

// runDemoExport runs one demo export and returns its summary line.
func runDemoExport(ctx context.Context, srv *pyctitest.Server, client *pycti.Client,
	x *export.Exporter, d demoExport, out string) (string, error) {
	body, err := d.message(ctx, client)
	if err != nil {
		return "", err
	}
	msg, err := connector.DecodeMessage(body, connector.TypeInternalExportFile)
	if err != nil {
		return "", err
	}
	if _, err := (&handler{x: x}).Handle(ctx, msg); err != nil {
		return "", err
	}
	data, ok := storedExport(srv, msg.Export.FileName)
	if !ok {
		return "", fmt.Errorf("the platform stored no file named %q", msg.Export.FileName)
	}
	path := filepath.Join(out, d.file)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", err
	}
	findings, err := validate.Bundle(ctx, bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("validate %s: %w", path, err)
	}
	var b struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return fmt.Sprintf("%s\t%s\t%s\t%d\t%d\t%s\t%s", d.scope, d.mode, d.entityType, len(b.Objects),
		len(data), verdict(findings), path), nil
}

// verdict summarises the findings of a bundle.
func verdict(findings []validate.Finding) string {
	var errs, warnings int
	for _, f := range findings {
		switch f.Severity {
		case validate.SeverityError:
			errs++
		case validate.SeverityWarning:
			warnings++
		}
	}
	if errs > 0 {
		return fmt.Sprintf("%d errors", errs)
	}
	return fmt.Sprintf("valid, %d warnings", warnings)
}

// message builds the export message the platform would publish.
func (d demoExport) message(ctx context.Context, client *pycti.Client) ([]byte, error) {
	var ids []string
	for _, typ := range d.pick {
		page, err := client.StixCoreObjects().List(ctx, pycti.ListOptions{Types: []string{typ},
			OrderBy: "name", OrderMode: pycti.Ascending})
		if err != nil {
			return nil, err
		}
		for _, o := range page.Items {
			ids = append(ids, o.ID)
		}
	}
	access := map[string]any{"mode": "and", "filters": []any{}, "filterGroups": []any{}}
	name := fmt.Sprintf("%s_TLP:ALL_(ExportFileStix)_%s_%s.json",
		time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), d.entityType, d.mode)
	event := map[string]any{"export_scope": d.scope, "export_type": d.mode,
		"format": stixMIME, "file_name": name, "entity_type": d.entityType,
		"entity_name": "global", "file_markings": []string{}, "access_filter": access}
	switch d.scope {
	case export.ScopeSingle:
		if len(ids) == 0 {
			return nil, fmt.Errorf("no %s in the sample dataset", d.entityType)
		}
		event["entity_id"] = ids[0]
		event["main_filter"] = idsFilter(ids[:1])
	case export.ScopeSelection:
		event["selected_ids"] = ids
		event["main_filter"] = idsFilter(ids)
	case export.ScopeQuery:
		event["main_filter"] = access
		event["list_params"] = map[string]any{"search": nil, "orderBy": "name",
			"orderMode": "asc", "filters": nil}
	}
	return json.Marshal(map[string]any{"internal": map[string]any{"work_id": nil,
		"applicant_id": pyctitest.AdminID}, "event": event})
}

func idsFilter(ids []string) map[string]any {
	return map[string]any{"mode": "and", "filterGroups": []any{}, "filters": []any{
		map[string]any{"key": "ids", "values": ids, "mode": "or", "operator": "eq"}}}
}

// storedExport returns the export file the platform stored under name.
func storedExport(srv *pyctitest.Server, name string) ([]byte, bool) {
	for _, f := range srv.Files() {
		if f.Exported && f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}
