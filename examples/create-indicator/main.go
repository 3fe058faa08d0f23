// Command create-indicator creates a STIX indicator on an OpenCTI platform
// and links it to a malware with an "indicates" relationship.
//
// Usage:
//
//	export OPENCTI_URL=https://opencti.example.org OPENCTI_TOKEN=<api token>
//	create-indicator -pattern "[domain-name:value = 'beacon.example']" -malware Driftwood
//
// Before it sends anything, it parses the pattern and computes the
// indicator's standard id locally with pycti.StandardID. The platform
// derives the same id from the pattern, so a connector can reference an
// indicator in a bundle before the indicator exists. The program checks
// that the id the platform returns is the same.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/stix/pattern"
)

func main() {
	var in indicator
	flag.StringVar(&in.pattern, "pattern", "", "STIX pattern of the indicator (required)")
	flag.StringVar(&in.name, "name", "", "name of the indicator; the pattern by default")
	flag.StringVar(&in.malware, "malware", "",
		"name of the malware the indicator indicates (required); created when missing")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	url, token := os.Getenv("OPENCTI_URL"), os.Getenv("OPENCTI_TOKEN")
	if url == "" || token == "" {
		fmt.Fprintln(os.Stderr, "create-indicator: set OPENCTI_URL and OPENCTI_TOKEN "+
			"to the platform's base URL and an API token")
		os.Exit(2)
	}
	client, err := pycti.NewClient(url, token)
	if err == nil {
		err = run(ctx, os.Stdout, client, in)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "create-indicator:", err)
		os.Exit(1)
	}
}

// indicator is the input of run: the indicator and the malware it indicates.
type indicator struct {
	pattern string // STIX pattern, such as "[ipv4-addr:value = '198.51.100.7']"
	name    string // indicator name; "" means the pattern
	malware string // name of the malware the indicator indicates
}

// run creates the indicator, or finds it when one with the same pattern
// exists, then the malware and the relationship between them, and writes
// each element's standard id to w.
func run(ctx context.Context, w io.Writer, client *pycti.Client, in indicator) error {
	if in.pattern == "" || in.malware == "" {
		return fmt.Errorf("missing -pattern or -malware: set both")
	}
	// Catch a typo here rather than in a platform error.
	if _, err := pattern.Parse(in.pattern); err != nil {
		return fmt.Errorf("invalid pattern %q: %w", in.pattern, err)
	}
	if in.name == "" {
		in.name = in.pattern
	}

	// The platform's standard id of an indicator depends on its pattern only.
	localID, err := pycti.StandardID("Indicator", map[string]any{"pattern": in.pattern})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "indicator id computed locally: %s\n", localID)
	created, err := client.Create(ctx, pycti.KindIndicator, pycti.IndicatorInput{
		Name: in.name, Pattern: in.pattern, PatternType: "stix"})
	if err != nil {
		return fmt.Errorf("create indicator: %w", err)
	}
	fmt.Fprintf(w, "indicator id from the platform:  %s\n", created.StandardID)
	if created.StandardID != localID {
		return fmt.Errorf("the platform's id %s differs from the local id %s",
			created.StandardID, localID)
	}

	// Create upserts, so an existing malware of that name is returned as is.
	malware, err := client.Create(ctx, pycti.KindMalware, pycti.MalwareInput{Name: in.malware})
	if err != nil {
		return fmt.Errorf("create malware %q: %w", in.malware, err)
	}
	fmt.Fprintf(w, "malware %q: %s\n", in.malware, malware.StandardID)

	rel, err := client.Create(ctx, pycti.KindRelationship, pycti.RelationshipInput{
		RelationshipType: "indicates", FromID: created.ID, ToID: malware.ID})
	if err != nil {
		return fmt.Errorf("create relationship: %w", err)
	}
	fmt.Fprintf(w, "relationship indicates: %s\n", rel.StandardID)
	return nil
}
