package mqtest

import (
	"encoding/json"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// CloseConnections closes, with rabbitmqctl close_connection, every broker
// connection whose client-provided name contains nameContains, and returns
// how many it closed.
func CloseConnections(tb testing.TB, nameContains string) int {
	tb.Helper()
	out, err := exec.Command("rabbitmqctl", "-q", "list_connections", "name",
		"client_properties", "--formatter", "json").Output()
	if err != nil {
		tb.Fatalf("rabbitmqctl list_connections: %v", err)
	}
	var conns []struct {
		Name  string  `json:"name"`
		Props [][]any `json:"client_properties"`
	}
	if err := json.Unmarshal(out, &conns); err != nil {
		tb.Fatalf("parse rabbitmqctl output %q: %v", out, err)
	}
	pids := connectionPIDs(tb)
	closed := 0
	for _, c := range conns {
		if !strings.Contains(clientName(c.Props), nameContains) {
			continue
		}
		pid, ok := pids[c.Name]
		if !ok {
			continue // closed meanwhile
		}
		cmd := exec.Command("rabbitmqctl", "-q", "close_connection", pid, "closed by test")
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("rabbitmqctl close_connection %s: %v: %s", pid, err, out)
		}
		closed++
	}
	return closed
}

// connectionPIDs maps connection names to the process ids close_connection
// accepts, which only the text output of list_connections gives.
func connectionPIDs(tb testing.TB) map[string]string {
	tb.Helper()
	out, err := exec.Command("rabbitmqctl", "-q", "--no-table-headers", "list_connections",
		"pid", "name").Output()
	if err != nil {
		tb.Fatalf("rabbitmqctl list_connections: %v", err)
	}
	pids := map[string]string{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		pid, name, ok := strings.Cut(line, "\t")
		if ok {
			pids[name] = pid
		}
	}
	return pids
}

func clientName(props [][]any) string {
	for _, prop := range props {
		if len(prop) == 3 && prop[0] == "connection_name" {
			name, _ := prop[2].(string)
			return name
		}
	}
	return ""
}

// Proxy forwards TCP connections from a local port to the broker, and can
// simulate an outage: Down closes every connection and refuses new ones
// until Up. It is safe for concurrent use.
type Proxy struct {
	Addr   string
	target string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]struct{}
	up    bool
}

// NewProxy starts a proxy to target ("host:port") and stops it when the
// test ends.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	p := &Proxy{target: target, conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("proxy listen: %v", err)
	}
	p.Addr = ln.Addr().String()
	p.start(ln)
	tb.Cleanup(p.Down)
	return p
}

func (p *Proxy) start(ln net.Listener) {
	p.mu.Lock()
	p.ln, p.up = ln, true
	p.mu.Unlock()
	go p.accept(ln)
}

func (p *Proxy) accept(ln net.Listener) {
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		if !p.track(client, server) {
			return
		}
		go p.pipe(client, server)
		go p.pipe(server, client)
	}
}

func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.up {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

func (p *Proxy) pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// Down closes the listener and every forwarded connection.
func (p *Proxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.up {
		return
	}
	p.up = false
	p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Up listens again on the same address.
func (p *Proxy) Up(tb testing.TB) {
	tb.Helper()
	ln, err := net.Listen("tcp", p.Addr)
	if err != nil {
		tb.Fatalf("proxy listen again on %s: %v", p.Addr, err)
	}
	p.start(ln)
}
