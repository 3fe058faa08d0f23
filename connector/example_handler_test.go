package connector_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/opencti-go/sdk/connector"
)

// ExampleHandlerFunc writes an enrichment handler as a function and calls
// it the way Connector.Run does, with decoded messages. A lookup that timed
// out is worth retrying, so the handler wraps it with Retryable. Any other
// error would mark the work in error at once.
func ExampleHandlerFunc() {
	lookup := func(ctx context.Context, address string) (string, error) {
		if address == "203.0.113.9" {
			return "", context.DeadlineExceeded
		}
		return "AS64500", nil
	}
	handler := connector.HandlerFunc(func(ctx context.Context, msg *connector.Message) (
		string, error) {
		event := msg.Enrichment
		if event.EntityType != "IPv4-Addr" {
			return "nothing to do for " + event.EntityType, nil
		}
		var address struct{ Value string }
		if err := json.Unmarshal(event.StixEntity, &address); err != nil {
			return "", fmt.Errorf("read entity %s: %w", event.EntityID, err)
		}
		as, err := lookup(ctx, address.Value)
		if errors.Is(err, context.DeadlineExceeded) {
			return "", connector.Retryable(fmt.Errorf("look up %s: %w", address.Value, err))
		}
		if err != nil {
			return "", err
		}
		return address.Value + " is announced by " + as, nil
	})

	for _, value := range []string{"198.51.100.7", "203.0.113.9"} {
		body := fmt.Sprintf(`{"internal": {"work_id": "work-1"}, "event": {
			"event_type": "INTERNAL_ENRICHMENT", "entity_type": "IPv4-Addr",
			"entity_id": "ipv4-addr--0c5d1f33-9a52-5c7e-8f41-2b6d7e3a9c10",
			"stix_entity": "{\"type\": \"ipv4-addr\", \"value\": \"%s\"}"}}`, value)
		msg, err := connector.DecodeMessage([]byte(body), connector.TypeInternalEnrichment)
		if err != nil {
			panic(err)
		}
		text, err := handler.Handle(context.Background(), msg)
		var retry *connector.RetryableError
		fmt.Printf("%q, error %v, retryable %v\n", text, err, errors.As(err, &retry))
	}
	// Output:
	// "198.51.100.7 is announced by AS64500", error <nil>, retryable false
	// "", error retryable: look up 203.0.113.9: context deadline exceeded, retryable true
}
