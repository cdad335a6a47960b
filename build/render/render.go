// Package render implements the render stage: it puts parsed pages into the
// theme's html/template layouts with the severity-grouped navigation, and
// prepares the theme's fingerprinted CSS and JavaScript.
package render

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// Site is everything the renderer needs to know about the whole site.
type Site struct {
	Title     string
	Base      link.Base
	BuildDate time.Time
	EditURL   string // prefix for "edit this page" links, "" for none
	Live      bool   // add the live-reload script (serve only)
	Offline   bool   // register the service worker the build writes at the site's root
	// TickExpiry is the age after which the theme offers checklist ticks
	// for reset; zero leaves the theme's default.
	TickExpiry time.Duration
	Pages      []*page.Page
}

// Theme is a loaded theme: parsed templates and static files, ready to
// render any number of sites (the preview server keeps one until the
// theme changes).
type Theme struct {
	tmpl   *template.Template
	files  []page.File
	assets map[string]string // theme file name → site path (fingerprinted)
}

// Renderer renders pages of one site. It is safe for concurrent use.
type Renderer struct {
	site Site
	*Theme
	groups   [page.NumGroups][]*page.Page // each in navigation order (navOrder)
	titles   []string                     // the lowercased titles of the pages in groups, sorted
	navCache navCache
	bufs     sync.Pool // of *bytes.Buffer, reused by exec rather than regrown for every page
	diagrams int       // the pages with a diagram

	// The folders of the pages without a severity group (empty when the
	// theme has no nav-folder template), the folder of each such page and
	// its place there (-1 for the folder's index page).
	folders   []*folder
	folderOf  map[*page.Page]int
	folderPos map[*page.Page]int
}

