package pyctitest

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// listQuery is one list request on the store.
type listQuery struct {
	base      string   // entity type or parent type every result has
	types     []string // "types" argument: any of them
	filters   *filterGroup
	rawFilter string // filters argument as JSON, part of the cache key
	search    string
	orderBy   string
	orderMode string
	relArgs   map[string][]string // fromOrToId, fromId, toId, fromTypes, toTypes, relationship_type
	extra     func(*entity) bool  // further condition, or nil
}

// listArgs reads the common list arguments of a root field.
func listArgs(base string, args map[string]any) (*listQuery, error) {
	fg, err := parseFilterGroup(args["filters"])
	if err != nil {
		return nil, errFunctional(err.Error())
	}
	raw, _ := json.Marshal(args["filters"])
	q := &listQuery{base: base, types: stringList(args["types"]), filters: fg, rawFilter: string(raw),
		orderBy: strArg(args, "orderBy"), orderMode: strArg(args, "orderMode"),
		search: strings.TrimSpace(strArg(args, "search")), relArgs: map[string][]string{}}
	for _, k := range []string{"fromOrToId", "fromId", "toId", "fromTypes", "toTypes",
		"relationship_type", "elementWithTargetTypes"} {
		if v := stringList(args[k]); len(v) > 0 {
			q.relArgs[k] = v
		}
	}
	return q, nil
}

func strArg(args map[string]any, name string) string {
	s, _ := args[name].(string)
	return s
}

// run returns the visible matches in list order. The caller holds s.mu.
func (s *Server) run(p *principal, q *listQuery) []*entity {
	key := s.cacheKey(p, q)
	if key != "" {
		if hit, ok := s.listCache.get(key, s.data.version); ok {
			return hit
		}
	}
	var out []*entity
	for _, e := range s.candidates(q) {
		if s.selects(p, q, e) {
			out = append(out, e)
		}
	}
	s.sortEntities(out, q.orderBy, q.orderMode)
	if key != "" {
		s.listCache.put(key, s.data.version, out)
	}
	return out
}

// candidates narrows the scan with the indexes: relationship ends, then
// ids filters, then the base type.
func (s *Server) candidates(q *listQuery) []*entity {
	var ids []string
	for _, k := range []string{"fromOrToId", "fromId", "toId"} {
		if v, ok := q.relArgs[k]; ok {
			ids = v
			break
		}
	}
	if ids != nil {
		set := map[*entity]bool{}
		for _, id := range ids {
			e := s.data.get(id)
			if e == nil {
				continue
			}
			for _, r := range s.data.byEnd[e.id] {
				set[r] = true
			}
			for _, r := range s.data.refsOf[e.id] {
				set[r] = true
			}
		}
		return sortedBySeq(set)
	}
	if ids := q.filters.idsOf(); ids != nil {
		set := map[*entity]bool{}
		for _, id := range ids {
			if e := s.data.get(id); e != nil {
				set[e] = true
			}
		}
		return sortedBySeq(set)
	}
	if len(q.types) == 1 {
		return s.data.ofType(q.types[0])
	}
	return s.data.ofType(q.base)
}

