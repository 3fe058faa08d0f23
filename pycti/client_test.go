package pycti

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestNewClientRejectsBadInput(t *testing.T) {
	for name, build := range map[string]func() (*Client, error){
		"no scheme":    func() (*Client, error) { return NewClient("opencti.example.org", "t") },
		"ftp scheme":   func() (*Client, error) { return NewClient("ftp://opencti.example.org", "t") },
		"empty token":  func() (*Client, error) { return NewClient("https://opencti.example.org", " ") },
		"credentials":  func() (*Client, error) { return NewClient("https://u:p@opencti.example.org", "t") },
		"no host name": func() (*Client, error) { return NewClient("http://:8080", "t") },
		"port too big": func() (*Client, error) { return NewClient("http://127.0.0.1:99999", "t") },
		"bad option": func() (*Client, error) {
			return NewClient("https://opencti.example.org", "t", WithTimeout(-1))
		},
		"http client with timeout": func() (*Client, error) {
			return NewClient("https://opencti.example.org", "t", WithHTTPClient(nil))
		},
		"reserved header": func() (*Client, error) {
			return NewClient("https://opencti.example.org", "t", WithHeader("Authorization", "x"))
		},
	} {
		if _, err := build(); err == nil {
			t.Errorf("%s: NewClient returned no error", name)
		}
	}
}

func TestApplicantHeaderOnlyOnReads(t *testing.T) {
	f := newFakePlatform(t, router(t, map[string]func(received) reply{
		"Me": func(received) reply {
			return ok(`{"me":{"id":"u","name":"n","user_email":"e","capabilities":[{"name":"KNOWLEDGE"}]}}`)
		},
		"WorkToReceived": func(received) reply { return ok(`{"workEdit":{"toReceived":"w"}}`) },
	}))
	c := f.client(t, WithHeader("X-Proxy-Key", "k"), WithUserAgent("test-agent"))
	view := c.AsApplicant("user-42")
	if _, err := view.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := view.WorkReceived(context.Background(), "w", "ready"); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if got := reqs[0].Header.Get(ApplicantHeader); got != "user-42" {
		t.Errorf("read applicant header = %q, want user-42", got)
	}
	if got := reqs[1].Header.Get(ApplicantHeader); got != "" {
		t.Errorf("work call applicant header = %q, want none", got)
	}
	for _, r := range reqs {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			t.Error("missing bearer token")
		}
		if r.Header.Get("X-Proxy-Key") != "k" || r.Header.Get("User-Agent") != "test-agent" {
			t.Errorf("headers = %v", r.Header)
		}
	}
	if c.Applicant() != "" || view.AsConnector().Applicant() != "" {
		t.Error("connector view carries an applicant")
	}
}

func TestGraphQLErrorBothForms(t *testing.T) {
	cases := map[string]struct {
		body     string
		sentinel error
	}{
		"code form": {`{"data":{"stixCoreObject":null},"errors":[{"message":"You are not allowed","path":["stixCoreObject"],` +
			`"extensions":{"code":"FORBIDDEN_ACCESS","data":{"http_status":403}}},{"message":"second"}]}`, ErrForbidden},
		"name form": {`{"data":null,"errors":[{"name":"AuthRequired","message":"You must be logged in",` +
			`"data":{"category":"technical"}}]}`, ErrUnauthorized},
		"not found": {`{"data":null,"errors":[{"message":"Resource not found",` +
			`"extensions":{"code":"RESOURCE_NOT_FOUND"}}]}`, ErrNotFound},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFakePlatform(t, func(received) reply { return reply{Status: 200, Body: tc.body} })
			_, err := f.client(t).StixCoreObjects().Get(context.Background(), "x")
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("error %v does not match %v", err, tc.sentinel)
			}
			gqlErr, ok := errors.AsType[*GraphQLError](err)
			if !ok {
				t.Fatalf("error %T is not a *GraphQLError", err)
			}
			if len(f.requests()) != 1 {
				t.Errorf("a GraphQL error was retried: %d requests", len(f.requests()))
			}
			if gqlErr.Errors[0].Code == "" || len(gqlErr.Errors[0].Data) == 0 && name != "not found" {
				t.Errorf("first entry lost its code or data: %+v", gqlErr.Errors[0])
			}
			if name == "code form" && (len(gqlErr.Errors) != 2 || len(gqlErr.Data) == 0 ||
				!strings.Contains(err.Error(), "at stixCoreObject")) {
				t.Errorf("errors, path or partial data lost: %+v", gqlErr)
			}
		})
	}
}

