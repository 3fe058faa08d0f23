package pyctitest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// workFilterKeys maps the filter keys that the works list evaluates to the
// values a work has for them. Unset times and empty strings give no value,
// so the nil operator matches them.
var workFilterKeys = map[string]func(*Work) []string{
	"id":                      func(w *Work) []string { return []string{w.ID} },
	"ids":                     func(w *Work) []string { return []string{w.ID} },
	"internal_id":             func(w *Work) []string { return []string{w.ID} },
	"name":                    func(w *Work) []string { return nonEmpty(w.Name) },
	"connector_id":            func(w *Work) []string { return nonEmpty(w.ConnectorID) },
	"user_id":                 func(w *Work) []string { return nonEmpty(w.UserID) },
	"event_source_id":         func(w *Work) []string { return nonEmpty(w.EventSourceID) },
	"status":                  func(w *Work) []string { return []string{w.Status} },
	"draft_context":           func(w *Work) []string { return nonEmpty(w.DraftContext) },
	"timestamp":               func(w *Work) []string { return isoTimes(w.Timestamp) },
	"updated_at":              func(w *Work) []string { return isoTimes(w.UpdatedAt) },
	"received_time":           func(w *Work) []string { return isoTimes(w.ReceivedTime) },
	"processed_time":          func(w *Work) []string { return isoTimes(w.ProcessedTime) },
	"completed_time":          func(w *Work) []string { return isoTimes(w.CompletedTime) },
	"completed_number":        func(w *Work) []string { return []string{strconv.Itoa(w.Processed)} },
	"import_processed_number": func(w *Work) []string { return []string{strconv.Itoa(w.Processed)} },
	"import_expected_number":  func(w *Work) []string { return []string{strconv.Itoa(w.Expected)} },
}

// listWorks resolves the works query. It returns the works that match the
// filters, in the order sortWorks gives, cut into pages with first and
// after.
//
// NOTE: a cursor is an offset in that list, so a work created between two
// page requests moves the older works down and the next page repeats one.
// The search argument is ignored.
func (s *Server) listWorks(_ context.Context, _ *requestContext, f *gqlexec.Field) (any, error) {
	fg, err := parseFilterGroup(f.Args["filters"])
	if err != nil {
		return nil, errFunctional(err.Error())
	}
	if err := s.checkFilterKeys(fg); err != nil {
		return nil, err
	}
	if err := checkWorkFilterKeys(fg); err != nil {
		return nil, err
	}
	if err := s.checkOperators(fg, s.cfg.clock()); err != nil {
		return nil, err
	}
	var list []*Work
	for _, id := range slices.Backward(s.workOrder) {
		w := s.works[id]
		if w != nil && fg.evaluate(func(f filter) bool { return matchWorkFilter(w, f) }) {
			list = append(list, w)
		}
	}
	sortWorks(list, strArg(f.Args, "orderBy"), strArg(f.Args, "orderMode"))
	return pageOf(s.cfg, list, f.Args, func(w *Work) any { return workValue(w) })
}

// sortWorks orders list by a WorksOrdering value, as the platform does:
// by timestamp when orderBy is empty, and descending unless orderMode is
// asc. Works with equal values keep their order, and _score leaves the
// list as it is.
func sortWorks(list []*Work, orderBy, orderMode string) {
	var sortKey func(*Work) string
	switch orderBy {
	case "", "timestamp", "created_at":
		sortKey = func(w *Work) string { return isoTime(w.Timestamp) }
	case "status":
		sortKey = func(w *Work) string { return w.Status }
	default:
		return
	}
	asc := strings.EqualFold(orderMode, "asc")
	slices.SortStableFunc(list, func(a, b *Work) int {
		c := strings.Compare(sortKey(a), sortKey(b))
		if asc {
			return c
		}
		return -c
	})
}

// checkWorkFilterKeys rejects the keys that some type of the schema has
// but that the works list does not evaluate. Matching nothing in their
// place would let a test pass that the platform could fail.
//
// NOTE: what the platform returns for such a key was not checked, so this
// check may reject a filter that the platform accepts.
func checkWorkFilterKeys(g *filterGroup) error {
	var unsupported []string
	g.walkKeys(func(key string) {
		if workFilterKeys[key] == nil && !slices.Contains(unsupported, key) {
			unsupported = append(unsupported, key)
		}
	})
	if len(unsupported) == 0 {
		return nil
	}
	return gqlexec.NewError("UNSUPPORTED_ERROR",
		fmt.Sprintf("pyctitest does not evaluate the work filter keys %q: use %s",
			unsupported, strings.Join(slices.Sorted(maps.Keys(workFilterKeys)), ", ")),
		map[string]any{"http_status": 500, "genre": "BUSINESS", "keys": unsupported})
}

// matchWorkFilter reports whether one of the filter's keys matches w.
func matchWorkFilter(w *Work, f filter) bool {
	return slices.ContainsFunc(f.keys, func(key string) bool {
		return matchValues(workFilterKeys[key](w), f)
	})
}

func isoTimes(t time.Time) []string {
	if t.IsZero() {
		return nil
	}
	return []string{isoTime(t)}
}
