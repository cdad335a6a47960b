package render

import (
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/arcaapi/runbooks/build/page"
)

// Navigation bounds: a group with at most NavFull entries is listed whole on
// every page; a bigger one shows NavWindow entries around the current page
// on the pages in it, and only its title and size on the others, with a
// link to its group page: the first dozen titles of a group of thousands
// help no reader, and were most of every page's bytes. Each page's
// navigation is therefore bounded, and the site's total output grows
// linearly with the number of pages.
const (
	NavFull   = 40
	NavWindow = 12
)

// NavGroup is one group of the navigation.
type NavGroup struct {
	Title string
	Slug  string
	Href  string // the group page
	Count int
	Items []NavItem
	// ItemsHTML is the HTML of Items, each on a line of its own, for the
	// nav-group template to insert in one action rather than one a link.
	ItemsHTML template.HTML
	Before    int  // entries of the group not listed before Items
	After     int  // entries not listed after Items
	Current   bool // the current page is in this group

	// Folders are the group's folders, for the group of pages without a
	// severity when the theme has a nav-folder template; Items is empty
	// then.
	Folders       []NavFolder
	FoldersBefore int // folders not listed before Folders
	FoldersAfter  int // folders not listed after Folders

	// HTML is the group rendered by the theme's nav-group template, for
	// the nav template to insert; "" if the theme has no such template.
	HTML template.HTML
}

// NavItem is a link in the navigation.
type NavItem struct {
	Title   string
	Href    string
	Current bool
	Overdue bool
	Where   string // where the page is, when another page has its title

	// HTML is the link rendered by the theme's nav-item template, for the
	// nav-group template to insert; "" if the theme has no such template.
	HTML template.HTML
}

// The templates that render a NavGroup and a NavItem. Their output depends
// on that value alone, which is what lets the renderer reuse it.
const (
	navGroupTemplate = "nav-group"
	navItemTemplate  = "nav-item"
	tocLinkTemplate  = "toc-link"
)

// navCache holds the parts of the navigation that are the same on many
// pages: the groups without the current page, and the links to other pages.
// These differ between two pages only in their hrefs, and link.Base.Href
// writes every href from a page as a function of the target and the href
// of the site root from there ("../../index.html", or the base path), so
// one copy serves every page with the same root href.
// The site's data for a page (SiteData: its links to the assets, the home
// and search pages) is the same for every page with the same root href,
// and kept here too.
type navCache struct {
	groups  memo[navKey, NavGroup]
	items   memo[itemKey, NavItem]
	folders memo[folderKey, NavFolder]
	site    memo[string, SiteData] // by root href
	toc     memo[tocKey, template.HTML]
}

// tocKey is what a link of the table of contents shows: its rendering is
// the same on every page, as it links within the page.
type tocKey struct{ id, text string }

// linkContents sets the Link of the entries of a table of contents and of
// the entries under them.
func (r *Renderer) linkContents(items []TOCItem) error {
	if r.tmpl.Lookup(tocLinkTemplate) == nil {
		return nil
	}
	for i := range items {
		it := &items[i]
		link, err := r.navCache.toc.get(tocKey{it.ID, it.Text}, func() (template.HTML, error) {
			return r.execPart(tocLinkTemplate, *it)
		})
		if err != nil {
			return err
		}
		it.Link = link
		if err := r.linkContents(it.Children); err != nil {
			return err
		}
	}
	return nil
}

type navKey struct {
	group page.Group
	root  string // href of the site root from the pages
}

type itemKey struct {
	page *page.Page // the page linked to
	root string
}

// nav returns the navigation as seen from the page at site path from,
// which is cur, or nil for pages that are not in it.
func (r *Renderer) nav(from string, cur *page.Page) ([]NavGroup, error) {
	var out []NavGroup
	for gi, pages := range r.groups {
		if len(pages) == 0 {
			continue
		}
		ng, err := r.navGroup(page.Group(gi), from, cur)
		if err != nil {
			return nil, err
		}
		out = append(out, ng)
	}
	return out, nil
}

