package render

import (
	"html/template"
	"strings"
	"time"

	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/page"
)

// Data is what every template receives.
type Data struct {
	Site     SiteData
	Page     PageInfo
	Nav      []NavGroup
	H1       template.HTML  // the page's leading H1, if it has one
	Body     template.HTML  // the rendered Markdown after it
	TOC      []page.Heading // H2 and H3 headings, for a table of contents
	Contents []TOCItem      // the same, H3 headings under their H2
	Index    []Table        // the index page: every runbook by group
	Group    *Table         // a group page: every page of the group
	Alerts   []AlertRow     // the index of alerts

	AlertsHref string // the 404 page: the index of alerts, "" when the site has none
}

// AlertRow is an alert on the index of alerts.
type AlertRow struct {
	Name     string // as the runbook writes it
	Href     string // the runbook
	Title    string // the runbook's title
	Severity string
}

// SiteData describes the site, with hrefs written for the current page.
type SiteData struct {
	Title     string
	Root      string            // href of the site root folder: "../../" or "/ops/"
	Home      string            // href of the index page
	Search    string            // href of the search page
	Asset     map[string]string // theme static file name → href
	Live      bool
	BuildDate string
	Worker    string // href of the service worker, "" for none
	// TickExpiry is the age, in seconds, after which checklist ticks are
	// offered for reset; 0 for the theme's default.
	TickExpiry int64
	Nav        string // href of the folder navigation's shared file, "" when there is none
	// Assets is the theme's links to its stylesheets and scripts,
	// rendered by its "assets" template from the rest of SiteData: once
	// for every page with the same root href, rather than every page
	// looking up and escaping each href. Header and Footer are the
	// site's header and footer, rendered the same way by the
	// "site-header" and "site-footer" templates. Each is "" when the
	// theme has no such template.
	Assets, Header, Footer template.HTML
}

// The templates that render SiteData.Assets, Header and Footer; their
// output depends on the SiteData alone.
const (
	assetsTemplate = "assets"
	headerTemplate = "site-header"
	footerTemplate = "site-footer"
)

// PageInfo is the current page's metadata, ready to show.
type PageInfo struct {
	Title       string
	Path        string // source path, "db/pool.md"
	URL         string // site path, "db/pool/"
	Canonical   string // absolute URL when the base URL is known, else ""
	EditURL     string
	IsRunbook   bool
	Type        string // "incident", "maintenance" or ""
	Severity    string // "SEV1"...
	Group       string // navigation group title
	GroupSlug   string // "sev1", ..., "maintenance", "other"
	Owner       string
	LastUpdated string
	ReviewDue   string
	Overdue     bool
	Alerts      []string
	Vars        []page.Var
	Diagrams    bool // the page has a Mermaid diagram: load the script that draws it
}

// Table lists the pages of a group on the index and group pages.
type Table struct {
	Title string
	Slug  string
	Href  string
	Rows  []Row
}

// Row is a page in a Table.
type Row struct {
	Title       string
	Href        string
	Severity    string
	Owner       string
	LastUpdated string
	ReviewDue   string
	Overdue     bool
	Alerts      []string
}

// data returns the data of the page at site path from, with the site's
// part shared by every page with the same root href: templates cannot
// change it.
func (r *Renderer) data(from string) (Data, error) {
	sd, err := r.navCache.site.get(r.site.Base.Href(from, ""), func() (SiteData, error) {
		return r.siteData(from)
	})
	return Data{Site: sd}, err
}

