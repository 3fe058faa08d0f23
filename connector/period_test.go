package connector_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
)

func TestParsePeriodAccepted(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"PT1H", time.Hour},
		{"PT1M", time.Minute},
		{"P1M", 30 * 24 * time.Hour},
		{"P1Y", 365 * 24 * time.Hour},
		{"P1W", 7 * 24 * time.Hour},
		{"P1W2D", 9 * 24 * time.Hour},
		{"P1DT12H", 36 * time.Hour},
		{"PT1H30M15S", time.Hour + 30*time.Minute + 15*time.Second},
		{"PT1.5H", 90 * time.Minute},
		{"PT2.7S", 2 * time.Second},
		{"+PT10M", 10 * time.Minute},
		{"01:30:00", 90 * time.Minute},
		{"01:30", 90 * time.Minute},
		{"36:00:00", 36 * time.Hour},
		{"00:00:01.900", time.Second},
		{"2 days, 03:00:00", 51 * time.Hour},
		{"2d03:00:00", 51 * time.Hour},
		{"2D 03:00", 51 * time.Hour},
		{"1 day", 24 * time.Hour},
		{"3 days", 72 * time.Hour},
		{"3600", time.Hour},
		{" PT5M ", 5 * time.Minute},
		{"0", 0},
		{"PT0S", 0},
		{"-PT0S", 0},
	}
	for _, c := range cases {
		got, err := connector.ParsePeriod(c.in)
		if err != nil {
			t.Errorf("ParsePeriod(%q) error: %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParsePeriod(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParsePeriodRejected(t *testing.T) {
	cases := []struct {
		in, reason string
	}{
		{"", "empty"},
		{"-PT1H", "negative period"},
		{"-01:00:00", "negative period"},
		{"-3600", "negative period"},
		{"PT0.5S", "shorter than one second"},
		{"0.2", "shorter than one second"},
		{"00:00:00.5", "shorter than one second"},
		{"pt1h", "upper case, as in PT1H"},
		{"P", "no duration after P"},
		{"PT", "no duration after P"},
		{"P1DT", "no time after T"},
		{"PT1.5H30M", "only the last number may have a fraction"},
		{"P1D1W", "units go in the order YMWD"},
		{"PT1H1H", "units go in the order HMS"},
		{"P1H", "units go in the order YMWD"},
		{"1h30m", "unrecognised duration"},
		{"garbage", "unrecognised duration"},
		{"1e3", "unrecognised duration"},
		{"2 days, soon", "invalid clock time"},
		{"01:60:00", "invalid clock time"},
		{"01:00:75", "invalid seconds"},
		{"P300000Y", "too long"},
		{"999999999999 days", "too long"},
		{"-", "no value after the sign"},
	}
	for _, c := range cases {
		_, err := connector.ParsePeriod(c.in)
		if err == nil {
			t.Errorf("ParsePeriod(%q) accepted, want an error with %q", c.in, c.reason)
			continue
		}
		if !errors.Is(err, connector.ErrInvalidPeriod) {
			t.Errorf("ParsePeriod(%q) error %v does not wrap ErrInvalidPeriod", c.in, err)
		}
		if !strings.Contains(err.Error(), c.reason) {
			t.Errorf("ParsePeriod(%q) error = %q, want it to contain %q", c.in, err, c.reason)
		}
		var pe *connector.PeriodError
		if errors.As(err, &pe) && pe.Value != c.in {
			t.Errorf("PeriodError.Value = %q, want %q", pe.Value, c.in)
		}
	}
}

func TestBareNumberPeriod(t *testing.T) {
	for in, want := range map[string]bool{"3600": true, "1.5": true, "0": false, "PT1H": false,
		"01:00": false, "NaN": false, "1e3": false, "": false} {
		if got := connector.BareNumberPeriod(in); got != want {
			t.Errorf("BareNumberPeriod(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"PT1H", "P1W2D", "2 days, 03:00:00", "01:30", "3600", "-PT1H"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := connector.ParsePeriod(s)
		if err == nil && (d < 0 || (d > 0 && d < time.Second) || d%time.Second != 0) {
			t.Fatalf("ParsePeriod(%q) = %v: want 0 or whole seconds of at least 1 s", s, d)
		}
	})
}
