package render

import (
	"cmp"
	"encoding/json"
	"html/template"
	"path"
	"slices"
	"strings"

	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// Pages without a severity group (plain documentation, mostly) are listed
// in the navigation by folder, as the tree has them: one collapsible group
// per folder, titled by the folder's index page, its pages ordered by
// weight and title, the folders in the tree's order with the subfolders of
// a folder ordered by their index pages' weight and title. Only the current page's folder is listed with its
// links; the others show their title and size, and the theme's script
// fills them in from one shared file, NavFile, when the reader opens one.
// So a page's navigation stays the same size however many folders and
// pages the site has.

// NavFile is the site path of the folder navigation's shared file.
const NavFile = "nav.json"

// folder is a folder of the navigation: the pages of page.Other in it.
type folder struct {
	dir   string     // "db/legacy", "" for the top level
	title string     // its index page's title, else its name
	index *page.Page // the folder's index page, if it is in the group
	pages []*page.Page
}

// NavFolder is a folder of the navigation as seen from one page.
type NavFolder struct {
	Title  string
	Path   string // the folder, "db/legacy"; "" for the top level
	Where  string // where it is, when its title does not say: "db/legacy"
	Depth  int    // 0 for the top level, 1 for "db", 2 for "db/legacy"
	Count  int
	Open   bool     // the current page is in the folder: its links are listed
	Index  *NavItem // the folder's index page, first in the list
	Items  []NavItem
	Before int    // pages not listed before Items
	After  int    // pages not listed after Items
	More   string // where the pages not listed are: the index page, or the group page
	HTML   template.HTML
}

// navFolderTemplate renders a NavFolder; a theme without it lists the
// pages without a severity group as one group.
const navFolderTemplate = "nav-folder"

// folderKey names a collapsed folder as seen from pages with one root href.
type folderKey struct {
	folder int
	root   string
}

// groupFolders sorts the pages of page.Other into their folders.
func (r *Renderer) groupFolders() {
	byDir := map[string]*folder{}
	for _, p := range r.groups[page.Other] {
		dir := path.Dir(p.Path)
		if dir == "." {
			dir = ""
		}
		f := byDir[dir]
		if f == nil {
			f = &folder{dir: dir}
			byDir[dir] = f
			r.folders = append(r.folders, f)
		}
		if page.IsIndex(p.Path) && dir != "" && f.index == nil {
			f.index = p
			continue
		}
		f.pages = append(f.pages, p)
	}
	order := newFolderOrder(r.site.Pages)
	slices.SortFunc(r.folders, func(a, b *folder) int { return order.compare(a.dir, b.dir) })
	r.folderOf = make(map[*page.Page]int, len(r.groups[page.Other]))
	r.folderPos = make(map[*page.Page]int, len(r.groups[page.Other]))
	for i, f := range r.folders {
		switch {
		case f.index != nil:
			f.title = f.index.Meta.Title
		case f.dir == "":
			f.title = "Top level"
		default:
			f.title = path.Base(f.dir)
		}
		// f.pages are in the group's order: by weight, then title.
		if f.index != nil {
			r.folderOf[f.index] = i
			r.folderPos[f.index] = -1
		}
		for j, p := range f.pages {
			r.folderOf[p] = i
			r.folderPos[p] = j
		}
	}
}

// whereOf returns where the page p of the navigation is, when another
// page of the navigation has its title (in any case), else "".
func (r *Renderer) whereOf(p *page.Page) string {
	t := strings.ToLower(p.Meta.Title)
	i, found := slices.BinarySearch(r.titles, t)
	if !found || i+1 == len(r.titles) || r.titles[i+1] != t {
		return ""
	}
	return whereIs(p)
}

// whereIs names the place of a page in the tree: its folder, or its file
// at the top level.
func whereIs(p *page.Page) string {
	if dir := path.Dir(p.Path); dir != "." {
		if page.IsIndex(p.Path) {
			return dir + "/"
		}
		return strings.TrimSuffix(p.Path, ".md")
	}
	return strings.TrimSuffix(p.Path, ".md")
}

// navFolders fills the folder part of the group of pages without a
// severity, as seen from the page cur (nil, or a page of another group,
// for none): a window of folders around cur's, cur's with its links.
func (r *Renderer) navFolders(ng *NavGroup, from string, cur *page.Page) error {
	at, in := r.folderOf[cur]
	if cur == nil || cur.Meta.Group() != page.Other {
		in = false
	}
	lo, hi := 0, len(r.folders)
	if len(r.folders) > NavFull {
		lo, hi = 0, NavWindow
		if in {
			lo = max(0, min(at-NavWindow/2, len(r.folders)-NavWindow))
			hi = lo + NavWindow
		}
	}
	ng.FoldersBefore, ng.FoldersAfter = lo, len(r.folders)-hi
	ng.Folders = make([]NavFolder, 0, hi-lo)
	root := r.site.Base.Href(from, "")
	for i := lo; i < hi; i++ {
		var (
			nf  NavFolder
			err error
		)
		if in && i == at {
			nf, err = r.buildNavFolder(i, from, cur)
		} else {
			nf, err = r.navCache.folders.get(folderKey{i, root}, func() (NavFolder, error) {
				return r.buildNavFolder(i, from, nil)
			})
		}
		if err != nil {
			return err
		}
		ng.Folders = append(ng.Folders, nf)
	}
	return nil
}

// buildNavFolder builds folder i as seen from the page at site path from,
// which is cur, or nil when the page is not in the folder: then only its
// title and size are listed.
func (r *Renderer) buildNavFolder(i int, from string, cur *page.Page) (NavFolder, error) {
	f := r.folders[i]
	nf := NavFolder{
		Title: f.title,
		Path:  f.dir,
		Depth: strings.Count(f.dir, "/") + 1,
		Count: len(f.pages),
		Open:  cur != nil,
		More:  r.site.Base.Href(from, GroupURL(page.Other)),
	}
	if f.dir == "" {
		nf.Depth = 0
	}
	if f.dir != "" && f.title != path.Base(f.dir) {
		nf.Where = f.dir
	}
	if f.index != nil {
		nf.Count++
		nf.More = r.site.Base.Href(from, f.index.URL)
	}
	if cur == nil {
		var err error
		nf.HTML, err = r.execPart(navFolderTemplate, nf)
		return nf, err
	}
	if f.index != nil {
		it, err := r.navItem(f.index, from, f.index == cur)
		if err != nil {
			return NavFolder{}, err
		}
		nf.Index = &it
	}
	lo, hi := 0, len(f.pages)
	if len(f.pages) > NavFull {
		lo, hi = 0, NavWindow
		if j := r.folderPos[cur]; j >= 0 && f.index != cur {
			lo = max(0, min(j-NavWindow/2, len(f.pages)-NavWindow))
			hi = lo + NavWindow
		}
	}
	nf.Before, nf.After = lo, len(f.pages)-hi
	for _, p := range f.pages[lo:hi] {
		it, err := r.navItem(p, from, p == cur)
		if err != nil {
			return NavFolder{}, err
		}
		nf.Items = append(nf.Items, it)
	}
	var err error
	nf.HTML, err = r.execPart(navFolderTemplate, nf)
	return nf, err
}

// navEntry is a page in NavFile.
type navEntry struct {
	Title   string `json:"t"`
	URL     string `json:"u"` // site path, escaped for an href
	Where   string `json:"w,omitempty"`
	Overdue bool   `json:"o,omitempty"`
}

// NavJSON returns NavFile: the pages of each folder of the navigation, by
// folder, in order, the index page first; nil when the navigation has no
// folders.
func (r *Renderer) NavJSON() ([]byte, error) {
	if len(r.folders) == 0 || r.tmpl.Lookup(navFolderTemplate) == nil {
		return nil, nil
	}
	esc := link.Base{Path: "/"}
	out := make(map[string][]navEntry, len(r.folders))
	for _, f := range r.folders {
		var list []navEntry
		ps := f.pages
		if f.index != nil {
			ps = append([]*page.Page{f.index}, ps...)
		}
		for _, p := range ps {
			list = append(list, navEntry{
				Title:   p.Meta.Title,
				URL:     strings.TrimPrefix(esc.Href("", p.URL), "/"),
				Where:   r.whereOf(p),
				Overdue: p.Meta.Overdue(r.site.BuildDate),
			})
		}
		out[f.dir] = list
	}
	return json.Marshal(map[string]any{"folders": out})
}

// navHref returns the href of NavFile from the page at site path from, or
// "" when the navigation has no folders.
func (r *Renderer) navHref(from string) string {
	if len(r.folders) == 0 {
		return ""
	}
	return r.site.Base.Href(from, NavFile)
}

// byWeight orders two weights as Hugo does: lightest first, and 0 (no
// weight) after every other weight, negative ones included.
func byWeight(a, b int) int {
	switch {
	case a == b:
		return 0
	case a == 0:
		return 1
	case b == 0:
		return -1
	}
	return cmp.Compare(a, b)
}

// folderOrder orders the folders of the navigation as a tree: a folder
// comes before its subfolders, and the subfolders of one folder are
// ordered by the weight of their index pages, then by title (the index
// page's, else the folder's name), as Hugo orders sections.
type folderOrder struct {
	index map[string]*page.Page // folder → its index page, of any group
}

func newFolderOrder(pages []*page.Page) folderOrder {
	o := folderOrder{index: map[string]*page.Page{}}
	for _, p := range pages {
		if dir := path.Dir(p.Path); dir != "." && page.IsIndex(p.Path) {
			if _, ok := o.index[dir]; !ok {
				o.index[dir] = p
			}
		}
	}
	return o
}

// compare orders the folders a and b ("db", "db/legacy"; "" for the top
// level, which comes first).
func (o folderOrder) compare(a, b string) int {
	if a == b {
		return 0
	}
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	if a == "" {
		return -1
	}
	if b == "" {
		return 1
	}
	for i := 0; ; i++ {
		switch {
		case i == len(as):
			return -1 // a holds b
		case i == len(bs):
			return 1
		case as[i] != bs[i]:
			pa, pb := strings.Join(as[:i+1], "/"), strings.Join(bs[:i+1], "/")
			wa, ta := o.key(pa)
			wb, tb := o.key(pb)
			return cmp.Or(byWeight(wa, wb), cmp.Compare(ta, tb), cmp.Compare(pa, pb))
		}
	}
}

// key returns the weight and the lowercased title that order the folder
// dir among its siblings: the title it has in the navigation, which is its
// index page's when that page is listed in the folder.
func (o folderOrder) key(dir string) (int, string) {
	p := o.index[dir]
	switch {
	case p == nil:
		return 0, strings.ToLower(path.Base(dir))
	case p.Meta.Group() != page.Other || p.Meta.Title == "":
		return p.Meta.Weight, strings.ToLower(path.Base(dir))
	}
	return p.Meta.Weight, strings.ToLower(p.Meta.Title)
}