// GraphQL forbids a response with null data and no errors. Taken as
// success, it reads as an empty list or a missing element, so an export
// would upload an empty bundle.
func TestNullDataWithoutErrorsIsError(t *testing.T) {
	for _, body := range []string{`{"data":null}`, `{"data":null,"errors":[]}`,
		`{"errors":null,"data":null}`} {
		f := newFakePlatform(t, func(received) reply { return reply{Status: 200, Body: body} })
		c := f.client(t)
		_, err := c.StixCoreObjects().List(context.Background(), ListOptions{})
		if _, ok := errors.AsType[*HTTPError](err); !ok {
			t.Errorf("%s: list error = %v, want an *HTTPError", body, err)
		}
		_, err = c.StixCoreObjects().Get(context.Background(), "x")
		if _, ok := errors.AsType[*HTTPError](err); !ok || errors.Is(err, ErrNotFound) {
			t.Errorf("%s: get error = %v, want an *HTTPError, not ErrNotFound", body, err)
		}
	}
}

// An error entry without a message still reads as an error, with its
// code when it has one.
func TestGraphQLErrorWithoutMessage(t *testing.T) {
	for body, want := range map[string]string{
		`{"data":null,"errors":[{}]}`: "opencti: About: error without a message",
		`{"data":null,"errors":[{"extensions":{"code":"INTERNAL"}}]}`: "opencti: About: " +
			"INTERNAL: error without a message",
	} {
		f := newFakePlatform(t, func(received) reply { return reply{Status: 200, Body: body} })
		_, err := f.client(t).Version(context.Background())
		if _, ok := errors.AsType[*GraphQLError](err); !ok || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("%s: error = %v, want a *GraphQLError ending %q", body, err, want)
		}
	}
}

func TestHTMLErrorPageRetriedThenReported(t *testing.T) {
	f := newFakePlatform(t, func(received) reply {
		return reply{Status: 502, Header: map[string]string{"Content-Type": "text/html"},
			Body: "<html><body><h1>502 Bad Gateway</h1>" + strings.Repeat("x", 2000) + "</body></html>"}
	})
	_, err := f.client(t).Version(context.Background())
	httpErr, ok := errors.AsType[*HTTPError](err)
	if !ok {
		t.Fatalf("error %v is not an *HTTPError", err)
	}
	if httpErr.StatusCode != 502 || len(httpErr.Body) > maxErrorBody ||
		!strings.Contains(httpErr.Body, "Bad Gateway") {
		t.Errorf("http error = %+v", httpErr)
	}
	if n := len(f.requests()); n != 4 {
		t.Errorf("requests = %d, want 4 attempts", n)
	}
}

func TestUnauthorizedStatusMatchesSentinel(t *testing.T) {
	f := newFakePlatform(t, func(received) reply {
		return reply{Status: 401, Header: map[string]string{"Content-Type": "text/plain"}, Body: "no"}
	})
	_, err := f.client(t).Version(context.Background())
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("error %v does not match ErrUnauthorized", err)
	}
}

func TestNonIdempotentMutationNotRetried(t *testing.T) {
	f := newFakePlatform(t, func(received) reply {
		return reply{Status: 503, Header: map[string]string{"Content-Type": "text/plain"}, Body: "busy"}
	})
	if _, err := f.client(t).AddWork(context.Background(), "conn", "run"); err == nil {
		t.Fatal("AddWork succeeded against a 503")
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("workAdd sent %d times, want 1", n)
	}
}

