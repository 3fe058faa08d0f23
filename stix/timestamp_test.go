package stix_test

import (
	"cmp"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opencti-go/sdk/stix"
)

func TestParseTimestampKeepsDigits(t *testing.T) {
	for _, s := range []string{
		"2023-03-01T10:00:00Z", "2023-03-01T10:00:00.1Z", "2023-03-01T10:00:00.100Z",
		"2023-03-01T10:00:00.123456Z", "2023-03-01T10:00:00.000000001Z",
		"2024-02-29T23:59:59.999999999Z", "0001-01-01T00:00:00Z",
	} {
		ts, err := stix.ParseTimestamp(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if ts.String() != s {
			t.Errorf("%s written back as %s", s, ts.String())
		}
		if ts.IsZero() {
			t.Errorf("%s is taken as absent", s)
		}
	}
}

func TestParseTimestampRejects(t *testing.T) {
	for _, s := range []string{
		"", "2023-03-01", "2023-03-01T10:00:00", "2023-03-01T10:00:00+00:00",
		"2023-03-01T10:00:00.Z", "2023-13-01T10:00:00Z", "2023-04-31T10:00:00Z",
		"2023-02-29T10:00:00Z", "2023-03-01T24:00:00Z", "2023-03-01T10:00:60Z",
		"2023-03-01t10:00:00Z", "2023-03-01T10:00:00ZZ", "2023-0a-01T10:00:00Z",
	} {
		_, err := stix.ParseTimestamp(s)
		var te *stix.TimestampError
		if !errors.As(err, &te) || te.Value != s {
			t.Errorf("%q: got %v, want a TimestampError naming the value", s, err)
		}
	}
}

func TestTimestampCompareAtNanoseconds(t *testing.T) {
	a := stix.MustParseTimestamp("2023-03-01T10:00:00.000Z")
	b := stix.MustParseTimestamp("2023-03-01T10:00:00.000000001Z")
	c := stix.MustParseTimestamp("2023-03-01T10:00:00Z")
	if !a.Before(b) || !b.After(a) || a.Compare(b) != -1 {
		t.Error("one nanosecond apart not ordered")
	}
	if !a.Equal(c) || a.Compare(c) != 0 {
		t.Error("same instant with other digits not equal")
	}
}

func TestNewTimestampDigits(t *testing.T) {
	base := time.Date(2023, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		ns   int
		want string
	}{
		{0, "2023-03-01T10:00:00Z"},
		{100_000_000, "2023-03-01T10:00:00.100Z"},
		{123_456_000, "2023-03-01T10:00:00.123456Z"},
		{1, "2023-03-01T10:00:00.000000001Z"},
	}
	for _, tt := range tests {
		got := stix.NewTimestamp(base.Add(time.Duration(tt.ns))).String()
		if got != tt.want {
			t.Errorf("%d ns: got %s, want %s", tt.ns, got, tt.want)
		}
	}
	if got := stix.NewTimestamp(base).WithDigits(3).String(); got != "2023-03-01T10:00:00.000Z" {
		t.Errorf("WithDigits(3): %s", got)
	}
	if (stix.Timestamp{}).String() != "" || !(stix.Timestamp{}).IsZero() {
		t.Error("zero Timestamp is not absent")
	}
}

func TestTimestampJSONMethods(t *testing.T) {
	var ts stix.Timestamp
	if err := ts.UnmarshalJSON([]byte(`"2023-03-01T10:00:00.5Z"`)); err != nil {
		t.Fatal(err)
	}
	out, err := ts.MarshalJSON()
	if err != nil || string(out) != `"2023-03-01T10:00:00.5Z"` {
		t.Errorf("got %s, %v", out, err)
	}
	if err := ts.UnmarshalJSON([]byte(`12`)); err == nil {
		t.Error("a number was accepted as a timestamp")
	}
	if out, _ := (stix.Timestamp{}).MarshalJSON(); string(out) != "null" {
		t.Errorf("zero Timestamp encoded as %s", out)
	}
	if err := ts.UnmarshalJSON([]byte(`null`)); err != nil || ts.String() != "2023-03-01T10:00:00.5Z" {
		t.Errorf("null changed the timestamp to %s (%v)", ts, err)
	}
}

func TestTimestampLeapSecondRoundTrip(t *testing.T) {
	for _, s := range []string{"2016-12-31T23:59:60Z", "2016-12-31T23:59:60.500Z"} {
		ts, err := stix.ParseTimestamp(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if ts.String() != s {
			t.Errorf("%s written back as %s", s, ts.String())
		}
		if !ts.IsLeapSecond() {
			t.Errorf("%s not reported as a leap second", s)
		}
	}
	_, err := stix.ParseTimestamp("2016-12-31T12:00:60Z")
	var te *stix.TimestampError
	if !errors.As(err, &te) || !strings.Contains(te.Reason, "23:59:60") {
		t.Errorf("second 60 at noon: got %v, want an error naming 23:59:60", err)
	}
}

func TestTimestampLeapSecondOrder(t *testing.T) {
	ordered := []string{
		"2016-12-31T23:59:59.900Z",
		"2016-12-31T23:59:60.000Z",
		"2016-12-31T23:59:60.500Z",
		"2017-01-01T00:00:00.000Z",
		"2017-01-01T00:00:00.200Z",
		"2017-01-01T00:00:00.500Z",
	}
	for i, a := range ordered {
		for j, b := range ordered {
			ta, tb := stix.MustParseTimestamp(a), stix.MustParseTimestamp(b)
			if got, want := ta.Compare(tb), cmp.Compare(i, j); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
	leap := stix.MustParseTimestamp("2016-12-31T23:59:60.500Z")
	if !leap.Equal(stix.MustParseTimestamp("2016-12-31T23:59:60.5Z")) {
		t.Error("same leap second instant with other digits not equal")
	}
	if got := leap.WithDigits(0).String(); got != "2016-12-31T23:59:60Z" {
		t.Errorf("leap second truncated to seconds written as %s", got)
	}
}
