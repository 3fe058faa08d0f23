// Command import-external is an external import connector: every
// CONNECTOR_DURATION_PERIOD it reads a JSON feed of malicious IP
// addresses and sends them to OpenCTI as observables with indicators.
//
// The feed (FEED_URL, config.yml feed.url) returns
// {"items": [{"ip": "198.51.100.7", "description": "..."}]} for
// GET ?since=<RFC 3339>. The
// connector asks only for what changed since its last successful run,
// which the scheduler keeps in the connector state on the platform.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

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
	// SIGTERM (docker stop) ends the context; the current run may finish.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, log); err != nil {
		log.Error("connector stopped", "error", err)
		os.Exit(1)
	}
}

// run builds the connector and schedules the feed import until ctx ends,
// or once with CONNECTOR_RUN_AND_TERMINATE=true.
func run(ctx context.Context, cfg *connector.Config, log *slog.Logger) error {
	feedURL := cfg.Source().String("FEED_URL", "feed.url", "")
	if feedURL == "" {
		return errors.New("FEED_URL (feed.url) is missing: set the feed's URL")
	}
	client, err := connector.NewClient(cfg)
	if err != nil {
		return err
	}
	conn, err := connector.New(cfg, connector.NewPlatform(client), connector.Options{Logger: log})
	if err != nil {
		return err
	}
	f := &feed{url: feedURL, http: &http.Client{Timeout: time.Minute}}
	return conn.Schedule(ctx, connector.RunHandlerFunc(f.importRun), connector.ScheduleOptions{})
}

type feed struct {
	url  string
	http *http.Client
}

type feedItem struct {
	IP          string `json:"ip"`
	Description string `json:"description"`
}

// importRun is one scheduled run: fetch, convert, send. The text it
// returns becomes the work's message in the platform.
func (f *feed) importRun(ctx context.Context, run *connector.ScheduledRun) (string, error) {
	items, err := f.fetch(ctx, run.LastRun)
	if err != nil {
		return "", err
	}
	if len(items) == 0 {
		return "Nothing new in the feed", nil
	}
	var objects []stix.Object
	for _, item := range items {
		objects = append(objects, toSTIX(item)...)
	}
	bundle, err := json.Marshal(stix.NewBundle(objects...))
	if err != nil {
		return "", err
	}
	// SendBundle splits the bundle, adds the count to the run's work and
	// publishes to the workers; dropped objects are logged and returned.
	res, err := run.SendBundle(ctx, bundle, connector.BundleOptions{})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d addresses imported (%d objects)", len(items), res.Messages), nil
}

// fetch reads the items changed since the last run (all of them on the
// first run).
func (f *feed) fetch(ctx context.Context, since time.Time) ([]feedItem, error) {
	u, err := url.Parse(f.url)
	if err != nil {
		return nil, fmt.Errorf("invalid FEED_URL %q: %w", f.url, err)
	}
	if !since.IsZero() {
		q := u.Query()
		q.Set("since", since.Format(time.RFC3339))
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := f.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch feed: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch feed %s: HTTP %d", f.url, resp.StatusCode)
	}
	var page struct {
		Items []feedItem `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return nil, fmt.Errorf("decode feed: %w", err)
	}
	return page.Items, nil
}

// toSTIX returns the observable, an indicator and the relationship
// "indicator based-on observable" for one address.
func toSTIX(item feedItem) []stix.Object {
	ip := stix.Create[stix.IPv4Addr]()
	ip.Value = item.IP
	// Observable ids are deterministic: the same address, the same id.
	if id, err := stix.ObservableIDOf(ip); err == nil {
		ip.ID = id
	}
	ind := stix.Create[stix.Indicator]()
	ind.Name = item.IP
	ind.Description = item.Description
	ind.Pattern = fmt.Sprintf("[ipv4-addr:value = '%s']", item.IP)
	ind.PatternType = "stix"
	ind.ValidFrom = stix.Now()
	rel := stix.Create[stix.Relationship]()
	rel.RelationshipType = "based-on"
	rel.SourceRef, rel.TargetRef = ind.ID, ip.ID
	return []stix.Object{ip, ind, rel}
}
