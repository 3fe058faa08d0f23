package pycti

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestRawObjectsSendsFileSelection(t *testing.T) {
	node := `{"id":"m1","standard_id":"malware--8bdfdafe-f23b-55e8-9729-75341ca079cb",` +
		`"entity_type":"Malware","name":"Quillfeather"}`
	f := newFakePlatform(t, router(t, map[string]func(received) reply{
		"PyctiCoreObjects": func(r received) reply {
			return ok(`{"stixCoreObjects":{"edges":[{"node":` + node + `}],` +
				`"pageInfo":{"endCursor":"c1","hasNextPage":false,"globalCount":1}}}`)
		},
	}))
	c := f.client(t)
	var got []json.RawMessage
	ids := []string{"m1", "f1"}
	raw := c.RawObjects(RawFiles{All: true})
	for n, err := range raw.ByIDs(context.Background(), ids, ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if len(got) != 1 || string(got[0]) != node {
		t.Fatalf("nodes = %s, want the node as sent", got)
	}
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	vars := reqs[0].Variables
	if vars["withFiles"] != true || vars["legacyFiles"] != false {
		t.Errorf("file variables = %v, %v; want true, false", vars["withFiles"], vars["legacyFiles"])
	}
	if !strings.Contains(fmt.Sprint(vars["filters"]), "m1") {
		t.Errorf("filters %v do not name the ids", vars["filters"])
	}
}

func TestRawRelationshipReadsSendEnds(t *testing.T) {
	empty := `{"edges":[],"pageInfo":{"endCursor":"","hasNextPage":false,"globalCount":0}}`
	f := newFakePlatform(t, router(t, map[string]func(received) reply{
		"PyctiCoreRelationships": func(received) reply {
			return ok(`{"stixCoreRelationships":` + empty + `}`)
		},
		"PyctiSightingRelationships": func(received) reply {
			return ok(`{"stixSightingRelationships":` + empty + `}`)
		},
		"PyctiNestedRefRelationships": func(received) reply {
			return ok(`{"stixNestedRefRelationships":` + empty + `}`)
		},
	}))
	c := f.client(t)
	ctx := context.Background()

	if _, err := c.RawCoreRelationships(RawFiles{Legacy: true}).List(ctx,
		ListOptions{FromOrToID: []string{"e1"}}); err != nil {
		t.Fatal(err)
	}
	one := ListOptions{FromOrToID: []string{"e1"}}
	if _, err := c.RawSightingRelationships().List(ctx, one); err != nil {
		t.Fatal(err)
	}
	from := ListOptions{FromID: []string{"e1"}}
	if _, err := c.RawNestedRefRelationships().List(ctx, from); err != nil {
		t.Fatal(err)
	}

	reqs := f.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	if got := fmt.Sprint(reqs[0].Variables["fromOrToId"]); got != "[e1]" {
		t.Errorf("relationships fromOrToId = %s, want [e1]", got)
	}
	if reqs[0].Variables["legacyFiles"] != true {
		t.Errorf("relationships legacyFiles = %v, want true", reqs[0].Variables["legacyFiles"])
	}
	if got := reqs[1].Variables["fromOrToId"]; got != "e1" {
		t.Errorf("sightings fromOrToId = %v, want e1", got)
	}
	if got := reqs[2].Variables["fromId"]; got != "e1" {
		t.Errorf("nested refs fromId = %v, want e1", got)
	}

	_, err := c.RawSightingRelationships().List(ctx, ListOptions{FromOrToID: []string{"a", "b"}})
	if err == nil {
		t.Error("two sighting ends: no error")
	}
}

func TestExistingIDsKeysBothIDs(t *testing.T) {
	f := newFakePlatform(t, router(t, map[string]func(received) reply{
		"PyctiExistingIDs": func(r received) reply {
			return ok(`{"stixObjectOrStixRelationships":{"edges":[{"node":` +
				`{"id":"i1","standard_id":"indicator--2f3a4b5c-6d7e-4f80-8192-a3b4c5d6e7f8"}}],` +
				`"pageInfo":{"endCursor":"c","hasNextPage":false,"globalCount":1}}}`)
		},
	}))
	got, err := f.client(t).ExistingIDs(context.Background(), []string{"i1", "m1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !got["i1"] || !got["indicator--2f3a4b5c-6d7e-4f80-8192-a3b4c5d6e7f8"] {
		t.Errorf("found = %v, want i1 under both ids", got)
	}
	if got["m1"] {
		t.Error("m1 found, want missing")
	}
	query := f.requests()[0].Query
	if strings.Contains(query, "toStix") {
		t.Error("the existence check selects toStix")
	}
}
