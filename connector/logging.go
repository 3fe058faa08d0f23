package connector

import (
	"io"
	"log/slog"
	"time"
)

// NewLogHandler builds the handler a connector command logs through: JSON
// lines when jsonLines is true (OPENCTI_JSON_LOGGING), text otherwise, at
// the given level (CONNECTOR_LOG_LEVEL). JSON lines carry pycti's keys:
// "timestamp" (UTC, ISO 8601 with microseconds and Z), "level" (upper
// case) and "message"; durations are strings rounded to the millisecond,
// such as "1.5s". The framework itself never builds a handler; the command
// calls this and passes the logger down.
func NewLogHandler(w io.Writer, jsonLines bool, level slog.Leveler) slog.Handler {
	opts := &slog.HandlerOptions{Level: level}
	if !jsonLines {
		return slog.NewTextHandler(w, opts)
	}
	opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
		if a.Value.Kind() == slog.KindDuration {
			// slog's JSON handler writes a duration as integer nanoseconds;
			// "1.5s" reads better in a log viewer.
			return slog.String(a.Key, a.Value.Duration().Round(time.Millisecond).String())
		}
		if len(groups) > 0 {
			return a
		}
		switch a.Key {
		case slog.TimeKey:
			t := a.Value.Time().UTC()
			return slog.String("timestamp", t.Format("2006-01-02T15:04:05.000000Z"))
		case slog.MessageKey:
			a.Key = "message"
		}
		return a
	}
	return slog.NewJSONHandler(w, opts)
}

// NewLogger returns a logger for the connector named name, built from the
// configuration's JSONLogging and LogLevel, writing to w. Each line carries
// "name", as pycti's logger name does.
func NewLogger(w io.Writer, cfg *Config) *slog.Logger {
	return slog.New(NewLogHandler(w, cfg.JSONLogging, cfg.LogLevel)).With("name", cfg.Name)
}

// discardLogger returns l, or a logger that drops everything when l is nil.
func discardLogger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
