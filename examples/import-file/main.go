// Command import-file is an internal import file connector: when a user
// imports a text file of indicators of compromise (one IPv4 address or
// domain name per line, # starts a comment), it sends each value to
// OpenCTI as an observable.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"strings"
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

// run consumes the connector's listen queue until ctx ends. Register it
// with CONNECTOR_TYPE=INTERNAL_IMPORT_FILE and CONNECTOR_SCOPE=text/plain.
func run(ctx context.Context, cfg *connector.Config, log *slog.Logger) error {
	client, err := connector.NewClient(cfg)
	if err != nil {
		return err
	}
	conn, err := connector.New(cfg, connector.NewPlatform(client), connector.Options{Logger: log})
	if err != nil {
		return err
	}
	return conn.Run(ctx, connector.HandlerFunc(importFile))
}

// importFile handles one import request. The framework reports the work:
// the returned text on success, the error's text otherwise.
func importFile(ctx context.Context, msg *connector.Message) (string, error) {
	// The file is downloaded from the platform's storage as the connector.
	body, err := msg.OpenFile(ctx)
	if err != nil {
		return "", err
	}
	defer body.Close()
	var objects []stix.Object
	var skipped int
	lines := bufio.NewScanner(body)
	for lines.Scan() {
		value := strings.TrimSpace(lines.Text())
		if value == "" || strings.HasPrefix(value, "#") {
			continue
		}
		if obj, ok := observable(value); ok {
			objects = append(objects, obj)
		} else {
			skipped++
		}
	}
	if err := lines.Err(); err != nil {
		return "", fmt.Errorf("read %s: %w", msg.ImportFile.FileName(), err)
	}
	if len(objects) == 0 {
		return "", fmt.Errorf("%s contains no IPv4 address or domain name", msg.ImportFile.FileName())
	}
	bundle, err := json.Marshal(stix.NewBundle(objects...))
	if err != nil {
		return "", err
	}
	// Tied to the message: its work, its applicant and its draft.
	res, err := msg.SendBundle(ctx, bundle, connector.BundleOptions{})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d generated bundle(s) for worker import, %d line(s) skipped",
		res.Messages, skipped), nil
}

// observable parses one trimmed line into an IPv4 address or a domain
// name, with its deterministic id: the same value always gets the same id.
func observable(value string) (stix.Object, bool) {
	if addr, err := netip.ParseAddr(value); err == nil && addr.Is4() {
		ip := stix.Create[stix.IPv4Addr]()
		ip.Value = addr.String()
		id, err := stix.ObservableIDOf(ip)
		ip.ID = id
		return ip, err == nil
	}
	if strings.Contains(value, ".") && !strings.ContainsAny(value, " /:@") {
		d := stix.Create[stix.DomainName]()
		d.Value = strings.ToLower(value)
		id, err := stix.ObservableIDOf(d)
		d.ID = id
		return d, err == nil
	}
	return nil, false
}
