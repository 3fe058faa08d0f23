package connector

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// backoff computes capped exponential delays with jitter: attempt n waits
// a random time between half and all of min(first·2ⁿ, max). It is not safe
// for concurrent use.
type backoff struct {
	first, max time.Duration
	attempt    int
}

func (b *backoff) next() time.Duration {
	d := b.first
	for i := 0; i < b.attempt && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	b.attempt++
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(half+1)
}

func (b *backoff) reset() { b.attempt = 0 }

// attemptLimiter caps how many attempts start in any sliding window: it
// keeps the start times of the last n attempts. It is not safe for
// concurrent use.
type attemptLimiter struct {
	n      int
	window time.Duration
	starts []time.Time
}

// wait returns how long to wait before the next attempt may start.
func (l *attemptLimiter) wait(now time.Time) time.Duration {
	if l.n <= 0 || len(l.starts) < l.n {
		return 0
	}
	oldest := l.starts[len(l.starts)-l.n]
	return max(0, oldest.Add(l.window).Sub(now))
}

// record notes that an attempt starts now.
func (l *attemptLimiter) record(now time.Time) {
	l.starts = append(l.starts, now)
	if len(l.starts) > l.n {
		l.starts = l.starts[len(l.starts)-l.n:]
	}
}

// sleep waits for d or until ctx is done, and reports whether the full
// delay passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// logLimiter lets at most 10 lines through per minute and counts the rest,
// for log lines a flood of bad input could repeat. It is safe for
// concurrent use.
type logLimiter struct {
	mu         sync.Mutex
	start      time.Time
	count      int
	suppressed int
}

// allow reports whether a line may be logged now, and how many were
// suppressed since the last line that was allowed.
func (l *logLimiter) allow(now time.Time) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.start) >= time.Minute {
		l.start, l.count = now, 0
	}
	if l.count >= 10 {
		l.suppressed++
		return false, 0
	}
	l.count++
	n := l.suppressed
	l.suppressed = 0
	return true, n
}
