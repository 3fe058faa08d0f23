package connector

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

// stateStore holds the connector state as JSON text. version grows with
// each local change, so that a ping answer computed from an older state
// does not overwrite a newer one.
type stateStore struct {
	mu      sync.Mutex
	text    string
	version uint64
}

func (s *stateStore) set(text string) {
	s.mu.Lock()
	s.text, s.version = text, s.version+1
	s.mu.Unlock()
}

func (s *stateStore) get() (string, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.text, s.version
}

// replaceIf sets text only when no local change happened since version.
func (s *stateStore) replaceIf(version uint64, text string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.version != version {
		return false
	}
	s.text, s.version = text, s.version+1
	return true
}

// State returns the connector state: the JSON object stored on the
// platform, as read at registration or set since. It returns nil when no
// state is stored or the stored text is not a non-empty JSON object, as
// pycti's get_state does.
func (c *Connector) State() map[string]any {
	text, _ := c.state.get()
	return parseState(text)
}

// SetState replaces the connector state in memory. The next ping (within
// the ping interval) sends it to the platform; use [Connector.SaveState]
// to send it at once. A nil map clears the state.
func (c *Connector) SetState(state map[string]any) error {
	if state == nil {
		c.state.set("")
		return nil
	}
	data, err := json.Marshal(state)
	if err != nil {
		return fmt.Errorf("encode connector state: %w", err)
	}
	c.state.set(string(data))
	return nil
}

// SaveState sets the state and sends it to the platform with an immediate
// ping, so a crash right after cannot lose it. It needs a registered
// connector.
func (c *Connector) SaveState(ctx context.Context, state map[string]any) error {
	if err := c.SetState(state); err != nil {
		return err
	}
	if _, ok := c.Registration(); !ok {
		return fmt.Errorf("save connector state: connector not registered yet")
	}
	return c.ping(ctx)
}

// RefreshState reads the stored state back from the platform (query
// connector { connector_state }) and replaces the local one.
func (c *Connector) RefreshState(ctx context.Context) error {
	text, err := c.platform.ConnectorState(ctx, c.cfg.ID)
	if err != nil {
		return fmt.Errorf("read state of connector %s: %w", c.cfg.ID, err)
	}
	c.state.set(text)
	return nil
}

// stateIsObject reports whether text is a JSON object, null or empty: a
// state that [Connector.State] can return.
func stateIsObject(text string) bool {
	var v any
	if strings.TrimSpace(text) == "" {
		return true
	}
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return false
	}
	_, isObject := v.(map[string]any)
	return isObject || v == nil
}

func parseState(text string) map[string]any {
	if text == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil || len(m) == 0 {
		return nil
	}
	return m
}

// pingLoop pings the platform at once and then every PingInterval until ctx
// ends. A failed ping is logged and counted, never fatal. Each tick also
// retries queued work reports.
func (c *Connector) pingLoop(ctx context.Context) {
	t := time.NewTicker(c.opts.PingInterval)
	defer t.Stop()
	for {
		if err := c.ping(ctx); err != nil && ctx.Err() == nil {
			c.log.Warn("connector ping failed", "error", err)
		}
		c.retryReports(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ping sends pingConnector with the current state. When the platform
// answers with a different state (an operator reset it), the local state
// is replaced, as pycti does.
func (c *Connector) ping(ctx context.Context) error {
	text, version := c.state.get()
	sent := text
	if sent == "" {
		sent = "null"
	}
	res, err := c.platform.PingConnector(ctx, PingInput{
		ID: c.cfg.ID, State: sent,
		Info: c.connectorInfo(),
	})
	now := time.Now()
	if err != nil {
		c.metrics.pingAPIErrors.Inc()
		c.health.pinged(false, now)
		return fmt.Errorf("ping connector %s: %w", c.cfg.ID, err)
	}
	c.metrics.pingAPI.Inc()
	c.health.pinged(true, now)
	if !sameState(text, res.ConnectorState) && c.state.replaceIf(version, res.ConnectorState) {
		c.log.Info("connector state reset remotely", "state", res.ConnectorState)
	}
	return nil
}

// sameState compares two state texts as JSON values; "", "null" and "{}"
// all mean no state.
func sameState(a, b string) bool {
	pa, pb := parseState(a), parseState(b)
	if pa == nil || pb == nil {
		return pa == nil && pb == nil
	}
	return reflect.DeepEqual(pa, pb)
}