func sortedBySeq(set map[*entity]bool) []*entity {
	out := make([]*entity, 0, len(set))
	for e := range set {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *entity) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

// selects applies every condition of q and the visibility rules to e.
func (s *Server) selects(p *principal, q *listQuery, e *entity) bool {
	if !e.isA(q.base) {
		return false
	}
	if len(q.types) > 0 && !slices.ContainsFunc(q.types, e.isA) {
		return false
	}
	if !s.matchRelArgs(e, q.relArgs) {
		return false
	}
	if q.extra != nil && !q.extra(e) {
		return false
	}
	if !s.matches(e, q.filters) {
		return false
	}
	if q.search != "" && !s.searchMatches(e, q.search) {
		return false
	}
	return s.visible(p, e)
}

func (s *Server) matchRelArgs(e *entity, args map[string][]string) bool {
	has := func(key string, values []string) bool {
		return slices.ContainsFunc(s.valuesOf(e, key), func(v string) bool {
			return slices.ContainsFunc(values, func(w string) bool { return strings.EqualFold(v, w) })
		})
	}
	for k, v := range args {
		switch k {
		case "fromOrToId", "fromId", "toId", "fromTypes", "toTypes":
			if !has(k, v) {
				return false
			}
		case "relationship_type":
			if !slices.ContainsFunc(v, e.isA) {
				return false
			}
		case "elementWithTargetTypes":
			if !has("fromTypes", v) && !has("toTypes", v) {
				return false
			}
		}
	}
	return true
}

// searchMatches applies the search argument: every word must appear in one
// of the entity's text fields, without regard to case.
func (s *Server) searchMatches(e *entity, search string) bool {
	var text strings.Builder
	for _, k := range []string{"name", "value", "observable_value", "description", "aliases",
		"x_opencti_aliases", "pattern", "content", "attribute_abstract", "definition",
		"source_name", "url", "external_id", "x_mitre_id", "relationship_type"} {
		for _, v := range scalarStrings(e.fields[k]) {
			text.WriteString(strings.ToLower(v))
			text.WriteByte(' ')
		}
	}
	text.WriteString(strings.ToLower(e.standardID))
	all := text.String()
	for _, word := range strings.Fields(strings.ToLower(strings.Trim(search, `"`))) {
		if !strings.Contains(all, word) {
			return false
		}
	}
	return true
}

// visible applies marking visibility; a relationship is visible only with
// both of its ends, as on the platform.
func (s *Server) visible(p *principal, e *entity) bool {
	if p == nil || !p.canSee(e) {
		return false
	}
	if e.kind == kindCoreRel || e.kind == kindSighting {
		for _, end := range []string{e.from, e.to} {
			if x := s.data.get(end); x != nil && !p.canSee(x) {
				return false
			}
		}
	}
	return true
}

func (s *Server) sortEntities(list []*entity, orderBy, mode string) {
	if orderBy == "" || orderBy == "_score" {
		return
	}
	desc := strings.EqualFold(mode, "desc")
	slices.SortStableFunc(list, func(a, b *entity) int {
		va, vb := sortValue(a, orderBy), sortValue(b, orderBy)
		switch {
		case va == "" && vb == "":
			return cmp.Compare(a.seq, b.seq)
		case va == "":
			return 1
		case vb == "":
			return -1
		}
		c := compareScalars(va, vb)
		if desc {
			c = -c
		}
		if c == 0 {
			return cmp.Compare(a.seq, b.seq)
		}
		return c
	})
}

func sortValue(e *entity, orderBy string) string {
	if orderBy == "name" || orderBy == "value" {
		return strings.ToLower(e.representative())
	}
	v := scalarStrings(e.fields[orderBy])
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func (s *Server) cacheKey(p *principal, q *listQuery) string {
	if p == nil || q.extra != nil {
		return ""
	}
	raw, err := json.Marshal([]any{p.user.ID, q.base, q.types, q.rawFilter,
		q.search, q.orderBy, q.orderMode, q.relArgs})
	if err != nil {
		return ""
	}
	return string(raw)
}

// page cuts one page out of list with the first and after arguments and
// returns the GraphQL connection value.
func (s *Server) page(list []*entity, args map[string]any, node func(*entity) any) (map[string]any, error) {
	return pageOf(s.cfg, list, args, node)
}

// pageOf cuts one page out of list with the first and after arguments and
// returns the GraphQL connection value. A nil node puts the list items
// themselves in the edges.
func pageOf[T any](cfg *config, list []T, args map[string]any, node func(T) any) (map[string]any, error) {
	first := cfg.defaultPage
	if n, ok := intArg(args["first"]); ok {
		first = min(max(n, 0), cfg.maxPage)
	}
	offset := 0
	if after := strArg(args, "after"); after != "" {
		n, err := decodeCursor(after)
		if err != nil {
			return nil, errFunctional(err.Error())
		}
		offset = min(n, len(list))
	}
	end := min(offset+first, len(list))
	edges := make([]any, 0, end-offset)
	for i := offset; i < end; i++ {
		var v any = list[i]
		if node != nil {
			v = node(list[i])
		}
		edges = append(edges, map[string]any{"cursor": encodeCursor(i + 1), "node": v})
	}
	info := map[string]any{"globalCount": len(list), "hasNextPage": end < len(list),
		"hasPreviousPage": offset > 0, "startCursor": "", "endCursor": ""}
	if len(edges) > 0 {
		info["startCursor"] = encodeCursor(offset + 1)
		info["endCursor"] = encodeCursor(end)
	}
	return map[string]any{"edges": edges, "pageInfo": info}, nil
}

const cursorPrefix = "pyctitest:"

func encodeCursor(n int) string {
	return base64.StdEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(n)))
}

func decodeCursor(c string) (int, error) {
	raw, err := base64.StdEncoding.DecodeString(c)
	n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), cursorPrefix))
	if err != nil || err2 != nil || !strings.HasPrefix(string(raw), cursorPrefix) || n < 0 {
		return 0, fmt.Errorf("invalid cursor %q: pass the endCursor of the previous page", c)
	}
	return n, nil
}

func intArg(v any) (int, bool) {
	f, ok := toNumber(v)
	return int(f), ok
}

func toNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case int:
		return float64(v), true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

// listCache keeps the latest list results per query and user, valid while
// the store version is unchanged, so that paging through a large sorted
// list does not filter and sort it again for every page.
type listCache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
	order   []string
}

type cacheEntry struct {
	version int64
	list    []*entity
}

const listCacheSize = 64

func newListCache() *listCache { return &listCache{entries: map[string]cacheEntry{}} }

func (c *listCache) get(key string, version int64) ([]*entity, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.version != version {
		return nil, false
	}
	return e.list, true
}

func (c *listCache) put(key string, version int64, list []*entity) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok {
		c.order = append(c.order, key)
	}
	c.entries[key] = cacheEntry{version: version, list: list}
	for len(c.order) > listCacheSize {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}
