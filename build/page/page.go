// Package page defines the values that flow through the build: a page's
// runbook metadata, what parsing found in it (heading ids, links with their
// source positions, code blocks), and its rendered body.
package page

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/arcaapi/runbooks/build/params"
)

// Kind says what a page is: an incident runbook, a planned maintenance
// procedure, or an ordinary documentation page.
type Kind string

// The kinds of page.
const (
	Doc         Kind = ""
	Incident    Kind = "incident"
	Maintenance Kind = "maintenance"
)

// DateLayout is the layout of last_updated dates.
const DateLayout = "2006-01-02"

// DefaultReviewDays is how often a runbook is reviewed when it does not say:
// the runbooks are reviewed quarterly.
const DefaultReviewDays = 90

// Var is a parameter a runbook declares for its commands.
type Var struct {
	Name    string
	Default string
	Type    params.Type // the values it takes
}

// Meta is a page's metadata, from YAML front matter or template-style
// "**Severity**: SEV1" lines.
type Meta struct {
	Title       string
	Severity    string // "SEV1", "SEV2", "SEV3" or ""
	Type        Kind
	Owner       string
	LastUpdated string // YYYY-MM-DD or ""
	ReviewEvery int    // days
	Alerts      []string
	AlertsAt    []Pos // where each of Alerts is written
	Vars        []Var
	Weight      int // orders the pages of a folder in the navigation: lightest first, 0 last

	Draft     bool     // Hugo's draft: true: the page is left out of the site
	Aliases   []string // Hugo's aliases: other URLs that lead to the page
	AliasesAt []Pos    // where each of Aliases is written

	// LastUpdatedLine is the file line that gives last_updated, 0 when
	// none does.
	LastUpdatedLine int
}

// Pos is a position in a source file: line and column, 1-based, front
// matter counted.
type Pos struct{ Line, Col int }

// AlertAt returns where the i'th of m.Alerts is written, or line 1 when
// that is not known.
func (m Meta) AlertAt(i int) Pos {
	if i < len(m.AlertsAt) {
		return m.AlertsAt[i]
	}
	return Pos{1, 1}
}

// IsRunbook reports whether the page is a runbook rather than a plain
// documentation page.
func (m Meta) IsRunbook() bool { return m.Type != Doc }

// ReviewDue returns the date by which the runbook should be reviewed again,
// and false when it has no valid last_updated date.
func (m Meta) ReviewDue() (time.Time, bool) {
	t, err := time.Parse(DateLayout, m.LastUpdated)
	if err != nil {
		return time.Time{}, false
	}
	days := m.ReviewEvery
	if days <= 0 {
		days = DefaultReviewDays
	}
	return t.AddDate(0, 0, days), true
}

// Overdue reports whether the runbook's review date is before now.
func (m Meta) Overdue(now time.Time) bool {
	due, ok := m.ReviewDue()
	return ok && m.IsRunbook() && due.Before(now.Truncate(24*time.Hour))
}

// Group is a navigation group.
type Group int

// The navigation groups, in display order.
const (
	SEV1 Group = iota
	SEV2
	SEV3
	Procedures
	Other
	NumGroups
)

// Group returns the navigation group the page belongs to.
func (m Meta) Group() Group {
	if m.Type == Maintenance {
		return Procedures
	}
	if m.Type == Incident {
		switch m.Severity {
		case "SEV1":
			return SEV1
		case "SEV2":
			return SEV2
		case "SEV3":
			return SEV3
		}
	}
	return Other
}

// Title returns the group's heading in the navigation.
func (g Group) Title() string {
	return [...]string{"SEV1 Critical", "SEV2 High", "SEV3 Medium", "Maintenance procedures", "Other pages"}[g]
}

// Slug returns the group's short name, used in URLs and CSS classes.
func (g Group) Slug() string {
	return [...]string{"sev1", "sev2", "sev3", "maintenance", "other"}[g]
}

// Heading is a heading of a page with its id.
type Heading struct {
	Level int
	Text  string
	ID    string
	Line  int
}

// LinkKind tells links, images and autolinks apart.
type LinkKind int

// The kinds of link.
const (
	Link LinkKind = iota
	Image
	AutoLink
)

// Ref is a link found in a page's Markdown, with the position of its first
// character in the source file (front matter counted), 1-based.
type Ref struct {
	Kind LinkKind
	Dest string // the target as written
	Line int
	Col  int
}

// Section is the plain text of a page under one heading, for search.
type Section struct {
	ID    string // heading id, "" before the first heading
	Title string
	Text  string
}

// Page is a parsed page: its metadata and what the checks, the navigation
// and the search index need. Its HTML is not kept: the render stage makes
// it from the source when it writes the page (see Body).
type Page struct {
	Path     string
	URL      string
	Meta     Meta
	Headings []Heading
	IDs      IDs // every id a #fragment may name
	Refs     []Ref
	Sections []Section
	Code     []CodeBlock
	Disables []Disable // <!-- runbooks-disable-next-line --> comments
	// Sum is the CRC-32C of the source file the page was parsed from, so
	// that the render stage, which reads the file again, can tell that it
	// changed in between; 0 when the file could not be read.
	Sum uint32
}