func TestTokenNeverLoggedOrReported(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFakePlatform(t, func(received) reply {
		return reply{Status: 503, Header: map[string]string{"Content-Type": "text/plain"}, Body: "busy"}
	})
	c := f.client(t, WithLogger(logger))
	_, err := c.Version(context.Background())
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Errorf("error %v is missing or shows the token", err)
	}
	if !strings.Contains(logs.String(), "retrying graphql request") {
		t.Error("retries were not logged")
	}
	if strings.Contains(logs.String(), testToken) || strings.Contains(slogValue(c), testToken) {
		t.Error("the token appears in the logs")
	}
}

// A proxy or debugging endpoint may echo the request's Authorization header
// in its body. Errors quote bodies, so the token is masked there, in both
// HTTP and GraphQL errors and in file downloads.
func TestTokenEchoedByServerIsRedacted(t *testing.T) {
	for name, r := range map[string]reply{
		"http": {Status: 401, Header: map[string]string{"Content-Type": "text/plain"},
			Body: strings.Repeat("x", 450) + " Authorization: Bearer " + testToken},
		"graphql": {Status: 200, Body: `{"data":null,"errors":[{"message":"bad token ` +
			testToken + `","extensions":{"code":"AUTH_FAILURE","data":{"t":"` + testToken + `"}}}]}`},
	} {
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		f := newFakePlatform(t, func(received) reply { return r })
		c := f.client(t, WithLogger(logger))
		_, err := c.Version(context.Background())
		if err == nil || strings.Contains(fmt.Sprintf("%+v %#v", err, err), testToken[:12]) {
			t.Fatalf("%s: error %v is missing or shows the token", name, err)
		}
		if !strings.Contains(err.Error(), "[REDACTED]") {
			t.Errorf("%s: error %v does not show where the token was", name, err)
		}
		if !errors.Is(err, ErrUnauthorized) {
			t.Errorf("%s: error %v no longer matches ErrUnauthorized", name, err)
		}
		if strings.Contains(logs.String(), testToken) {
			t.Errorf("%s: the token appears in the logs", name)
		}
	}
	f := newFakePlatform(t, func(received) reply {
		return reply{Status: 500, Body: `{"error":"token ` + testToken + ` rejected"}`}
	})
	_, err := f.client(t).Download(context.Background(), "x")
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Errorf("download error %v is missing or shows the token", err)
	}
}

func slogValue(c *Client) string {
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("client", "token", c.core.token, "client", c)
	return b.String()
}

func TestVersionParsing(t *testing.T) {
	for in, want := range map[string]Version{
		"6.8.10": {6, 8, 10, "6.8.10"}, "7.260817.0": {7, 260817, 0, "7.260817.0"},
		"v5.12.33": {5, 12, 33, "v5.12.33"}, "6.9.0-rc1": {6, 9, 0, "6.9.0-rc1"},
	} {
		got, err := ParseVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "7", "6.x.1", "6.8"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) accepted", bad)
		}
	}
	v7, _ := ParseVersion("7.260817.0")
	if !v7.AtLeast(6, 8, 9) {
		t.Error("7.260817.0 is not at least 6.8.9")
	}
	if d, ok := v7.ReleaseDate(); !ok || d.Format("2006-01-02") != "2026-08-17" {
		t.Errorf("release date = %v %v", d, ok)
	}
}

func registerRoutes(t *testing.T, version, introspect string, register *received) map[string]func(received) reply {
	return map[string]func(received) reply{
		"About": func(received) reply { return ok(`{"about":{"version":"` + version + `"}}`) },
		"InputFields": func(r received) reply {
			if introspect == "" {
				return reply{Status: 400, Body: `{"errors":[{"message":"introspection disabled",` +
					`"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`}
			}
			if r.Variables["name"] == "ConnectorInfoInput" {
				return ok(`{"__type":{"name":"ConnectorInfoInput","inputFields":[]}}`)
			}
			return ok(`{"__type":{"name":"RegisterConnectorInput","inputFields":` + introspect + `}}`)
		},
		"RegisterConnector": func(r received) reply {
			*register = r
			return ok(`{"registerConnector":{"id":"c1","connector_state":"{\"a\":1}","connector_user_id":"u1",` +
				`"config":{"connection":{"host":"rabbitmq","vhost":"/","use_ssl":false,"port":5672,` +
				`"user":"mq","pass":"secret"},"listen":"listen_c1","listen_routing":"listen_routing_c1",` +
				`"listen_exchange":"amqp.connector.exchange","push":"push_c1","push_routing":"push_routing_c1",` +
				`"push_exchange":"amqp.worker.exchange"}}}`)
		},
	}
}

