package pyctitest

import (
	"errors"
	"fmt"
	"slices"
)

// Capabilities the platform checks. BYPASS grants every capability, every
// marking and impersonation.
const (
	CapBypass       = "BYPASS"
	CapConnectorAPI = "CONNECTORAPI"
	CapKnowledge    = "KNOWLEDGE"
	CapKnUpdate     = "KNOWLEDGE_KNUPDATE"
	CapKnDelete     = "KNOWLEDGE_KNUPDATE_KNDELETE"
	CapKnUpload     = "KNOWLEDGE_KNUPLOAD"
	CapKnGetExport  = "KNOWLEDGE_KNGETEXPORT"
	CapKnAskExport  = "KNOWLEDGE_KNGETEXPORT_KNASKEXPORT"
	CapModules      = "MODULES"
	CapModManage    = "MODULES_MODMANAGE"
	CapSettings     = "SETTINGS"
)

// AdminID is the internal id of the built-in administrator, the same id as
// the platform's own admin user.
const AdminID = "88ec0c6a-13ce-5e39-b486-354fe4a7084f"

// Group gives its members capabilities and the right to see markings.
type Group struct {
	ID   string
	Name string
	// Capabilities granted to members, for example CapKnowledge.
	Capabilities []string
	// AllowedMarkings are marking definitions (internal or standard ids, or
	// definitions such as "TLP:AMBER") members may see. As on the platform,
	// allowing a marking also allows the markings of the same definition type
	// with a lower x_opencti_order. Data without markings is always visible.
	AllowedMarkings []string
	// AllMarkings allows every marking, whatever AllowedMarkings says.
	AllMarkings bool
}

// User is a platform account. Token is its API token (the Bearer value).
type User struct {
	ID           string
	Name         string
	Email        string
	Token        string
	Groups       []string // group ids
	Capabilities []string // capabilities in addition to the groups'
}

// ErrDuplicate is returned when an id or token is already taken.
var ErrDuplicate = errors.New("pyctitest: duplicate")

// principal is the effective identity of one request.
type principal struct {
	user     *User
	caps     map[string]bool
	all      bool            // every marking is visible
	markings map[string]bool // allowed marking internal ids, hierarchy expanded
}

func (p *principal) has(capability string) bool {
	return p.caps[CapBypass] || p.caps[capability]
}

// AddGroup adds a group. Marking references must name existing markings.
func (s *Server) AddGroup(g Group) error {
	if g.ID == "" {
		return errors.New("pyctitest: group has no ID: set Group.ID")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[g.ID]; ok {
		return fmt.Errorf("add group %s: %w", g.ID, ErrDuplicate)
	}
	for _, m := range g.AllowedMarkings {
		if s.findMarking(m) == nil {
			return fmt.Errorf("add group %s: marking %q not found: seed it first", g.ID, m)
		}
	}
	g.Capabilities = slices.Clone(g.Capabilities)
	g.AllowedMarkings = slices.Clone(g.AllowedMarkings)
	s.groups[g.ID] = &g
	return nil
}

// AddUser adds a user. Its groups must exist and its token must be unique.
func (s *Server) AddUser(u User) error {
	if u.ID == "" || u.Token == "" {
		return fmt.Errorf("pyctitest: user %q needs an ID and a Token", u.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[u.ID]; ok {
		return fmt.Errorf("add user %s: %w", u.ID, ErrDuplicate)
	}
	if _, ok := s.tokens[u.Token]; ok {
		return fmt.Errorf("add user %s: token: %w", u.ID, ErrDuplicate)
	}
	for _, g := range u.Groups {
		if s.groups[g] == nil {
			return fmt.Errorf("add user %s: group %q not found: add it first", u.ID, g)
		}
	}
	if u.Name == "" {
		u.Name = u.ID
	}
	u.Groups = slices.Clone(u.Groups)
	u.Capabilities = slices.Clone(u.Capabilities)
	s.users[u.ID] = &u
	s.tokens[u.Token] = &u
	return nil
}

// principalOf computes the capabilities and visible markings of u. The
// caller holds s.mu.
func (s *Server) principalOf(u *User) *principal {
	p := &principal{user: u, caps: map[string]bool{}, markings: map[string]bool{}}
	for _, c := range u.Capabilities {
		p.caps[c] = true
	}
	var allowed []*entity
	for _, gid := range u.Groups {
		g := s.groups[gid]
		if g == nil {
			continue
		}
		for _, c := range g.Capabilities {
			p.caps[c] = true
		}
		p.all = p.all || g.AllMarkings
		for _, m := range g.AllowedMarkings {
			if e := s.findMarking(m); e != nil {
				allowed = append(allowed, e)
			}
		}
	}
	if p.caps[CapBypass] {
		p.all = true
	}
	if p.all {
		return p
	}
	for _, m := range s.data.ofType(typeMarking) {
		for _, a := range allowed {
			if m == a || (m.str("definition_type") == a.str("definition_type") &&
				orderOf(m) <= orderOf(a)) {
				p.markings[m.id] = true
			}
		}
	}
	return p
}

func orderOf(m *entity) float64 {
	f, _ := toNumber(m.fields["x_opencti_order"])
	return f
}

// findMarking finds a marking definition by internal id, standard id or
// definition text. The caller holds s.mu.
func (s *Server) findMarking(ref string) *entity {
	if e := s.data.get(ref); e != nil && e.kind == kindMarking {
		return e
	}
	for _, m := range s.data.ofType(typeMarking) {
		if m.str("definition") == ref {
			return m
		}
	}
	return nil
}

// canSee reports whether p may see e: every marking of e must be allowed.
func (p *principal) canSee(e *entity) bool {
	if e == nil {
		return false
	}
	if p.all {
		return true
	}
	if e.kind == kindMarking {
		return p.markings[e.id]
	}
	for _, m := range e.markings {
		if !p.markings[m] {
			return false
		}
	}
	return true
}