// siteData returns the site's data as seen from the page at site path from.
func (r *Renderer) siteData(from string) (SiteData, error) {
	b := r.site.Base
	root := b.Href(from, "")
	asset := make(map[string]string, len(r.assets))
	for name, p := range r.assets {
		asset[name] = b.Href(from, p)
	}
	var worker string
	if r.site.Offline {
		worker = b.Href(from, "sw.js")
	}
	sd := SiteData{
		Worker:     worker,
		TickExpiry: int64(r.site.TickExpiry / time.Second),
		Title:      r.site.Title,
		Root:       strings.TrimSuffix(root, "index.html"),
		Home:       root,
		Search:     b.Href(from, SearchURL),
		Asset:      asset,
		Live:       r.site.Live,
		BuildDate:  r.site.BuildDate.Format(page.DateLayout),
		Nav:        r.navHref(from),
	}
	for _, part := range []struct {
		name string
		to   *template.HTML
	}{{assetsTemplate, &sd.Assets}, {headerTemplate, &sd.Header}, {footerTemplate, &sd.Footer}} {
		html, err := r.execPart(part.name, sd)
		if err != nil {
			return SiteData{}, err
		}
		*part.to = html
	}
	return sd, nil
}

func (r *Renderer) info(p *page.Page) PageInfo {
	m := p.Meta
	g := m.Group()
	pi := PageInfo{
		Title:       m.Title,
		Path:        p.Path,
		URL:         p.URL,
		Canonical:   r.site.Base.Abs(p.URL),
		IsRunbook:   m.IsRunbook(),
		Type:        string(m.Type),
		Severity:    m.Severity,
		Group:       g.Title(),
		GroupSlug:   g.Slug(),
		Owner:       m.Owner,
		LastUpdated: m.LastUpdated,
		Overdue:     m.Overdue(r.site.BuildDate),
		Alerts:      m.Alerts,
		Vars:        m.Vars,
		Diagrams:    hasDiagram(p),
	}
	if due, ok := m.ReviewDue(); ok {
		pi.ReviewDue = due.Format(page.DateLayout)
	}
	if r.site.EditURL != "" {
		pi.EditURL = r.site.EditURL + p.Path
	}
	return pi
}

func (r *Renderer) table(g page.Group, from string) Table {
	t := Table{Title: g.Title(), Slug: g.Slug(), Href: r.site.Base.Href(from, GroupURL(g))}
	for _, p := range r.groups[g] {
		m := p.Meta
		row := Row{
			Title:       m.Title,
			Href:        r.site.Base.Href(from, p.URL),
			Severity:    m.Severity,
			Owner:       m.Owner,
			LastUpdated: m.LastUpdated,
			Overdue:     m.Overdue(r.site.BuildDate),
			Alerts:      m.Alerts,
		}
		if due, ok := m.ReviewDue(); ok {
			row.ReviewDue = due.Format(page.DateLayout)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// TOCItem is an entry of the table of contents and the entries under it.
// Its fields are page.Heading's spelled out, not embedded: a template that
// reads a promoted field has reflect search the embedded struct for it,
// allocating, on every read.
type TOCItem struct {
	Level    int
	Text     string
	ID       string
	Children []TOCItem // the H3 headings under an H2

	// Link is the link to the heading rendered by the theme's toc-link
	// template, "" if it has none. Pages that follow one template share
	// their headings, so each link is rendered once for all of them.
	Link template.HTML
}

// contents nests the H3 headings of a table of contents under their H2.
func contents(hs []page.Heading) []TOCItem {
	var out []TOCItem
	for _, h := range hs {
		if h.Level > 2 && len(out) > 0 {
			out[len(out)-1].Children = append(out[len(out)-1].Children, TOCItem{Level: h.Level, Text: h.Text, ID: h.ID})
			continue
		}
		out = append(out, TOCItem{Level: h.Level, Text: h.Text, ID: h.ID})
	}
	return out
}

// toc returns the H2 and H3 headings of a page long enough to need a table
// of contents.
func toc(hs []page.Heading) []page.Heading {
	var out []page.Heading
	for _, h := range hs {
		if h.Level == 2 || h.Level == 3 {
			out = append(out, h)
		}
	}
	if len(out) < 4 {
		return nil
	}
	return out
}

// hasDiagram reports whether the page has a Mermaid diagram.
func hasDiagram(p *page.Page) bool {
	for _, c := range p.Code {
		if c.Lang == markdown.DiagramLang {
			return true
		}
	}
	return false
}
