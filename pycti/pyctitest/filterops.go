package pyctitest

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// evaluatedOperators are the FilterOperator values this server evaluates.
// The platform also has only_eq_to, script, has_changed and their negations.
// A filter with one of those fails with UNSUPPORTED_ERROR, because an empty
// result in its place would let a test pass that the platform would fail.
var evaluatedOperators = map[string]bool{
	"eq": true, "not_eq": true, "lt": true, "lte": true, "gt": true, "gte": true,
	"match": true, "wildcard": true, "contains": true, "not_contains": true,
	"starts_with": true, "not_starts_with": true, "ends_with": true,
	"not_ends_with": true, "search": true, "nil": true, "not_nil": true, "within": true,
}

// relativeDate is the platform's relative date syntax for within values:
// "now", optionally shifted ("now-7d") and rounded down ("now-1d/d").
var relativeDate = regexp.MustCompile(`^now(([-+])(\d+)([smhHdwMy]))?(/([smhHdwMy]))?$`)

// checkOperators rejects the operators this server does not evaluate and
// checks the values of within filters as the platform does, replacing
// relative dates with RFC 3339 times taken from now.
func (s *Server) checkOperators(g *filterGroup, now time.Time) error {
	if g == nil {
		return nil
	}
	for i := range g.filters {
		f := &g.filters[i]
		if !evaluatedOperators[f.operator] {
			return gqlexec.NewError("UNSUPPORTED_ERROR",
				fmt.Sprintf("pyctitest does not evaluate the filter operator %q: use another operator", f.operator),
				map[string]any{"http_status": 500, "genre": "BUSINESS", "operator": f.operator})
		}
		if f.operator == "within" {
			if err := resolveWithin(f, now); err != nil {
				return err
			}
		}
	}
	for _, sub := range g.groups {
		if err := s.checkOperators(sub, now); err != nil {
			return err
		}
	}
	return nil
}

// resolveWithin checks that f has two dates, absolute or relative, and
// replaces them with RFC 3339 times. The messages are the platform's.
func resolveWithin(f *filter, now time.Time) *gqlerror.Error {
	data := map[string]any{"http_status": 500, "genre": "BUSINESS", "filter": f.keys}
	if len(f.values) != 2 {
		return gqlexec.NewError("UNSUPPORTED_ERROR", `A filter with "within" operator must have 2 values`, data)
	}
	resolved := make([]any, 2)
	for i, v := range f.values {
		text, _ := v.(string)
		if text == "" {
			return gqlexec.NewError("UNSUPPORTED_ERROR", `A filter with "within" operator must have 2 values`, data)
		}
		t, ok := parseWithinDate(text, now)
		if !ok {
			return gqlexec.NewError("UNSUPPORTED_ERROR", `The values for filter with "within" operator `+
				`are not valid: you should provide a datetime or a valid relative date.`, data)
		}
		resolved[i] = t.UTC().Format(time.RFC3339Nano)
	}
	f.values = resolved
	return nil
}

// parseWithinDate reads an RFC 3339 time, a date (2006-01-02) or a relative
// date such as "now-7d/d".
func parseWithinDate(text string, now time.Time) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, text); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.DateOnly, text); err == nil {
		return t, true
	}
	m := relativeDate.FindStringSubmatch(text)
	if m == nil {
		return time.Time{}, false
	}
	t := now.UTC()
	if m[1] != "" {
		n, _ := strconv.Atoi(m[3])
		if m[2] == "-" {
			n = -n
		}
		t = shiftDate(t, n, m[4])
	}
	if m[6] != "" {
		t = roundDownDate(t, m[6])
	}
	return t, true
}

// shiftDate adds n units to t. Units are Elasticsearch date math units:
// y years, M months, w weeks, d days, h or H hours, m minutes, s seconds.
func shiftDate(t time.Time, n int, unit string) time.Time {
	switch unit {
	case "y":
		return t.AddDate(n, 0, 0)
	case "M":
		return t.AddDate(0, n, 0)
	case "w":
		return t.AddDate(0, 0, 7*n)
	case "d":
		return t.AddDate(0, 0, n)
	case "h", "H":
		return t.Add(time.Duration(n) * time.Hour)
	case "m":
		return t.Add(time.Duration(n) * time.Minute)
	}
	return t.Add(time.Duration(n) * time.Second)
}

// roundDownDate truncates t to the start of its unit (weeks start on
// Monday, as in Elasticsearch).
func roundDownDate(t time.Time, unit string) time.Time {
	y, mo, d := t.Date()
	switch unit {
	case "y":
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case "M":
		return time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
	case "w":
		offset := (int(t.Weekday()) + 6) % 7
		return time.Date(y, mo, d-offset, 0, 0, 0, 0, time.UTC)
	case "d":
		return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	case "h", "H":
		return t.Truncate(time.Hour)
	case "m":
		return t.Truncate(time.Minute)
	}
	return t.Truncate(time.Second)
}

// withinRange reports whether the time have lies between the two resolved
// within values, bounds included.
func withinRange(have string, values []any) bool {
	t, err := time.Parse(time.RFC3339Nano, have)
	if err != nil || len(values) != 2 {
		return false
	}
	from, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(values[0]))
	to, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(values[1]))
	return !t.Before(from) && !t.After(to)
}

// withinValues lists the resolved values of the within filters, which
// depend on the time of the request and so belong in the list cache key.
func (g *filterGroup) withinValues() []any {
	if g == nil {
		return nil
	}
	var out []any
	for _, f := range g.filters {
		if f.operator == "within" {
			out = append(out, f.values...)
		}
	}
	for _, sub := range g.groups {
		out = append(out, sub.withinValues()...)
	}
	return out
}
