package pycti

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// Version is a platform version. 6.x releases are semantic versions
// ("6.8.10"); 7.x releases are date based ("7.260817.0": major 7, minor
// YYMMDD, patch N), which still compare correctly as numbers.
type Version struct {
	Major, Minor, Patch int
	// Raw is the string the platform returned.
	Raw string
}

// ParseVersion parses "MAJOR.MINOR.PATCH", with an optional leading "v" and
// an optional pre-release or build suffix after "-" or "+", which is kept in
// Raw only.
func ParseVersion(s string) (Version, error) {
	core := strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(core, "-+"); i >= 0 {
		core = core[:i]
	}
	fields := strings.Split(core, ".")
	if len(fields) != 3 {
		return Version{}, fmt.Errorf("opencti: invalid version %q: want MAJOR.MINOR.PATCH", s)
	}
	var nums [3]int
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return Version{}, fmt.Errorf("opencti: invalid version %q: %q is not a number", s, f)
		}
		nums[i] = n
	}
	return Version{Major: nums[0], Minor: nums[1], Patch: nums[2], Raw: s}, nil
}

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than o.
func (v Version) Compare(o Version) int {
	return cmp.Or(cmp.Compare(v.Major, o.Major), cmp.Compare(v.Minor, o.Minor),
		cmp.Compare(v.Patch, o.Patch))
}

// AtLeast reports whether v is major.minor.patch or newer.
func (v Version) AtLeast(major, minor, patch int) bool {
	return v.Compare(Version{Major: major, Minor: minor, Patch: patch}) >= 0
}

// ReleaseDate returns the date of a date-based (7.x) release, such as
// 2026-08-17 for 7.260817.0, and false for a semantic version.
func (v Version) ReleaseDate() (time.Time, bool) {
	if v.Major < 7 {
		return time.Time{}, false
	}
	d, err := time.Parse("060102", fmt.Sprintf("%06d", v.Minor))
	return d, err == nil
}

// String returns the version as MAJOR.MINOR.PATCH.
func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Version returns the platform's version from about.version.
func (c *Client) Version(ctx context.Context) (Version, error) {
	resp, err := gen.About(ctx, c)
	if err != nil {
		return Version{}, fmt.Errorf("read platform version: %w", err)
	}
	return ParseVersion(resp.About.Version)
}

// Health checks that the platform answers and accepts the token, by reading
// its version as pycti's start-up check does. It returns the version.
func (c *Client) Health(ctx context.Context) (Version, error) {
	return c.Version(ctx)
}

// User is the user a request runs as.
type User struct {
	ID    string
	Name  string
	Email string
	// Capabilities are capability names such as "BYPASS" or "CONNECTORAPI".
	Capabilities []string
}

// HasCapability reports whether the user has the named capability or
// BYPASS, which grants all of them.
func (u User) HasCapability(name string) bool {
	return slices.Contains(u.Capabilities, name) || slices.Contains(u.Capabilities, "BYPASS")
}

// Me returns the user this client view runs as: the token's user, or the
// applicant of an AsApplicant view when the platform honours the header.
func (c *Client) Me(ctx context.Context) (User, error) {
	resp, err := gen.Me(ctx, c)
	if err != nil {
		return User{}, fmt.Errorf("read current user: %w", err)
	}
	u := User{ID: resp.Me.Id, Name: resp.Me.Name, Email: resp.Me.User_email}
	for _, cp := range resp.Me.Capabilities {
		u.Capabilities = append(u.Capabilities, cp.Name)
	}
	return u, nil
}

// Settings is the platform's identity.
type Settings struct {
	ID    string
	Title string
	// URL is the public URL an administrator configured, or "".
	URL string
}

// Settings returns the platform's settings.
func (c *Client) Settings(ctx context.Context) (Settings, error) {
	resp, err := gen.Settings(ctx, c)
	if err != nil {
		return Settings{}, fmt.Errorf("read platform settings: %w", err)
	}
	s := resp.Settings
	return Settings{ID: s.Id, Title: s.Platform_title, URL: s.Platform_url}, nil
}

// features are the platform differences the client adapts to. They are read
// once per client and shared by its views.
type features struct {
	version Version
	// registerFields are the input fields of RegisterConnectorInput.
	registerFields map[string]bool
	// connectorInfo tells whether pingConnector takes connectorInfo.
	connectorInfo bool
	// introspected tells whether the fields came from introspection rather
	// than from the version table.
	introspected bool
}

// platformFeatures returns the cached features, reading them on first use.
// A failure is not cached, so the next call tries again.
func (c *Client) platformFeatures(ctx context.Context) (*features, error) {
	c.core.mu.Lock()
	defer c.core.mu.Unlock()
	if c.core.features != nil {
		return c.core.features, nil
	}
	conn := c.AsConnector()
	v, err := conn.Version(ctx)
	if err != nil {
		return nil, err
	}
	f := &features{version: v}
	fields, err := conn.inputFields(ctx, "RegisterConnectorInput")
	if err == nil && fields != nil {
		f.registerFields, f.introspected = fields, true
		info, ierr := conn.inputFields(ctx, "ConnectorInfoInput")
		f.connectorInfo = ierr == nil && info != nil
	}
	if !f.introspected {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c.core.log.WarnContext(ctx, "schema introspection failed; choosing fields by version",
			"version", v.Raw, "error", err)
		f.registerFields = registerFieldsForVersion(v)
		// NOTE: the connectorInfo argument appeared around 6.2; the exact
		// release was not confirmed.
		f.connectorInfo = v.AtLeast(6, 2, 0)
	}
	c.core.features = f
	return f, nil
}

// inputFields returns the input field names of an input type, or nil when
// the platform has no such type.
func (c *Client) inputFields(ctx context.Context, typeName string) (map[string]bool, error) {
	resp, err := gen.InputFields(ctx, c, typeName)
	if err != nil {
		return nil, err
	}
	if resp.Type.Name == "" {
		return nil, nil
	}
	fields := map[string]bool{}
	for _, f := range resp.Type.InputFields {
		fields[f.Name] = true
	}
	return fields, nil
}

// registerFieldsForVersion lists the RegisterConnectorInput fields each
// platform release accepts, as pycti's releases sent them.
func registerFieldsForVersion(v Version) map[string]bool {
	fields := map[string]bool{"id": true, "name": true, "type": true, "scope": true,
		"auto": true, "only_contextual": true}
	if v.AtLeast(5, 12, 0) {
		fields["playbook_compatible"] = true
	}
	if v.AtLeast(6, 5, 7) {
		fields["listen_callback_uri"] = true
	}
	if v.AtLeast(6, 8, 9) {
		fields["auto_update"] = true
		fields["enrichment_resolution"] = true
	}
	if v.AtLeast(7, 0, 0) {
		fields["xtm_one_intent"] = true
	}
	return fields
}
