package main

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/examples/internal/exampletest"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// TestEnrichAddsNote asks pyctitest to enrich an address and reads what
// the connector sent to the workers.
func TestEnrichAddsNote(t *testing.T) {
	p := exampletest.NewPlatform(t)
	ipID := "ipv4-addr--" + uuid.NewString()
	bundle := fmt.Sprintf(`{"type":"bundle","id":"bundle--%s","objects":[{"type":"ipv4-addr",
		"spec_version":"2.1","id":%q,"value":"10.20.30.40"}]}`, uuid.NewString(), ipID)
	if _, err := p.SeedBundle([]byte(bundle)); err != nil {
		t.Fatal(err)
	}
	cfg := p.Config(t, connector.TypeInternalEnrichment, map[string]string{
		"CONNECTOR_SCOPE": "IPv4-Addr,IPv6-Addr"})
	exampletest.Start(t, func(ctx context.Context) error {
		return run(ctx, cfg, exampletest.Logger(t))
	})
	exampletest.WaitFor(t, "registration", func() bool { return len(p.Connectors()) == 1 })
	if !p.Connectors()[0].PlaybookCompatible {
		t.Error("connector not registered as playbook compatible")
	}
	workID, err := p.AskEnrichment(t.Context(), pyctitest.EnrichmentRequest{ConnectorID: cfg.ID,
		EntityID: ipID})
	if err != nil {
		t.Fatal(err)
	}
	msgs := p.Pushed(t, cfg.ID, 2)
	var note map[string]any
	for _, m := range msgs {
		if m.WorkID != workID {
			t.Errorf("message of work %q, want %q", m.WorkID, workID)
		}
		if m.Object["type"] == "note" {
			note = m.Object
		}
	}
	if note == nil || note["abstract"] != "Address class: private" ||
		fmt.Sprint(note["object_refs"]) != "["+ipID+"]" {
		t.Fatalf("note = %v, want a private-address note on %s", note, ipID)
	}
	exampletest.WaitFor(t, "the work report", func() bool {
		w, _ := p.Work(workID)
		return w.ProcessedCalls == 1
	})
	if w, _ := p.Work(workID); !strings.Contains(w.Messages[len(w.Messages)-1].Message, "1 object(s) added") {
		t.Errorf("work messages = %+v", w.Messages)
	}
}

func TestClassify(t *testing.T) {
	for addr, want := range map[string]string{"10.1.2.3": "private", "127.0.0.1": "loopback",
		"198.51.100.23": "documentation", "2001:db8::1": "documentation", "8.8.8.8": "global",
		"100.64.1.1": "shared (carrier-grade NAT)", "169.254.0.1": "link-local",
		"224.0.0.1": "multicast", "fe80::1": "link-local"} {
		if got := classify(netip.MustParseAddr(addr)); got != want {
			t.Errorf("classify(%s) = %q, want %q", addr, got, want)
		}
	}
}

// An entity that the platform could not convert gets an error naming that
// cause, not one about the connector's scope.
func TestEnrichEntityWithoutStixForm(t *testing.T) {
	msg := &connector.Message{Enrichment: &connector.EnrichmentEvent{
		EntityID: "ipv4-addr--5d1f9b5c-2f3e-5c59-9d3f-3d1c8c7f8e10", EntityType: "IPv4-Addr"}}

	_, err := enrich(t.Context(), msg)

	if err == nil || !strings.Contains(err.Error(), "no STIX form") {
		t.Errorf("err = %v, want one saying the platform sent no STIX form", err)
	}
}
