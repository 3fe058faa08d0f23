package pycti_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/opencti-go/sdk/pycti"
)

// platform serves canned answers by operation name, standing in for OpenCTI.
func platform(answers map[string]string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		for op, answer := range answers {
			if strings.Contains(string(body), `"operationName":"`+op+`"`) {
				io.WriteString(w, answer)
				return
			}
		}
		http.Error(w, "unexpected operation", http.StatusBadRequest)
	}))
}

func ExampleClient_Version() {
	srv := platform(map[string]string{"About": `{"data":{"about":{"version":"7.260817.0"}}}`})
	defer srv.Close()
	client, err := pycti.NewClient(srv.URL, "token")
	if err != nil {
		panic(err)
	}
	v, err := client.Version(context.Background())
	if err != nil {
		panic(err)
	}
	date, _ := v.ReleaseDate()
	fmt.Println(v, date.Format("2006-01-02"), v.AtLeast(6, 8, 9))
	// Output: 7.260817.0 2026-08-17 true
}

func ExampleCollection_All() {
	srv := platform(map[string]string{"StixCoreObjects": `{"data":{"stixCoreObjects":{` +
		`"edges":[{"node":{"id":"1","standard_id":"malware--8bdfdafe-f23b-55e8-9729-75341ca079cb",` +
		`"entity_type":"Malware","toStix":"{\"type\":\"malware\"}"}}],` +
		`"pageInfo":{"endCursor":"c1","hasNextPage":false,"globalCount":1}}}}`})
	defer srv.Close()
	client, _ := pycti.NewClient(srv.URL, "token")
	reader := client.AsApplicant("user-id")
	filters := pycti.AllOf(pycti.Where("entity_type", "Malware"))
	for obj, err := range reader.StixCoreObjects().All(context.Background(),
		pycti.ListOptions{Filters: filters}) {
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Println(obj.EntityType, obj.StandardID, string(obj.Stix))
	}
	// Output: Malware malware--8bdfdafe-f23b-55e8-9729-75341ca079cb {"type":"malware"}
}

func ExampleParseFilterGroup() {
	access := `{"mode":"and","filters":[{"key":"objectMarking","mode":"and",` +
		`"operator":"not_eq","values":["m-1"]}],"filterGroups":[]}`
	g, err := pycti.ParseFilterGroup([]byte(access))
	if err != nil {
		panic(err)
	}
	combined := pycti.And(pycti.IDs("id-1"), g)
	out, _ := combined.MarshalJSON()
	fmt.Println(string(out))
	// Output: {"mode":"and","filters":[],"filterGroups":[{"mode":"and","filters":[{"key":["ids"],"values":["id-1"],"operator":"eq","mode":"or"}],"filterGroups":[]},{"mode":"and","filters":[{"key":"objectMarking","values":["m-1"],"operator":"not_eq","mode":"and"}],"filterGroups":[]}]}
}

func ExampleStandardID() {
	malware, err := pycti.StandardID("Malware", map[string]any{"name": "Quillfeather"})
	if err != nil {
		panic(err)
	}
	address, _ := pycti.StandardID("IPv4-Addr", map[string]any{"value": "198.51.100.7"})
	report, _ := pycti.StandardID("Report", map[string]any{
		"name":      "Quarterly lure review",
		"published": time.Date(2024, 3, 5, 8, 0, 0, 0, time.UTC),
	})
	amber, _ := pycti.StandardID("Marking-Definition", map[string]any{
		"definition_type": "TLP", "definition": "TLP:AMBER"})
	uses, _ := pycti.RelationshipStandardID("communicates-with", malware, address,
		time.Time{}, time.Time{})
	fmt.Println(malware)
	fmt.Println(address)
	fmt.Println(report)
	fmt.Println(amber)
	fmt.Println(uses)
	// Output:
	// malware--8bdfdafe-f23b-55e8-9729-75341ca079cb
	// ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db
	// report--87d8a33c-32af-5392-8244-937218b7da5b
	// marking-definition--f88d31f6-486f-44da-b317-01333bde0b82
	// relationship--16307dde-dd94-56db-86f6-20e001d24915
}
