package connector

import (
	"errors"
	"fmt"
	"strings"
)

// ErrWorkNotFound is wrapped by [Platform.Work] when the work does not exist.
var ErrWorkNotFound = errors.New("work not found")

// ErrInvalidMessage is wrapped by every [MessageError].
var ErrInvalidMessage = errors.New("invalid message")

// ErrNothingToSend is returned by [Connector.SendBundle] when the bundle has
// no object left to send.
var ErrNothingToSend = errors.New("bundle has no object to send")

// ConfigError reports one invalid configuration value. LoadConfig joins
// several of them with errors.Join.
type ConfigError struct {
	// Env is the environment variable name, for example "CONNECTOR_ID".
	Env string
	// YAML is the config.yml path, for example "connector.id".
	YAML string
	// Reason is what is wrong and what to do.
	Reason string
}

// Error returns "config CONNECTOR_ID (connector.id): <reason>".
func (e *ConfigError) Error() string {
	if e.YAML == "" {
		return fmt.Sprintf("config %s: %s", e.Env, e.Reason)
	}
	return fmt.Sprintf("config %s (%s): %s", e.Env, e.YAML, e.Reason)
}

// MessageError reports a message the framework cannot hand to a handler:
// a body that is not JSON, or an envelope or event with missing or invalid
// fields. Such a message is removed from the queue and its work, when the
// id is readable, is marked in error.
type MessageError struct {
	// WorkID is the work named by the message, or "" when unreadable.
	WorkID string
	// Reason is what is wrong.
	Reason string
}

// Error returns "invalid message: <reason>".
func (e *MessageError) Error() string {
	return "invalid message: " + e.Reason
}

// Unwrap returns [ErrInvalidMessage].
func (e *MessageError) Unwrap() error { return ErrInvalidMessage }

// RetryableError marks a handler failure as temporary: the message goes
// back to the queue instead of its work being marked in error. Build it
// with [Retryable].
type RetryableError struct {
	Err error
}

// Error returns the message of the wrapped error.
func (e *RetryableError) Error() string { return "retryable: " + e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *RetryableError) Unwrap() error { return e.Err }

// Retryable marks err as temporary. A handler that returns it gets the
// message again later, at most [Options.MaxRetries] times per work in this
// process. After that the work is marked in error. Any other error is
// permanent: the work is marked in error at once and the message removed.
// Retryable(nil) returns nil.
func Retryable(err error) error {
	if err == nil {
		return nil
	}
	return &RetryableError{Err: err}
}

// PublishError reports a bundle that could not be published to the worker
// queue within the retry budget.
type PublishError struct {
	Sent     int   // split bundles the broker confirmed before the failure
	Total    int   // split bundles to publish
	Attempts int   // publish attempts made, Options.PublishAttempts
	Err      error // the error of the last attempt
}

// Error names how far publishing got.
func (e *PublishError) Error() string {
	return fmt.Sprintf("publish bundle: %d of %d messages confirmed after %d attempts: %v",
		e.Sent, e.Total, e.Attempts, e.Err)
}

// Unwrap returns the last publishing error.
func (e *PublishError) Unwrap() error { return e.Err }

// ellipsis ends a text that truncate shortened.
const ellipsis = "…"

// truncate shortens s to at most n bytes, ellipsis included, cut at a rune
// boundary, for messages shown to users on a work. n must be at least
// len(ellipsis).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := max(n-len(ellipsis), 0)
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + ellipsis
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