// IDs is the set of ids a #fragment may name on a page, sorted: a slice
// rather than a map, as every page of the site keeps one for the checks.
type IDs []string

// NewIDs returns the set of the ids in m.
func NewIDs(m map[string]bool) IDs {
	ids := make(IDs, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Has reports whether id is in the set.
func (s IDs) Has(id string) bool {
	_, ok := slices.BinarySearch(s, id)
	return ok
}

// Body is the HTML of a page's Markdown, as the render stage makes it.
type Body struct {
	H1   []byte // the page's leading H1, shown above the metadata
	Rest []byte // the Markdown after the leading H1
}

// Disable is a <!-- runbooks-disable-next-line rule ... --> comment: it
// silences the problems of the rules it names (every rule when it names
// none) on the line after it.
type Disable struct {
	Line, Col int
	Rules     []string
}

// CodeBlock is a fenced or indented code block, with what the lint rules
// need to know about it.
type CodeBlock struct {
	Lang        string
	Line        int  // line of the opening fence (or first line when indented)
	Col         int  // column of the opening fence
	Fenced      bool // a ``` or ~~~ block rather than an indented one
	Closed      bool // a fenced block has its closing fence
	Destructive bool // the code contains a destructive command, or the fence says {destructive}
	// Attrs are the words of the fence's {attributes} after the language:
	// "nocheck", "destructive", "safe" (```bash {nocheck}).
	Attrs []string
	// Code is the block's content as a reader copies it, and CodeLine the
	// file line of its first line. The parse stage checks the commands in
	// it and then empties Code and Cols: the site keeps no block's text. Cols gives, for each line of Code, the
	// file column of its first character minus one (the indent of a list
	// item or a quote's "> "); nil when every line starts in column 1.
	Code     string
	CodeLine int
	Cols     []int
	// InnerFences are the lines inside the block that look like the
	// opening fence of another block with a language ("```bash"): the author
	// most likely meant to nest and needed a longer outer fence.
	InnerFences []int
	// Hidden are the invisible characters in the code that can make what
	// is copied and run differ from what a reader sees: bidirectional
	// controls and zero-width characters.
	Hidden []HiddenChar
}

// HiddenChar is an invisible character in a code block, where it is in the
// file.
type HiddenChar struct {
	Rune rune
	Pos
}

// IsBidiControl reports whether r is an explicit bidirectional embedding,
// override or isolate, which reorders how the text around it is shown
// (the "Trojan Source" characters).
func IsBidiControl(r rune) bool {
	return 0x202A <= r && r <= 0x202E || 0x2066 <= r && r <= 0x2069
}

// IsZeroWidth reports whether r is a zero-width space, joiner, non-joiner,
// word joiner or byte order mark: invisible, but part of what is copied.
func IsZeroWidth(r rune) bool {
	return 0x200B <= r && r <= 0x200D || r == 0x2060 || r == 0xFEFF
}

// Has reports whether the fence's attributes include attr.
func (c CodeBlock) Has(attr string) bool {
	for _, a := range c.Attrs {
		if a == attr {
			return true
		}
	}
	return false
}

// IsIndex reports whether the file is its folder's index page.
func IsIndex(path string) bool {
	base := path[strings.LastIndexByte(path, '/')+1:]
	switch strings.ToLower(base) {
	case "readme.md", "index.md", "_index.md":
		return true
	}
	return false
}

// URLOf returns the site path of the page built from the Markdown file at
// path: "db/pool.md" → "db/pool/", "db/README.md" → "db/", "README.md" → "".
func URLOf(path string) string {
	p := strings.TrimSuffix(path, ".md")
	if IsIndex(path) {
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return ""
		}
		return p[:i+1]
	}
	return p + "/"
}

// File is a file of the built site: a slash path and its content.
type File struct {
	Name string
	Data []byte
}

// CompareTitles orders two titles as the navigation and the search index
// list pages: as cmp.Compare orders their strings.ToLower forms, without
// making them (a sort of 10,000 titles would make half a million).
func CompareTitles(a, b string) int {
	for a != "" && b != "" {
		ra, na := lowerRune(a)
		rb, nb := lowerRune(b)
		if ra != rb {
			return cmp.Compare(ra, rb) // UTF-8 orders its bytes as it orders code points
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

// lowerRune returns the first rune of s as strings.ToLower writes it (an
// invalid byte as utf8.RuneError), and its width in s.
func lowerRune(s string) (rune, int) {
	if c := s[0]; c < utf8.RuneSelf {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		return rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(s)
	return unicode.ToLower(r), n
}