func TestRegisterConnectorVersionGates(t *testing.T) {
	reg := Registration{ID: "c1", Name: "Export", Type: InternalExportFile,
		Scope: []string{"application/vnd.oasis.stix+json"}, EnrichmentResolution: "none",
		XTMOneIntent: "x", Version: "1.0.0"}
	fields7 := `[{"name":"id"},{"name":"name"},{"name":"type"},{"name":"scope"},{"name":"auto"},` +
		`{"name":"auto_update"},{"name":"enrichment_resolution"},{"name":"only_contextual"},` +
		`{"name":"playbook_compatible"},{"name":"listen_callback_uri"},{"name":"xtm_one_intent"}]`
	cases := []struct {
		name, version, introspect string
		want, absent              []string
	}{
		{"introspected 7.x", "7.260817.0", fields7, []string{"xtm_one_intent", "auto_update",
			"playbook_compatible"}, []string{"version", "listen_callback_uri"}},
		{"fallback 6.8.10", "6.8.10", "", []string{"auto_update", "enrichment_resolution"},
			[]string{"xtm_one_intent", "version"}},
		{"fallback 6.4.0", "6.4.0", "", []string{"playbook_compatible", "only_contextual"},
			[]string{"auto_update", "enrichment_resolution", "xtm_one_intent"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got received
			f := newFakePlatform(t, router(t, registerRoutes(t, tc.version, tc.introspect, &got)))
			rc, err := f.client(t).AsApplicant("ignored").RegisterConnector(context.Background(), reg)
			if err != nil {
				t.Fatal(err)
			}
			input, _ := got.Variables["input"].(map[string]any)
			for _, k := range tc.want {
				if _, ok := input[k]; !ok {
					t.Errorf("input lacks %s: %v", k, input)
				}
			}
			for _, k := range tc.absent {
				if _, ok := input[k]; ok {
					t.Errorf("input carries %s: %v", k, input)
				}
			}
			if got.Header.Get(ApplicantHeader) != "" {
				t.Error("registration carried the applicant header")
			}
			if rc.UserID != "u1" || rc.Config.Listen != "listen_c1" || rc.Config.Connection.Pass != "secret" ||
				rc.State != `{"a":1}` || rc.Config.PushRouting != "push_routing_c1" {
				t.Errorf("registered = %+v", rc)
			}
		})
	}
}

func TestRegistrationInputSendsIntrospectedExtras(t *testing.T) {
	in := registrationInput(Registration{ID: "c", Name: "n", Type: Stream, Version: "1.2.0",
		Slug: "s"}, map[string]bool{"id": true, "version": true, "slug": true})
	if in["version"] != "1.2.0" || in["slug"] != "s" || len(in) != 3 {
		t.Errorf("input = %v", in)
	}
}

func TestBrokerPasswordNotLogged(t *testing.T) {
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "conn", BrokerConnection{Host: "h", Pass: "pw-secret"})
	if strings.Contains(b.String(), "pw-secret") {
		t.Errorf("log line shows the password: %s", b.String())
	}
}

