package pycti_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// workStart is the creation time of the first work of newWorksPlatform.
// Each following work is created one minute later.
var workStart = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

// newWorksPlatform starts a platform with two connectors and seven works,
// listed here oldest first. Works "a1" to "a5" belong to connector c-a and
// "b1" and "b2" to c-b. Completed works expect one object each and report
// it, "a4" with an error. It returns the server, a client and the work ids
// by name.
func newWorksPlatform(t *testing.T) (*pyctitest.Server, *pycti.Client, map[string]string) {
	t.Helper()
	var mu sync.Mutex
	now := workStart
	s, err := pyctitest.NewServer(pyctitest.WithClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	c, err := pycti.NewClient(s.URL, s.AdminToken(), fastRetry)
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	for _, id := range []string{"c-a", "c-b"} {
		_, err := c.RegisterConnector(ctx, pycti.Registration{ID: id, Name: "connector " + id,
			Type: pycti.ExternalImport})
		if err != nil {
			t.Fatal(err)
		}
	}

	steps := []struct {
		connector, name string
		// status is the status the steps lead to: "wait" (no call),
		// "progress" (received) or "complete" (received, processed and
		// one object reported).
		status  string
		errText string
	}{
		{"c-a", "a1", "complete", ""},
		{"c-b", "b1", "complete", ""},
		{"c-a", "a2", "progress", ""},
		{"c-a", "a3", "complete", ""},
		{"c-a", "a4", "complete", "bundle rejected"},
		{"c-b", "b2", "wait", ""},
		{"c-a", "a5", "wait", ""},
	}
	ids := map[string]string{}
	for i, st := range steps {
		mu.Lock()
		now = workStart.Add(time.Duration(i) * time.Minute)
		mu.Unlock()
		id, err := c.AddWork(ctx, st.connector, st.name)
		if err != nil {
			t.Fatal(err)
		}
		ids[st.name] = id
		if st.status == "wait" {
			continue
		}
		if err := c.WorkReceived(ctx, id, "received"); err != nil {
			t.Fatal(err)
		}
		if st.status == "progress" {
			continue
		}

		if err := c.AddExpectations(ctx, id, 1); err != nil {
			t.Fatal(err)
		}
		var werr *pycti.WorkError
		if st.errText != "" {
			werr = &pycti.WorkError{Message: st.errText, Source: "CONNECTOR"}
		}
		if err := c.ReportExpectation(ctx, id, werr); err != nil {
			t.Fatal(err)
		}
		if err := c.WorkProcessed(ctx, id, "done", false); err != nil {
			t.Fatal(err)
		}
	}
	return s, c, ids
}

func workNames(works []pycti.WorkStatus) []string {
	var names []string
	for _, w := range works {
		names = append(names, w.Name)
	}
	return names
}

// workNamed lists the works with the given name and returns the only one.
func workNamed(t *testing.T, c *pycti.Client, name string) pycti.WorkStatus {
	t.Helper()
	opts := pycti.ListOptions{Filters: pycti.AllOf(pycti.Where("name", name))}
	works := collect(t, c.Works().All(context.Background(), opts))
	if len(works) != 1 {
		t.Fatalf("listed %d works named %s, want 1", len(works), name)
	}
	return works[0]
}

func TestWorksOfConnectorPaged(t *testing.T) {
	s, c, _ := newWorksPlatform(t)
	s.ResetRequests()
	opts := pycti.ListOptions{Filters: pycti.AllOf(pycti.Where("connector_id", "c-a")), First: 2}
	works := collect(t, c.Works().All(context.Background(), opts))
	want := []string{"a5", "a4", "a3", "a2", "a1"}
	if got := workNames(works); !slices.Equal(got, want) {
		t.Errorf("works = %q, want %q (newest first)", got, want)
	}
	if n := s.OperationCounts()["Works"]; n != 3 {
		t.Errorf("Works requests = %d, want 3 pages of at most 2", n)
	}
	for _, w := range works {
		if w.ConnectorID != "c-a" {
			t.Errorf("work %s: ConnectorID = %q, want c-a", w.Name, w.ConnectorID)
		}
	}
}

func TestWorksByConnectorAndStatus(t *testing.T) {
	_, c, _ := newWorksPlatform(t)
	ctx := context.Background()
	filters := pycti.AllOf(pycti.Where("connector_id", "c-a"), pycti.Where("status", "complete"))
	first, err := c.Works().List(ctx, pycti.ListOptions{Filters: filters, First: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := workNames(first.Items); !slices.Equal(got, []string{"a4", "a3"}) {
		t.Errorf("first page = %q, want [a4 a3]", got)
	}
	if first.GlobalCount != 3 {
		t.Errorf("GlobalCount = %d, want 3", first.GlobalCount)
	}
	if !first.HasNextPage {
		t.Fatal("first page has no next page, want one")
	}
	second, err := c.Works().List(ctx, pycti.ListOptions{Filters: filters, First: 2,
		After: first.EndCursor})
	if err != nil {
		t.Fatal(err)
	}
	if got := workNames(second.Items); !slices.Equal(got, []string{"a1"}) {
		t.Errorf("second page = %q, want [a1]", got)
	}
	if second.HasNextPage {
		t.Error("second page claims a next page")
	}
}

func TestWorksStatusValues(t *testing.T) {
	_, c, _ := newWorksPlatform(t)
	opts := pycti.ListOptions{Filters: pycti.AllOf(pycti.Where("status", "wait", "progress")),
		First: 1}
	works := collect(t, c.Works().All(context.Background(), opts))
	if got := workNames(works); !slices.Equal(got, []string{"a5", "b2", "a2"}) {
		t.Errorf("waiting or running works = %q, want [a5 b2 a2]", got)
	}
}

func TestWorksOrderedOldestFirst(t *testing.T) {
	_, c, _ := newWorksPlatform(t)
	opts := pycti.ListOptions{Filters: pycti.AllOf(pycti.Where("connector_id", "c-b")),
		OrderBy: "timestamp", OrderMode: pycti.Ascending, First: 1}
	works := collect(t, c.Works().All(context.Background(), opts))
	if got := workNames(works); !slices.Equal(got, []string{"b1", "b2"}) {
		t.Errorf("works = %q, want [b1 b2]", got)
	}
}

func TestWorksFields(t *testing.T) {
	_, c, ids := newWorksPlatform(t)
	w := workNamed(t, c, "a4")
	created := workStart.Add(4 * time.Minute)

	if w.ID != ids["a4"] {
		t.Errorf("ID = %q, want %q", w.ID, ids["a4"])
	}
	if w.ConnectorID != "c-a" {
		t.Errorf("ConnectorID = %q, want c-a", w.ConnectorID)
	}
	if w.Status != "complete" {
		t.Errorf("Status = %q, want complete", w.Status)
	}
	if !w.Created.Equal(created) {
		t.Errorf("Created = %v, want %v", w.Created, created)
	}

	for name, got := range map[string]time.Time{"Received": w.Received,
		"Processed": w.Processed, "Completed": w.Completed} {
		if !got.Equal(created) {
			t.Errorf("%s = %v, want %v", name, got, created)
		}
	}

	if w.ExpectedObjects != 1 {
		t.Errorf("ExpectedObjects = %d, want 1", w.ExpectedObjects)
	}
	if w.ProcessedObjects != 1 {
		t.Errorf("ProcessedObjects = %d, want 1", w.ProcessedObjects)
	}
	wantErrors := []pycti.WorkError{{Message: "bundle rejected", Source: "CONNECTOR"}}
	if !slices.Equal(w.Errors, wantErrors) {
		t.Errorf("Errors = %v, want %v", w.Errors, wantErrors)
	}
}

func TestWorksWaitingHasZeroTimes(t *testing.T) {
	_, c, _ := newWorksPlatform(t)
	w := workNamed(t, c, "b2")
	if w.Status != "wait" {
		t.Errorf("Status = %q, want wait", w.Status)
	}
	for name, got := range map[string]time.Time{"Received": w.Received,
		"Processed": w.Processed, "Completed": w.Completed} {
		if !got.IsZero() {
			t.Errorf("%s = %v, want the zero time", name, got)
		}
	}
	if len(w.Errors) != 0 {
		t.Errorf("Errors = %v, want none", w.Errors)
	}
}

func TestWorksGet(t *testing.T) {
	_, c, ids := newWorksPlatform(t)
	ctx := context.Background()
	w, err := c.Works().Get(ctx, ids["b1"])
	if err != nil {
		t.Fatal(err)
	}
	if w.Name != "b1" {
		t.Errorf("Name = %q, want b1", w.Name)
	}
	if w.ConnectorID != "c-b" {
		t.Errorf("ConnectorID = %q, want c-b", w.ConnectorID)
	}
	if created := workStart.Add(time.Minute); !w.Created.Equal(created) {
		t.Errorf("Created = %v, want %v", w.Created, created)
	}
	read, err := c.Work(ctx, ids["b1"])
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(read, w) {
		t.Errorf("Work = %+v, Works().Get = %+v, want equal", read, w)
	}
	if _, err := c.Works().Get(ctx, "work_missing"); !errors.Is(err, pycti.ErrNotFound) {
		t.Errorf("Get of a missing work: error %v, want ErrNotFound", err)
	}
}

func TestWorksUnknownFilterKeyFails(t *testing.T) {
	_, c, _ := newWorksPlatform(t)
	opts := pycti.ListOptions{Filters: pycti.AllOf(pycti.Where("no_such_key", "x"))}
	_, err := c.Works().List(context.Background(), opts)
	if !errors.Is(err, pycti.ErrInvalidRequest) {
		t.Errorf("error %v, want one matching ErrInvalidRequest", err)
	}
}
