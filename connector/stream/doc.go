// Package stream reads an OpenCTI live stream, the server-sent events the
// platform serves at /stream/<collection id>, /stream/live and /stream,
// for STREAM connectors.
//
// A [Client] connects with the connector's token and decodes every frame
// into an [Event]: create, update, delete and merge envelopes, and
// connected, heartbeat, consumer_metrics, no-recover and error frames.
// Frames of unknown names are passed on raw. It hands the events to a
// [Handler] one at a time, in the order the platform sent them. Reading and handling run apart,
// with a bounded queue between them, so a slow handler does not stall
// the connection.
//
// # Positions
//
// Event ids are "<milliseconds>-<sequence>" and several frames can share
// one id: the platform sends the objects an event references just before
// it, with its id. The client therefore counts a position as safe only
// when every frame up to it arrived: when a frame with a greater id, or a
// heartbeat, comes. It reconnects from the last safe position received
// (Last-Event-ID) and skips the frames it already has, so a dropped
// connection loses and repeats nothing.
//
// The position whose events were all handled is saved in the connector
// state, under pycti's keys start_from and recover_until, every
// [Options].CommitInterval and when Run returns, so a Go connector can
// take over the state of a Python one. A first start reads from
// Config.StartFrom ("0-0" by default) with a recovery up to
// Config.RecoverUntil (the start time by default): the platform first
// sends every matching object from its database, then the live events.
//
// # Failures
//
// A connection that ends, fails, answers a 5xx status or stays silent for
// [Options].IdleTimeout (no response headers, no frame, not even a
// heartbeat) is opened again with a backoff. An error frame also makes the
// client reconnect. A frame whose id or data cannot be decoded is logged
// at error level, counted in [Stats].Undecodable and skipped.
// Answers 401, 403, 404 and 410 end Run with a [*StatusError]. A handler
// error ends Run with a [*HandlerError]; unlike pycti's watchdog, a slow
// handler never kills the process.
//
// # Use with the connector framework
//
// A stream connector registers and pings with [connector.Connector.RunLoop]
// and passes the connector as the [StateStore]:
//
//	client, _ := connector.NewClient(cfg)
//	conn, _ := connector.New(cfg, connector.NewPlatform(client), connector.Options{})
//	streamCfg, _ := stream.LoadConfig(cfg)
//	reader, _ := stream.NewClient(streamCfg, stream.Options{State: conn})
//	err := conn.RunLoop(ctx, func(ctx context.Context) error {
//		return reader.Run(ctx, handler)
//	})
package stream