func TestPingConnectorInfoGate(t *testing.T) {
	for _, modern := range []bool{true, false} {
		var pinged received
		// 7.x introspects and finds ConnectorInfoInput; 6.1.0 refuses
		// introspection and is older than the connectorInfo argument.
		routes := registerRoutes(t, "6.1.0", "", nil)
		if modern {
			routes = registerRoutes(t, "7.260817.0", `[{"name":"id"}]`, nil)
		}
		handler := func(r received) reply {
			pinged = r
			return ok(`{"pingConnector":{"id":"c1","connector_state":"null"}}`)
		}
		routes["PingConnector"], routes["PingConnectorLegacy"] = handler, handler
		c := newFakePlatform(t, router(t, routes)).client(t)
		p, err := c.PingConnector(context.Background(), "c1", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		wantOp := map[bool]string{true: "PingConnector", false: "PingConnectorLegacy"}[modern]
		if pinged.OpName != wantOp || pinged.Variables["state"] != "null" || p.ID != "c1" {
			t.Errorf("modern=%v: ping %s vars %v", modern, pinged.OpName, pinged.Variables)
		}
		if modern {
			info, _ := pinged.Variables["connectorInfo"].(map[string]any)
			if info["queue_threshold"] != 500.0 || info["next_run_datetime"] != nil {
				t.Errorf("connectorInfo = %v", info)
			}
		}
	}
}

func TestWorkCalls(t *testing.T) {
	var ops []string
	f := newFakePlatform(t, func(r received) reply {
		ops = append(ops, r.OpName)
		switch r.OpName {
		case "WorkAdd":
			return ok(`{"workAdd":{"id":"w9"}}`)
		case "StixBundlePush":
			return ok(`{"stixBundlePush":true}`)
		case "Work":
			return ok(`{"work":{"id":"w9","name":"n","status":"complete","received_time":null,` +
				`"processed_time":null,"completed_time":null,"tracking":{"import_expected_number":2,` +
				`"import_processed_number":2},"errors":[{"message":"bad","source":"CONNECTOR"}]}}`)
		}
		return ok(`{"workEdit":{"toReceived":"w9","toProcessed":"w9","ping":"w9",` +
			`"reportExpectation":"w9","addExpectations":"w9"}}`)
	})
	c := f.client(t).AsApplicant("someone")
	ctx := context.Background()
	id, err := c.AddWork(ctx, "conn", "run")
	steps := []error{err, c.WorkReceived(ctx, id, "ready"), c.PingWork(ctx, id),
		c.AddExpectations(ctx, id, 2), c.ReportExpectation(ctx, id, &WorkError{"bad", "CONNECTOR"}),
		c.ReportExpectation(ctx, id, nil), c.WorkProcessed(ctx, id, "Export done", false),
		c.PushBundle(ctx, "conn", `{"type":"bundle","objects":[]}`, id)}
	for i, err := range steps {
		if err != nil {
			t.Errorf("step %d: %v", i, err)
		}
	}
	ws, err := c.Work(ctx, id)
	if err != nil || ws.Status != "complete" || ws.ExpectedObjects != 2 || len(ws.Errors) != 1 {
		t.Errorf("work = %+v, %v", ws, err)
	}
	for _, r := range f.requests() {
		if r.Header.Get(ApplicantHeader) != "" {
			t.Errorf("%s carried the applicant header", r.OpName)
		}
	}
	reqs := f.requests()
	if reqs[5].Variables["error"] != nil {
		t.Errorf("ReportExpectation without error sent %v", reqs[5].Variables["error"])
	}
}

func TestDownloadStreamsAndReportsErrors(t *testing.T) {
	f := newFakePlatform(t, func(r received) reply {
		if strings.Contains(r.OpName, "missing") {
			return reply{Status: 503, Body: `{"status":"error","error":"File not found"}`}
		}
		return reply{Status: 200, Header: map[string]string{"Content-Type": "application/pdf"},
			Body: "%PDF-body:" + r.OpName}
	})
	c := f.client(t, WithRetry(RetryPolicy{MaxAttempts: 1}))
	body, err := c.AsApplicant("u").Download(context.Background(), "/storage/get/import/Report/r1/a b#1.pdf")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(body)
	body.Close()
	if string(got) != "%PDF-body:GET /storage/get/import/Report/r1/a%20b%231.pdf" {
		t.Errorf("body = %q", got)
	}
	if f.requests()[0].Header.Get(ApplicantHeader) != "u" {
		t.Error("download did not use the view's identity")
	}
	_, err = c.Download(context.Background(), "import/missing.pdf")
	httpErr, ok := errors.AsType[*HTTPError](err)
	if !ok || httpErr.StatusCode != 503 || httpErr.Body != "File not found" {
		t.Errorf("error = %v", err)
	}
}

func TestWritesSendValidOperations(t *testing.T) {
	f := newFakePlatform(t, func(r received) reply {
		switch {
		case strings.HasPrefix(r.OpName, "Delete"):
			return ok(`{"labelEdit":{"delete":"l1"}}`)
		case strings.HasPrefix(r.OpName, "Update"):
			return ok(`{"stixDomainObjectEdit":{"fieldPatch":{"id":"m1","standard_id":"malware--1","entity_type":"Malware"}}}`)
		}
		return ok(`{"x":{"id":"m1","standard_id":"malware--1","entity_type":"Malware"}}`)
	})
	c := f.client(t)
	ctx := context.Background()
	ref, err := c.Create(ctx, KindMalware, map[string]any{"name": "Quillfeather", "is_family": false})
	if err != nil || ref.StandardID != "malware--1" {
		t.Fatalf("create = %+v, %v", ref, err)
	}
	if _, err := c.Create(ctx, KindRelationship, map[string]any{"fromId": "a", "toId": "b",
		"relationship_type": "uses"}); err != nil {
		t.Fatal(err)
	}
	score := 50
	if _, err := c.CreateObservable(ctx, Observable{Type: "IPv4-Addr", Score: &score,
		Fields: map[string]any{"value": "198.51.100.7"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Update(ctx, EditStixDomainObject, "m1", FieldEdit{Key: "description",
		Values: []any{"x"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, EditLabel, "l1"); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if in, _ := reqs[0].Variables["input"].(map[string]any); in["is_family"] != false {
		t.Errorf("is_family false was not sent: %v", reqs[0].Variables)
	}
	if ip, _ := reqs[2].Variables["IPv4Addr"].(map[string]any); ip["value"] != "198.51.100.7" {
		t.Errorf("observable variables = %v", reqs[2].Variables)
	}
	if _, err := c.Create(ctx, KindMalware, "not an object"); err == nil {
		t.Error("a string input was accepted")
	}
	if _, err := c.CreateObservable(ctx, Observable{Type: "Nope"}); err == nil {
		t.Error("an unknown observable type was accepted")
	}
}

func TestRelationshipsCarryEnds(t *testing.T) {
	f := newFakePlatform(t, func(r received) reply {
		return ok(`{"stixCoreRelationships":{"edges":[{"node":{"id":"r1","standard_id":"relationship--1",` +
			`"entity_type":"stix-core-relationship","relationship_type":"uses","fromId":"a","fromType":"Malware",` +
			`"toId":"b","toType":"Attack-Pattern","toStix":"{\"type\":\"relationship\"}",` +
			`"from":{"__typename":"Malware","id":"a","standard_id":"malware--a","entity_type":"Malware",` +
			`"toStix":"{\"type\":\"malware\"}"},"to":null}}],` +
			`"pageInfo":{"endCursor":"e","hasNextPage":false,"globalCount":1}}}`)
	})
	p, err := f.client(t).StixCoreRelationships().List(context.Background(),
		ListOptions{FromOrToID: []string{"a"}, RelationshipTypes: []string{"uses"}})
	if err != nil {
		t.Fatal(err)
	}
	r := p.Items[0]
	if r.From == nil || string(r.From.Stix) != `{"type":"malware"}` || r.To != nil || r.ToType != "Attack-Pattern" {
		t.Errorf("relationship = %+v", r)
	}
	vars := f.requests()[0].Variables
	if ids, _ := json.Marshal(vars["fromOrToId"]); string(ids) != `["a"]` {
		t.Errorf("fromOrToId = %s", ids)
	}
	if _, ok := vars["search"]; ok {
		t.Error("an empty search was sent")
	}
}

// A 400 whose body is not GraphQL, such as a proxy's or a CSRF guard's
// plain text, matches ErrInvalidRequest and is not retried.
func TestHTTP400IsInvalidRequest(t *testing.T) {
	f := newFakePlatform(t, func(received) reply {
		return reply{Status: 400, Header: map[string]string{"Content-Type": "text/plain"},
			Body: "This operation has been blocked as a potential Cross-Site Request Forgery."}
	})
	_, err := f.client(t).Version(context.Background())
	if _, ok := errors.AsType[*HTTPError](err); !ok || !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("error = %v, want an *HTTPError matching ErrInvalidRequest", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests sent, want 1", n)
	}
}
