package pyctitest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// filterGroup is the platform's FilterGroup: {mode, filters, filterGroups}.
type filterGroup struct {
	mode    string
	filters []filter
	groups  []*filterGroup
}

// filter is one FilterGroup entry. Several keys mean "any of the keys".
type filter struct {
	keys     []string
	values   []any
	operator string
	mode     string
}

// parseFilterGroup reads a FilterGroup argument value. A nil value gives a
// nil group, which matches everything.
func parseFilterGroup(v any) (*filterGroup, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("filters must be a FilterGroup object, got %T", v)
	}
	g := &filterGroup{mode: lowerString(m["mode"], "and")}
	if g.mode != "and" && g.mode != "or" {
		return nil, fmt.Errorf("invalid filter group mode %q: use and or or", g.mode)
	}
	for _, raw := range anyList(m["filters"]) {
		fm, ok := raw.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("invalid filter %v: want {key, values, operator, mode}", raw)
		}
		f := filter{keys: stringList(fm["key"]), values: anyList(fm["values"]),
			operator: lowerString(fm["operator"], "eq"), mode: lowerString(fm["mode"], "or")}
		if len(f.keys) == 0 {
			return nil, fmt.Errorf("invalid filter %v: key is missing", raw)
		}
		g.filters = append(g.filters, f)
	}
	for _, raw := range anyList(m["filterGroups"]) {
		sub, err := parseFilterGroup(raw)
		if err != nil {
			return nil, err
		}
		if sub != nil {
			g.groups = append(g.groups, sub)
		}
	}
	return g, nil
}

func lowerString(v any, def string) string {
	s, _ := v.(string)
	if s == "" {
		return def
	}
	return strings.ToLower(s)
}

func anyList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	case nil:
		return nil
	}
	return []any{v}
}

// idsOf collects the values of "ids" or "id" equality filters that every
// match must satisfy (those reached through "and" groups only), or nil
// when there is no such filter.
func (g *filterGroup) idsOf() []string {
	if g == nil {
		return nil
	}
	singleFilter := len(g.filters)+len(g.groups) == 1
	if g.mode != "and" && !singleFilter {
		return nil
	}
	for _, f := range g.filters {
		if len(f.keys) == 1 && (f.keys[0] == "ids" || f.keys[0] == "id") && f.operator == "eq" &&
			(f.mode == "or" || len(f.values) <= 1) {
			return stringList(f.values)
		}
	}
	for _, sub := range g.groups {
		if ids := sub.idsOf(); ids != nil {
			return ids
		}
	}
	return nil
}

// matches evaluates the group on e.
func (s *Server) matches(e *entity, g *filterGroup) bool {
	return g.evaluate(func(f filter) bool { return s.matchFilter(e, f) })
}

// evaluate combines the results of matchFilter on the filters and nested
// groups of g with the mode of each group. A nil group matches everything,
// and so does a group with no filters and no nested groups.
func (g *filterGroup) evaluate(matchFilter func(filter) bool) bool {
	if g == nil {
		return true
	}
	and := g.mode == "and"
	for _, f := range g.filters {
		if matchFilter(f) != and {
			return !and
		}
	}
	for _, sub := range g.groups {
		if sub.evaluate(matchFilter) != and {
			return !and
		}
	}
	return and || (len(g.filters) == 0 && len(g.groups) == 0)
}

func (s *Server) matchFilter(e *entity, f filter) bool {
	for _, key := range f.keys {
		if key == "regardingOf" {
			if s.matchRegardingOf(e, f) {
				return true
			}
			continue
		}
		if matchValues(s.valuesOf(e, key), f) {
			return true
		}
	}
	return false
}

func matchValues(have []string, f filter) bool {
	switch f.operator {
	case "nil":
		return len(have) == 0
	case "not_nil":
		return len(have) > 0
	}
	if len(f.values) == 0 {
		return true
	}
	if f.operator == "within" {
		return slices.ContainsFunc(have, func(h string) bool { return withinRange(h, f.values) })
	}
	and := f.mode == "and"
	for _, v := range f.values {
		if matchOne(have, f.operator, fmt.Sprint(v)) != and {
			return !and
		}
	}
	return and
}

func matchOne(have []string, op, want string) bool {
	negated := strings.HasPrefix(op, "not_")
	base := strings.TrimPrefix(op, "not_")
	hit := slices.ContainsFunc(have, func(h string) bool { return compareOp(h, base, want) })
	if negated {
		return !hit
	}
	return hit
}

