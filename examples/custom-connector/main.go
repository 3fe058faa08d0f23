// Command custom-connector is an internal enrichment connector. For an IP
// address observable it adds a note with the address's class (private,
// loopback, documentation, global...), from the IANA special-purpose
// registries that Go's net/netip knows. It works from the entity page and
// in playbooks ("Enrich through connector").
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"syscall"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/stix"
)

func main() {
	cfg, err := connector.LoadConfig("config.yml")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	log := connector.NewLogger(os.Stderr, cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, log); err != nil {
		log.Error("connector stopped", "error", err)
		os.Exit(1)
	}
}

// run consumes the listen queue until ctx ends. Register it with
// CONNECTOR_TYPE=INTERNAL_ENRICHMENT and CONNECTOR_SCOPE=IPv4-Addr,IPv6-Addr.
func run(ctx context.Context, cfg *connector.Config, log *slog.Logger) error {
	// Offered in playbooks; set by the program, as in pycti.
	cfg.PlaybookCompatible = true
	client, err := connector.NewClient(cfg)
	if err != nil {
		return err
	}
	conn, err := connector.New(cfg, connector.NewPlatform(client), connector.Options{Logger: log})
	if err != nil {
		return err
	}
	return conn.Run(ctx, connector.HandlerFunc(enrich))
}

// enrich handles one enrichment request.
func enrich(ctx context.Context, msg *connector.Message) (string, error) {
	ev := msg.Enrichment
	var entity struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	if ev.StixEntity == nil && !msg.IsPlaybook() {
		return "", fmt.Errorf("entity %s (%s): the platform sent no STIX form of it, "+
			"so it may be deleted or not visible to the connector's user", ev.EntityID, ev.EntityType)
	}
	if ev.StixEntity != nil {
		if err := json.Unmarshal(ev.StixEntity, &entity); err != nil {
			return "", fmt.Errorf("entity %s: %w", ev.EntityID, err)
		}
	}
	addr, err := netip.ParseAddr(entity.Value)
	if err != nil || (entity.Type != "ipv4-addr" && entity.Type != "ipv6-addr") {
		if msg.IsPlaybook() {
			// A playbook stops at a step that does not reply: send the
			// received bundle back unchanged.
			return reply(ctx, msg)
		}
		return "", fmt.Errorf("entity %s (%s) is not an IP address: check CONNECTOR_SCOPE",
			ev.EntityID, ev.EntityType)
	}
	note := stix.Create[stix.Note]()
	note.Abstract = "Address class: " + classify(addr)
	note.Content = fmt.Sprintf("%s is a %s address.", addr, classify(addr))
	note.ObjectRefs = []string{ev.EntityID}
	noteJSON, err := json.Marshal(note)
	if err != nil {
		return "", err
	}
	return reply(ctx, msg, noteJSON)
}

// reply sends the received objects and the new ones. In a playbook the
// bundle goes back to the playbook; otherwise to the workers, shared with
// the entity's organisations, and tied to the message's work.
func reply(ctx context.Context, msg *connector.Message, objects ...json.RawMessage) (string, error) {
	bundle, err := msg.Enrichment.ReplyBundle(objects...)
	if err != nil {
		return "", err
	}
	if _, err := msg.SendBundle(ctx, bundle, connector.BundleOptions{}); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d object(s) added", len(objects)), nil
}

// classify names the special-purpose range an address belongs to.
func classify(a netip.Addr) string {
	documentation := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("2001:db8::/32")}
	for _, p := range documentation {
		if p.Contains(a) {
			return "documentation"
		}
	}
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.IsPrivate():
		return "private"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast():
		return "multicast"
	case netip.MustParsePrefix("100.64.0.0/10").Contains(a):
		return "shared (carrier-grade NAT)"
	case a.IsGlobalUnicast():
		return "global"
	}
	return "reserved"
}
