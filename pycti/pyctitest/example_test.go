package pyctitest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"net/http"

	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// Example starts a platform, seeds one malware and reads it back over
// GraphQL as the administrator.
func Example() {
	s, err := pyctitest.NewServer()
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	bundle := `{"type": "bundle", "id": "bundle--1", "objects": [{"type": "malware",
		"spec_version": "2.1", "id": "malware--8bdfdafe-f23b-55e8-9729-75341ca079cb",
		"name": "Quillfeather", "is_family": true,
		"created": "2024-03-05T08:01:12.345Z", "modified": "2024-03-06T10:00:00.000Z"}]}`
	if _, err := s.SeedBundle([]byte(bundle)); err != nil {
		log.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"query": `query About { about { version } }`})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.AdminToken())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			About struct{ Version string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Data.About.Version, s.OperationCounts()["About"])
	// Output: 7.260817.0 1
}