func compareOp(have, op, want string) bool {
	lh, lw := strings.ToLower(have), strings.ToLower(want)
	switch op {
	case "eq":
		if haveTime, wantTime, ok := bothTimes(have, want); ok {
			return haveTime.Equal(wantTime)
		}
		return strings.EqualFold(have, want)
	case "match", "wildcard", "contains", "search":
		return strings.Contains(lh, lw)
	case "starts_with":
		return strings.HasPrefix(lh, lw)
	case "ends_with":
		return strings.HasSuffix(lh, lw)
	case "gt", "gte", "lt", "lte":
		c := compareScalars(have, want)
		switch op {
		case "gt":
			return c > 0
		case "gte":
			return c >= 0
		case "lt":
			return c < 0
		}
		return c <= 0
	}
	return false
}

// compareScalars compares two values numerically when both are numbers, as
// instants when both are RFC 3339 dates (so 10:00:00Z equals 10:00:00.000Z
// and 12:00:00+02:00), and as strings otherwise.
func compareScalars(a, b string) int {
	fa, errA := strconv.ParseFloat(a, 64)
	fb, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil {
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	if ta, tb, ok := bothTimes(a, b); ok {
		return ta.Compare(tb)
	}
	return strings.Compare(a, b)
}

// bothTimes parses a and b as RFC 3339 dates and reports whether both are.
func bothTimes(a, b string) (time.Time, time.Time, bool) {
	ta, errA := time.Parse(time.RFC3339Nano, a)
	if errA != nil {
		return time.Time{}, time.Time{}, false
	}
	tb, errB := time.Parse(time.RFC3339Nano, b)
	if errB != nil {
		return time.Time{}, time.Time{}, false
	}
	return ta, tb, true
}

// valuesOf returns the values of a filter key on e, as strings.
func (s *Server) valuesOf(e *entity, key string) []string {
	switch key {
	case "ids", "id":
		return append([]string{e.id}, e.stixIDs()...)
	case "internal_id":
		return []string{e.id}
	case "entity_type", "parent_types":
		return append([]string{e.entityType}, e.parentTypes()...)
	case "objectMarking":
		return s.idsAndStandardIDs(e.markings)
	case "objectLabel":
		out := s.idsAndStandardIDs(e.labels)
		for _, l := range e.labels {
			if le := s.data.get(l); le != nil {
				out = append(out, le.str("value"))
			}
		}
		return out
	case "createdBy":
		if e.createdBy == "" {
			return nil
		}
		return s.idsAndStandardIDs([]string{e.createdBy})
	case "externalReferences":
		return s.idsAndStandardIDs(e.extRefs)
	case "killChainPhases":
		return s.idsAndStandardIDs(e.kcps)
	case "objects":
		return s.idsAndStandardIDs(e.objects)
	case "fromId":
		return s.idsAndStandardIDs(nonEmpty(e.from))
	case "toId":
		return s.idsAndStandardIDs(nonEmpty(e.to))
	case "fromOrToId", "connections":
		return s.idsAndStandardIDs(nonEmpty(e.from, e.to))
	case "fromTypes":
		return s.typesOf(e.from)
	case "toTypes":
		return s.typesOf(e.to)
	case "creator_id":
		return stringList(e.fields["creator_id"])
	}
	return scalarStrings(e.fields[key])
}

func nonEmpty(ids ...string) []string {
	return slices.DeleteFunc(ids, func(s string) bool { return s == "" })
}

func (s *Server) idsAndStandardIDs(ids []string) []string {
	out := make([]string, 0, 2*len(ids))
	for _, id := range ids {
		out = append(out, id)
		if e := s.data.get(id); e != nil && e.standardID != "" {
			out = append(out, e.standardID)
		}
	}
	return out
}

func (s *Server) typesOf(id string) []string {
	e := s.data.get(id)
	if e == nil {
		return nil
	}
	return append([]string{e.entityType}, e.parentTypes()...)
}

func scalarStrings(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			out = append(out, scalarStrings(x)...)
		}
		return out
	case []string:
		return v
	case string:
		return []string{v}
	case float64:
		return []string{strconv.FormatFloat(v, 'f', -1, 64)}
	case map[string]any:
		return nil
	}
	return []string{fmt.Sprint(v)}
}

// matchRegardingOf evaluates the platform's regardingOf filter: e has a
// relationship with one of the given ids, optionally of the given types.
func (s *Server) matchRegardingOf(e *entity, f filter) bool {
	var ids, relTypes []string
	for _, v := range f.values {
		m, _ := v.(map[string]any)
		switch m["key"] {
		case "id":
			ids = append(ids, stringList(m["values"])...)
		case "relationship_type":
			relTypes = append(relTypes, stringList(m["values"])...)
		}
	}
	for _, r := range s.data.byEnd[e.id] {
		if len(relTypes) > 0 && !slices.Contains(relTypes, r.entityType) {
			continue
		}
		other := r.to
		if other == e.id {
			other = r.from
		}
		if len(ids) == 0 || slices.ContainsFunc(s.idsAndStandardIDs([]string{other}),
			func(x string) bool { return slices.Contains(ids, x) }) {
			return true
		}
	}
	return false
}