// LoadTheme parses the templates and reads the static files of the theme
// in themeFS.
func LoadTheme(themeFS fs.FS) (*Theme, error) {
	t := &Theme{assets: map[string]string{}}
	tmpl, err := template.New("").Funcs(funcs).ParseFS(themeFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	for _, name := range []string{"page.html", "404.html", "alerts.html", "search.html"} {
		if tmpl.Lookup(name) == nil {
			return nil, fmt.Errorf("theme: templates/%s is missing", name)
		}
	}
	t.tmpl = tmpl
	if err := t.loadStatic(themeFS); err != nil {
		return nil, err
	}
	return t, nil
}

// New returns the renderer of a site in a theme.
func New(theme *Theme, site Site) *Renderer {
	r := &Renderer{site: site, Theme: theme}
	for _, p := range site.Pages {
		if hasDiagram(p) {
			r.diagrams++
		}
		if !inNav(p) {
			continue
		}
		g := p.Meta.Group()
		r.groups[g] = append(r.groups[g], p)
		r.titles = append(r.titles, strings.ToLower(p.Meta.Title))
	}
	for g := range r.groups {
		slices.SortFunc(r.groups[g], navOrder)
	}
	slices.Sort(r.titles)
	if theme.tmpl.Lookup(navFolderTemplate) != nil {
		r.groupFolders()
	}
	return r
}

// Update returns the renderer of site, whose pages are those of prev's
// site without removed and with added (a changed page is both: removed as
// it was, added as it is), in prev's theme. It costs what the change
// costs, not what the site does: the navigation stays sorted and only the
// removed and added pages move in it, and the folders of the pages
// without a severity are sorted again only when one of those pages, or
// an index page, changed. Its output is New's for the same site; when
// removed does not match prev's pages, Update is New.
func Update(prev *Renderer, site Site, removed, added []*page.Page) *Renderer {
	r := &Renderer{site: site, Theme: prev.Theme, groups: prev.groups, titles: slices.Clone(prev.titles), diagrams: prev.diagrams,
		folders: prev.folders, folderOf: prev.folderOf, folderPos: prev.folderPos}
	var cloned [page.NumGroups]bool
	edit := func(g page.Group) []*page.Page {
		if !cloned[g] {
			r.groups[g], cloned[g] = slices.Clone(r.groups[g]), true
		}
		return r.groups[g]
	}
	refold := false
	for _, p := range removed {
		if hasDiagram(p) {
			r.diagrams--
		}
		refold = refold || page.IsIndex(p.Path) || p.Meta.Group() == page.Other
		if !inNav(p) {
			continue
		}
		g := p.Meta.Group()
		ps := edit(g)
		i, found := slices.BinarySearchFunc(ps, p, navOrder)
		t := strings.ToLower(p.Meta.Title)
		j, titled := slices.BinarySearch(r.titles, t)
		if !found || ps[i] != p || !titled {
			return New(prev.Theme, site)
		}
		r.groups[g] = slices.Delete(ps, i, i+1)
		r.titles = slices.Delete(r.titles, j, j+1)
	}
	for _, p := range added {
		if hasDiagram(p) {
			r.diagrams++
		}
		refold = refold || page.IsIndex(p.Path) || p.Meta.Group() == page.Other
		if !inNav(p) {
			continue
		}
		g := p.Meta.Group()
		ps := edit(g)
		i, found := slices.BinarySearchFunc(ps, p, navOrder)
		if found {
			return New(prev.Theme, site) // a page of that path is there already
		}
		r.groups[g] = slices.Insert(ps, i, p)
		t := strings.ToLower(p.Meta.Title)
		j, _ := slices.BinarySearch(r.titles, t)
		r.titles = slices.Insert(r.titles, j, t)
	}
	if refold && prev.tmpl.Lookup(navFolderTemplate) != nil {
		r.folders, r.folderOf, r.folderPos = nil, nil, nil
		r.groupFolders()
	}
	return r
}

// inNav reports whether the navigation lists p: every page but the index
// page, which is the site's home.
func inNav(p *page.Page) bool { return p.URL != "" }

// navOrder orders the pages of a navigation group: by weight, then
// title, then path.
func navOrder(a, b *page.Page) int {
	return cmp.Or(byWeight(a.Meta.Weight, b.Meta.Weight),
		page.CompareTitles(a.Meta.Title, b.Meta.Title), cmp.Compare(a.Path, b.Path))
}

// posOf returns the index of p, a page of the navigation, within its
// group.
func (r *Renderer) posOf(p *page.Page) int {
	i, _ := slices.BinarySearchFunc(r.groups[p.Meta.Group()], p, navOrder)
	return i
}

var funcs = template.FuncMap{
	"lower":      strings.ToLower,
	"trimPrefix": strings.TrimPrefix,
}

// loadStatic reads the theme's static files, without the comments and
// indentation of CSS and JS, fingerprinting those so they can be cached
// forever.
func (t *Theme) loadStatic(themeFS fs.FS) error {
	add := func(name string, data []byte) {
		data = shrink(name, data)
		out := "assets/" + name
		if ext := path.Ext(name); ext == ".css" || ext == ".js" {
			sum := sha256.Sum256(data)
			out = "assets/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		}
		t.assets[name] = out
		t.files = append(t.files, page.File{Name: out, Data: data})
	}
	err := fs.WalkDir(themeFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if name == "live.js" || name == "live.css" {
			return nil // the preview server's reload client: serve serves it, no built site carries it
		}
		data, err := fs.ReadFile(themeFS, p)
		if err != nil {
			return err
		}
		add(name, data)
		return nil
	})
	if err != nil {
		return fmt.Errorf("theme: %w", err)
	}
	return nil
}

// Files returns the theme's static files as they are written to the site.
// The diagram scripts are among them only when a page has a diagram.
func (r *Renderer) Files() []page.File {
	if r.diagrams > 0 {
		return r.files
	}
	out := make([]page.File, 0, len(r.files))
	for _, f := range r.files {
		if f.Name != r.assets[mermaidScript] && f.Name != r.assets[diagramScript] {
			out = append(out, f)
		}
	}
	return out
}

// The theme's files that draw diagrams: loaded only by pages with one.
const (
	mermaidScript = "vendor/mermaid.min.js"
	diagramScript = "diagrams.js"
)

// Base returns how the site's URLs are written.
func (r *Renderer) Base() link.Base { return r.site.Base }

// AssetPath returns the site path of a theme static file ("style.css").
func (r *Renderer) AssetPath(name string) string { return r.assets[name] }

// Assets returns the site path of every static file of the theme by its
// name in the theme ("style.css" → "assets/style.0123456789.css").
func (r *Renderer) Assets() map[string]string { return maps.Clone(r.assets) }

// GroupURL returns the site path of a navigation group's page.
func GroupURL(g page.Group) string { return "groups/" + g.Slug() + "/" }

// Page renders a page of the site with its body's HTML.
func (r *Renderer) Page(w io.Writer, p *page.Page, body page.Body) error {
	d, err := r.data(p.URL)
	if err != nil {
		return err
	}
	d.Page = r.info(p)
	// goldmark's output: raw HTML sanitized and dangerous URLs dropped.
	d.H1, d.Body = template.HTML(body.H1), template.HTML(body.Rest)
	nav, err := r.nav(p.URL, p)
	if err != nil {
		return err
	}
	d.Nav = nav
	d.TOC = toc(p.Headings)
	d.Contents = contents(d.TOC)
	if err := r.linkContents(d.Contents); err != nil {
		return err
	}
	if p.URL == "" {
		for g := range page.NumGroups {
			if g == page.Other || len(r.groups[g]) == 0 {
				continue
			}
			d.Index = append(d.Index, r.table(page.Group(g), p.URL))
		}
	}
	return r.exec(w, "page.html", d)
}

// Group renders the page that lists every page of a navigation group.
func (r *Renderer) Group(w io.Writer, g page.Group) error {
	u := GroupURL(g)
	d, err := r.data(u)
	if err != nil {
		return err
	}
	d.Page = PageInfo{Title: g.Title(), URL: u, Canonical: r.site.Base.Abs(u)}
	nav, err := r.nav(u, nil)
	if err != nil {
		return err
	}
	d.Nav = nav
	t := r.table(g, u)
	d.Group = &t
	return r.exec(w, "page.html", d)
}

// NotFound renders the 404 page. Hosts serve it at any path, so its links
// are written from the site root: the base path, or "/" when the base URL
// is unknown (a host serves the site from its root). Its script resolves
// alert URLs in any case (package alerts).
func (r *Renderer) NotFound(w io.Writer) error {
	if r.site.Base.Path == "" {
		site := r.site
		site.Base.Path = "/"
		return New(r.Theme, site).NotFound(w)
	}
	d, err := r.data("")
	if err != nil {
		return err
	}
	d.Page = PageInfo{Title: "Page not found"}
	if claimed, _ := alerts.Claim(r.site.Pages); len(claimed) > 0 && !r.hasPage(AlertsURL) {
		d.AlertsHref = r.site.Base.Href("", AlertsURL)
	}
	nav, err := r.nav("", nil)
	if err != nil {
		return err
	}
	d.Nav = nav
	return r.exec(w, "404.html", d)
}

// SearchURL is the site path of the search page.
const SearchURL = "search/"

// Search renders the search page: the theme's script shows the results of
// its ?q= query there; without JavaScript it lists the group pages.
func (r *Renderer) Search(w io.Writer) error {
	d, err := r.data(SearchURL)
	if err != nil {
		return err
	}
	d.Page = PageInfo{Title: "Search", URL: SearchURL, Canonical: r.site.Base.Abs(SearchURL)}
	nav, err := r.nav(SearchURL, nil)
	if err != nil {
		return err
	}
	d.Nav = nav
	return r.exec(w, "search.html", d)
}

// hasPage reports whether a page of the site is built at the site path u.
func (r *Renderer) hasPage(u string) bool {
	for _, p := range r.site.Pages {
		if p.URL == u {
			return true
		}
	}
	return false
}

// AlertsURL is the site path of the index of alerts.
const AlertsURL = alerts.Prefix

// Alerts renders the index of alerts: each alert with the runbook it leads
// to. Its script, like the 404 page's, sends a reader who came with an
// alert name on to the runbook.
func (r *Renderer) Alerts(w io.Writer, list []alerts.Alert) error {
	d, err := r.data(AlertsURL)
	if err != nil {
		return err
	}
	d.Page = PageInfo{Title: "Alerts", URL: AlertsURL, Canonical: r.site.Base.Abs(AlertsURL)}
	nav, err := r.nav(AlertsURL, nil)
	if err != nil {
		return err
	}
	d.Nav = nav
	for _, a := range list {
		d.Alerts = append(d.Alerts, AlertRow{
			Name: a.Name, Href: r.site.Base.Href(AlertsURL, a.Page.URL),
			Title: a.Page.Meta.Title, Severity: a.Page.Meta.Severity,
		})
	}
	return r.exec(w, "alerts.html", d)
}

// exec renders the template name into w, or nothing into w if it fails.
func (r *Renderer) exec(w io.Writer, name string, d Data) error {
	if b, ok := w.(*bytes.Buffer); ok { // no copy: what a failure wrote is cut off
		n := b.Len()
		if err := r.tmpl.ExecuteTemplate(b, name, d); err != nil {
			b.Truncate(n)
			return fmt.Errorf("theme: %w", err)
		}
		return nil
	}
	buf, ok := r.bufs.Get().(*bytes.Buffer)
	if !ok {
		buf = new(bytes.Buffer)
	}
	defer func() {
		buf.Reset()
		r.bufs.Put(buf)
	}()
	if err := r.tmpl.ExecuteTemplate(buf, name, d); err != nil {
		return fmt.Errorf("theme: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
