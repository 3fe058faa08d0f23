package connector

import (
	"context"
	"errors"
)

// RunLoop runs a connector that does not consume the listen queue, such
// as a stream connector or an external import connector with its own
// loop. Like [Connector.Run], it checks the platform and registers
// (retrying both), serves the metrics endpoint and pings every
// PingInterval with the connector state. Then it calls loop and waits for
// it. When loop returns, RunLoop stops pinging, makes a last attempt at
// queued work reports and returns loop's error, or nil when that error
// only reports that ctx ended. It returns nil at once when ctx ends before
// registration, and an error when the platform rejects the token, the
// registration or the URL as Run does. RunLoop, Run and [Connector.Schedule] may be called once
// in all.
func (c *Connector) RunLoop(ctx context.Context, loop func(ctx context.Context) error) error {
	if loop == nil {
		return errors.New("connector: nil loop function")
	}
	return c.runRegistered(ctx, true, true, loop)
}

// runRegistered claims the connector, registers it, optionally starts the
// ping loop, and runs fn. A connector that drives itself (selfDriven)
// only uses the broker to publish bundles, so the health check counts the
// broker as connected. A consuming connector reports its own connection.
func (c *Connector) runRegistered(ctx context.Context, ping, selfDriven bool,
	fn func(ctx context.Context) error) error {
	if !c.running.CompareAndSwap(false, true) {
		return errors.New("connector: Run, RunLoop or Schedule called twice")
	}
	defer c.metrics.setState(stateStopped)
	stopMetrics, err := c.serveMetrics()
	if err != nil {
		return err
	}
	defer stopMetrics()
	if ok, err := c.start(ctx); !ok {
		c.log.Info("connector stopped before registration")
		return err
	}
	if selfDriven {
		c.health.setBroker(true)
		c.metrics.setState(stateRunning)
		c.markReady()
	}
	pingDone := make(chan struct{})
	pingCtx, stopPing := context.WithCancel(ctx)
	if ping {
		go func() {
			defer close(pingDone)
			c.pingLoop(pingCtx)
		}()
	} else {
		close(pingDone)
	}
	err = fn(ctx)
	stopPing()
	<-pingDone
	c.flushReports()
	c.pub.close()
	c.log.Info("connector stopped")
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil
	}
	return err
}
