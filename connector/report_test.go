package connector_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/opencti-go/sdk/connector"
)

// A text longer than MaxReportLen is cut at a rune boundary, so a
// three-byte rune that straddles the limit is dropped whole.
func TestTruncateReportCutsAtRune(t *testing.T) {
	text := strings.Repeat("a", connector.MaxReportLen-4) + strings.Repeat("€", 10)

	got := connector.TruncateReport(text)

	if len(got) > connector.MaxReportLen {
		t.Errorf("length %d, want at most %d", len(got), connector.MaxReportLen)
	}
	if !utf8.ValidString(got) {
		t.Error("result is not valid UTF-8")
	}
	if !strings.HasSuffix(got, "…") {
		t.Errorf("result ends with %q, want …", got[len(got)-8:])
	}
	if short := "export failed: x"; connector.TruncateReport(short) != short {
		t.Errorf("short text changed to %q", connector.TruncateReport(short))
	}
}

// CallHandler turns a panic into a *PanicError that keeps the value and the
// stack, and passes a returned error through unchanged.
func TestCallHandlerRecoversPanic(t *testing.T) {
	panicking := connector.HandlerFunc(func(context.Context, *connector.Message) (string, error) {
		panic("nil map")
	})

	_, err := connector.CallHandler(context.Background(), panicking, &connector.Message{})

	perr, ok := errors.AsType[*connector.PanicError](err)
	if !ok {
		t.Fatalf("error = %v, want a *PanicError", err)
	}
	if perr.Value != "nil map" {
		t.Errorf("panic value = %v, want nil map", perr.Value)
	}
	if !strings.Contains(string(perr.Stack), "TestCallHandlerRecoversPanic") {
		t.Errorf("stack does not name the panicking test:\n%s", perr.Stack)
	}
	if !strings.Contains(err.Error(), "nil map") {
		t.Errorf("error text %q does not name the panic value", err.Error())
	}

	failed := errors.New("read entity: not found")
	failing := connector.HandlerFunc(func(context.Context, *connector.Message) (string, error) {
		return "", failed
	})
	_, err = connector.CallHandler(context.Background(), failing, &connector.Message{})
	if !errors.Is(err, failed) {
		t.Errorf("error = %v, want the handler's own error", err)
	}
	if _, ok := errors.AsType[*connector.PanicError](err); ok {
		t.Error("a returned error is reported as a panic")
	}
}

// The framework cuts a long handler error to MaxReportLen before it
// reports the work in error.
func TestRunLongErrorReportTruncated(t *testing.T) {
	_, call := reportOfFailure(t, errors.New(strings.Repeat("finding; ", 1000)))

	if !call.InError {
		t.Error("report not in error")
	}
	if len(call.Message) > connector.MaxReportLen {
		t.Errorf("report length %d, want at most %d", len(call.Message), connector.MaxReportLen)
	}
	if !strings.HasSuffix(call.Message, "…") {
		t.Errorf("report does not end with …: %q", call.Message[len(call.Message)-20:])
	}
}
