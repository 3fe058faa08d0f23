package stream_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/opencti-go/sdk/connector/stream"
)

func ExampleClient_Run() {
	// A platform that sends one event and a heartbeat.
	platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		fmt.Fprint(w, "id: 1772446530120-0\nevent: create\n"+
			`data: {"version":"4","type":"create","message":"creates a malware","origin":{},`+
			`"data":{"id":"malware--0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f","type":"malware"}}`+"\n\n"+
			"id: 1772446535000-0\nevent: heartbeat\ndata: \"2026-03-02T10:15:35.000Z\"\n\n")
	}))
	defer platform.Close()

	client, err := stream.NewClient(stream.Config{URL: platform.URL, Token: "token",
		StreamID: "live", RecoverUntil: "false"}, stream.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	_ = client.Run(ctx, stream.HandlerFunc(func(_ context.Context, ev *stream.Event) error {
		switch ev.Name {
		case stream.Create, stream.Update, stream.Delete, stream.Merge:
			fmt.Println(ev.Name, ev.Change.ObjectID)
		case stream.Heartbeat:
			fmt.Println("heartbeat at", ev.ID)
			stop()
		}
		return nil
	}))
	// Output:
	// create malware--0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
	// heartbeat at 1772446535000-0
}