// navGroup returns group g of the navigation of the page cur at site path
// from. Only the group of cur is built for it; the others are the same on
// every page with the same root href, and built once for them all.
func (r *Renderer) navGroup(g page.Group, from string, cur *page.Page) (NavGroup, error) {
	if cur != nil && cur.Meta.Group() == g {
		return r.buildNavGroup(g, from, cur)
	}
	return r.navCache.groups.get(navKey{g, r.site.Base.Href(from, "")}, func() (NavGroup, error) {
		return r.buildNavGroup(g, from, nil)
	})
}

// buildNavGroup builds group g as seen from the page at site path from,
// which is cur, or nil when the page is not in the group.
func (r *Renderer) buildNavGroup(g page.Group, from string, cur *page.Page) (NavGroup, error) {
	pages := r.groups[g]
	ng := NavGroup{
		Title:   g.Title(),
		Slug:    g.Slug(),
		Href:    r.site.Base.Href(from, GroupURL(g)),
		Count:   len(pages),
		Current: cur != nil,
	}
	if g == page.Other && len(r.folders) > 0 {
		if err := r.navFolders(&ng, from, cur); err != nil {
			return NavGroup{}, err
		}
		var err error
		ng.HTML, err = r.execPart(navGroupTemplate, ng)
		return ng, err
	}
	lo, hi := 0, len(pages)
	if len(pages) > NavFull {
		lo, hi = 0, 0
		if ng.Current {
			i := r.posOf(cur)
			lo = max(0, min(i-NavWindow/2, len(pages)-NavWindow))
			hi = lo + NavWindow
		}
	}
	ng.Before, ng.After = lo, len(pages)-hi
	ng.Items = make([]NavItem, 0, hi-lo)
	var items strings.Builder
	for _, p := range pages[lo:hi] {
		it, err := r.navItem(p, from, p == cur)
		if err != nil {
			return NavGroup{}, err
		}
		ng.Items = append(ng.Items, it)
		items.WriteByte('\n')
		items.WriteString(string(it.HTML))
	}
	ng.ItemsHTML = template.HTML(items.String()) // each item escaped by its template
	var err error
	ng.HTML, err = r.execPart(navGroupTemplate, ng)
	return ng, err
}

// navItem returns the link to p in the navigation of the page at site path
// from. The link to the current page is built for it; a link to another
// page is the same on every page with the same root href, and built once
// for them all.
func (r *Renderer) navItem(p *page.Page, from string, current bool) (NavItem, error) {
	if current {
		return r.buildNavItem(p, from, true)
	}
	return r.navCache.items.get(itemKey{p, r.site.Base.Href(from, "")}, func() (NavItem, error) {
		return r.buildNavItem(p, from, false)
	})
}

// buildNavItem builds the link to p as seen from the page at site path from.
func (r *Renderer) buildNavItem(p *page.Page, from string, current bool) (NavItem, error) {
	it := NavItem{
		Title:   p.Meta.Title,
		Href:    r.site.Base.Href(from, p.URL),
		Current: current,
		Overdue: p.Meta.Overdue(r.site.BuildDate),
		Where:   r.whereOf(p),
	}
	var err error
	it.HTML, err = r.execPart(navItemTemplate, it)
	return it, err
}

// execPart renders a part of a page that many pages share (the
// navigation, the asset links) with the theme's template name, or returns
// "" if the theme has no such template.
func (r *Renderer) execPart(name string, data any) (template.HTML, error) {
	if r.tmpl.Lookup(name) == nil {
		return "", nil
	}
	var b strings.Builder
	if err := r.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("theme: %w", err)
	}
	return template.HTML(b.String()), nil // escaped by the template
}

// memo holds values by key, each built once. It is safe for concurrent use.
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

// get returns the value of k, calling build the first time k is asked for.
// A failed build is not remembered.
func (c *memo[K, V]) get(k K, build func() (V, error)) (V, error) {
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := build()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[K]V{}
	}
	c.m[k] = v
	c.mu.Unlock()
	return v, nil
}
