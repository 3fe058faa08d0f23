package pyctitest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentReadsAndWrites runs queries, mutations, seeding and
// inspection from many goroutines; run it with -race.
func TestConcurrentReadsAndWrites(t *testing.T) {
	s := newAccessServer(t)
	mustNoErrors(t, gql(t, s, "tok-connector", "", registerMutation, registerInput("c-conc")))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				switch (i + j) % 4 {
				case 0:
					mustNoErrors(t, gql(t, s, "tok-analyst", "", coreObjectsQuery, nil))
				case 1:
					mustNoErrors(t, gql(t, s, "tok-connector", "", `mutation { workAdd(connectorId: "c-conc") { id } }`, nil))
				case 2:
					name := fmt.Sprintf("Concurrent %d-%d", i, j)
					mustNoErrors(t, gql(t, s, s.AdminToken(), "", `mutation M($n: String!) { malwareAdd(input: {name: $n}) { id toStix } }`,
						map[string]any{"n": name}))
				case 3:
					_ = s.Works()
					_ = s.Files()
					_ = s.OperationCounts()
				}
			}
		}()
	}
	wg.Wait()
	if n := len(s.Works()); n == 0 {
		t.Error("no work recorded")
	}
}

func TestFaultsInjectStatusesAndLog(t *testing.T) {
	s := newAccessServer(t)
	s.SetFaults(Faults{Operations: []string{"About"}})
	s.FailNext(Fault502, 1)
	s.FailNext(FaultGraphQLError, 1)
	post := func() (*http.Response, error) {
		req := gqlRequest(s, s.AdminToken(), `query About { about { version } }`)
		return http.DefaultClient.Do(req)
	}
	resp, err := post()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("first status = %d, want 502", resp.StatusCode)
	}
	r := gql(t, s, s.AdminToken(), "", `query About { about { version } }`, nil)
	if errorCode(r) != "DATABASE_ERROR" {
		t.Errorf("second answer = %s, want an injected DATABASE_ERROR", r.Raw)
	}
	mustNoErrors(t, gql(t, s, s.AdminToken(), "", `query About { about { version } }`, nil))
	mustNoErrors(t, gql(t, s, s.AdminToken(), "", `query Other { about { version } }`, nil))
	s.FailNext(FaultDrop, 1)
	if resp, err := post(); err == nil {
		resp.Body.Close()
		t.Error("dropped connection answered")
	}
	s.SetFaults(Faults{Latency: 50 * time.Millisecond})
	start := time.Now()
	mustNoErrors(t, gql(t, s, s.AdminToken(), "", `query About { about { version } }`, nil))
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("request took %v, want at least the 50 ms latency", d)
	}
	s.SetFaults(Faults{RateTimeout: 1, TimeoutHold: 20 * time.Millisecond})
	resp, err = post()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("timeout status = %d, want 504", resp.StatusCode)
	}
	counts := s.OperationCounts()
	if counts["About"] != 6 || counts["Other"] != 1 {
		t.Errorf("operation counts = %v, want About 6 and Other 1", counts)
	}
}

func gqlRequest(s *Server, token, query string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql",
		strings.NewReader(`{"query":`+quote(query)+`}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// TestRequestLoggedBeforeResponse checks that a request is in the log as
// soon as its client has read the response, for normal responses and
// injected faults alike, because tests count requests right after the call
// that made them.
func TestRequestLoggedBeforeResponse(t *testing.T) {
	s := newAccessServer(t)
	post := func() int {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql",
			strings.NewReader(`{"query": "query About { about { version } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer tok-analyst")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	// Clients run in parallel so that the server still has handlers running
	// when a response arrives. Each request whose response was read must be
	// logged.
	var answered atomic.Int64
	check := func(want int) {
		if status := post(); status != want {
			t.Errorf("status %d, want %d", status, want)
			return
		}
		a := answered.Add(1)
		if n := s.OperationCounts()["About"]; int64(n) < a {
			t.Errorf("after %d answered requests the log holds %d", a, n)
		}
	}
	for _, want := range []int{http.StatusOK, http.StatusBadGateway} {
		if want == http.StatusBadGateway {
			s.SetFaults(Faults{Rate502: 1})
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 50 {
					check(want)
				}
			})
		}
		wg.Wait()
	}
}
