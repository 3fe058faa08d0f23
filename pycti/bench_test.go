package pycti

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkIterationPerPage measures the client's cost of one page of 500
// core objects (request encoding, response decoding, conversion and the
// iterator) against a loopback server that returns a prebuilt page.
func BenchmarkIterationPerPage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"data":{"stixCoreObjects":{"edges":[`)
	for i := range DefaultPageSize {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"node":{"id":"id-%d","standard_id":"malware--%08d-0000-4000-8000-000000000000",`+
			`"entity_type":"Malware","parent_types":["Basic-Object","Stix-Object","Stix-Core-Object"],`+
			`"toStix":"{\"type\":\"malware\",\"spec_version\":\"2.1\",\"name\":\"m%d\"}"}}`, i, i, i)
	}
	sb.WriteString(`],"pageInfo":{"endCursor":"c","hasNextPage":false,"globalCount":500}}}}`)
	page := []byte(sb.String())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(page)
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, "token")
	if err != nil {
		b.Fatal(err)
	}
	col := c.StixCoreObjects()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range col.All(context.Background(), ListOptions{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != DefaultPageSize {
			b.Fatalf("iterated %d items", n)
		}
	}
}
