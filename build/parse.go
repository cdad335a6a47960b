package build

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/arcaapi/runbooks/build/alias"
	"github.com/arcaapi/runbooks/build/cache"
	"github.com/arcaapi/runbooks/build/config"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/hugo"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/load"
	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/meta"
	"github.com/arcaapi/runbooks/build/page"
)

// Site is a parsed site: its pages, the other files it publishes, and,
// once checked, every problem.
type Site struct {
	Src      fs.FS
	Tree     load.Tree
	Pages    []*page.Page // sorted by path
	Problems []diag.Problem
	Now      time.Time
	Title    string
	Lowered  int // problems lowered or silenced by the configuration

	Files []string // the source tree's files that are published besides the pages, sorted
	// Aliases are the other URLs of pages (Hugo's aliases: front matter)
	// that lead to them, sorted by path.
	Aliases []alias.Alias

	// What check and an incremental parse need to redo only the pages
	// that changed.
	loadProbs  []diag.Problem   // the load stage's problems
	pageProbs  [][]diag.Problem // each page's own problems, by index in Pages
	cached     int              // pages taken from the page cache
	assets     assetKinds       // what may be published of the tree's other files
	aliasProbs []diag.Problem   // the aliases that lead nowhere, or collide
}

// loaded is the load stage's result: the tree and the problems of the
// walk (two files building to one URL, runbooks.toml's own).
type loaded struct {
	tree  load.Tree
	probs []diag.Problem
}

// load walks the source tree: its pages, other files and folders.
func (set settings) load() (loaded, error) {
	tree, probs, err := load.WalkWith(set.src, set.loadOptions())
	if err != nil {
		return loaded{}, err
	}
	return loaded{tree, append(slices.Clip(set.configProblems()), probs...)}, nil
}

// parse parses every page of the tree in parallel, taking unchanged pages
// from cache, which may be nil (it must only ever be used with the same
// highlighter). Each page's own problems (metadata, unclosed fences) are
// kept with the site for check. Drafts are left out, and the site's
// title and the files it publishes besides its pages are decided.
func (set settings) parse(ctx context.Context, tree loaded, hl markdown.Highlighter, cache *cache.Pages) (*Site, error) {
	p := newParser(set, tree.tree, hl)
	p.cache = cache
	pages := make([]*page.Page, len(tree.tree.Pages))
	perPage := make([][]diag.Problem, len(tree.tree.Pages))
	if err := parallel(ctx, len(tree.tree.Pages), func(i int) {
		pages[i], perPage[i] = p.page(ctx, tree.tree.Pages[i])
	}); err != nil {
		return nil, err
	}
	site := set.site(tree, pages, perPage)
	site.cached = int(p.cached.Load())
	return site, nil
}

// site makes the parsed site of tree's pages.
func (set settings) site(tree loaded, pages []*page.Page, perPage [][]diag.Problem) *Site {
	site := &Site{Src: set.src, Now: set.Now, loadProbs: tree.probs}
	site.Tree, site.Pages, site.pageProbs = dropDrafts(tree.tree, pages, perPage)
	site.Title = set.title(site.Pages)
	site.Files = set.publishedFiles(site, set.sortAssets(site))
	site.Aliases, site.aliasProbs = site.aliases()
	return site
}

// title returns the site's title: runbooks.toml's, else the index page's.
func (set settings) title(pages []*page.Page) string {
	if set.Title != "" {
		return set.Title
	}
	title := "Runbooks"
	for _, pg := range pages {
		if pg.URL == "" && pg.Meta.Title != "" {
			title = pg.Meta.Title
		}
	}
	return title
}

// parser parses the pages of one tree.
type parser struct {
	src      fs.FS
	md       *markdown.Renderer
	base     link.Base
	key      string // what the pages' parse depends on beyond their source
	load     load.Options
	meta     meta.Options
	gitlab   bool // GitLab's heading ids
	fromName bool // pages under alerts/ claim their file names
	dirs     map[string]bool
	cache    *cache.Pages // may be nil
	cached   atomic.Int64 // pages taken from cache
	tree     treeIndex    // for root-absolute links
}

// newParser returns the parser of the pages of tree.
func newParser(set settings, tree load.Tree, hl markdown.Highlighter) *parser {
	p := &parser{src: set.src, md: markdown.New(hl), base: set.base, key: set.cacheKey(),
		load: set.loadOptions(), meta: set.metaOptions(), gitlab: set.HeadingIDs == config.HeadingsGitLab,
		fromName: set.AlertsFrom == config.AlertsFromName, dirs: make(map[string]bool, len(tree.Dirs))}
	for _, d := range tree.Dirs {
		p.dirs[d] = true
	}
	p.tree = newTreeIndex(tree, p.dirs)
	return p
}

// page reads, parses and renders the body of one page, or takes it from
// the cache when its source and the folders its links name are unchanged.
func (p *parser) page(ctx context.Context, e load.Entry) (*page.Page, []diag.Problem) {
	data, err := fs.ReadFile(p.src, e.Path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		pg := &page.Page{Path: e.Path, URL: e.URL, IDs: map[string]bool{}}
		pg.Meta.Title = titleFromPath(e.Path)
		return pg, []diag.Problem{diag.Errorf(e.Path, 1, 1, "unreadable", "cannot read: %v", err)}
	}
	if p.cache == nil {
		pg, probs, _ := p.parse(ctx, e, data)
		return pg, probs
	}
	k := cache.PageKey(p.key, e.Path, e.URL, data)
	if c, ok := p.cache.Get(k); ok && p.sameDirs(c.Dirs) {
		p.cached.Add(1)
		pg := c.Page
		if pg.IDs == nil {
			pg.IDs = map[string]bool{}
		}
		return &pg, c.Problems
	}
	pg, probs, dirs := p.parse(ctx, e, data)
	if ctx.Err() != nil {
		return pg, probs // cut short: not for the cache
	}
	p.cache.Put(k, &cache.Entry{Page: *pg, Problems: probs, Dirs: dirs})
	return pg, probs
}

// sameDirs reports whether every path in dirs is a folder exactly when it
// was one for the parse that recorded it.
func (p *parser) sameDirs(dirs map[string]bool) bool {
	for d, was := range dirs {
		if p.dirs[d] != was {
			return false
		}
	}
	return true
}

// parse parses one page's source. It also returns the paths its links
// asked "is this a folder?" about, with the answers. When ctx is done it
// stops early, and what it returns is to be thrown away.
func (p *parser) parse(ctx context.Context, e load.Entry, data []byte) (*page.Page, []diag.Problem, map[string]bool) {
	pg := &page.Page{Path: e.Path, URL: e.URL, IDs: map[string]bool{}}
	dirs := map[string]bool{}
	m := meta.ParseWith(e.Path, data, p.meta)
	pg.Meta = m.Meta
	if p.fromName {
		claimFileName(pg)
	}
	pg.Disables = disables(m.Body, m.BodyLine)
	body, shortcodes := hugo.Rewrite(e.Path, m.Body, m.BodyLine)
	out, _ := p.md.RenderContext(ctx, markdown.Input{
		Path:      e.Path,
		Body:      body,
		BodyLine:  m.BodyLine,
		Rewrite:   func(dest string) string { return p.href(e, dest, dirs) },
		GitLabIDs: p.gitlab,
	})
	pg.Body, pg.Headings, pg.IDs, pg.Refs, pg.Sections, pg.Code = out.HTML, out.Headings, out.IDs, out.Refs, out.Sections, out.Code
	if bytes.HasPrefix(pg.Body, []byte("<h1")) {
		if i := bytes.Index(pg.Body, []byte("</h1>\n")); i >= 0 {
			pg.H1, pg.Body = pg.Body[:i+6], pg.Body[i+6:]
		}
	}
	if pg.Meta.Title == "" {
		pg.Meta.Title = out.Title
	}
	if pg.Meta.Title == "" {
		pg.Meta.Title = titleFromPath(e.Path)
	}
	return pg, append(append(slices.Clip(m.Problems), out.Problems...), shortcodes...), dirs
}

// href rewrites a relative link to the URL of the page or file it names,
// noting in dirs each path it asks "is this a folder?" about.
func (p *parser) href(from load.Entry, dest string, dirs map[string]bool) string {
	t := link.Resolve(from.Path, dest)
	if t.Absolute && !t.BadEsc {
		if !p.root(&t, dirs) {
			return dest
		}
	}
	if t.External || t.Absolute || t.Escapes || t.BadEsc || t.SamePage() {
		return dest
	}
	var to string
	switch {
	case load.IsPage(t.Path):
		to = p.load.URLOf(t.Path)
	case t.Path == "":
		to = ""
	case t.Dir || p.isDir(t.Path, dirs):
		to = t.Path + "/"
	default:
		to = t.Path
	}
	h := p.base.Href(from.URL, to)
	if i := strings.IndexByte(dest, '#'); i >= 0 {
		h += dest[i:]
	}
	return h
}

// root resolves a root-absolute link ("/docs/add-runbook") to what it
// names in the source tree, reporting whether it names anything. Its
// href depends on the whole tree, so the page is not taken from the page
// cache (an entry in dirs no tree can match).
func (p *parser) root(t *link.Target, dirs map[string]bool) bool {
	dirs["\x00root-absolute link"] = true
	sp, dir, ok := link.ResolveRoot(t.Path, p.base.Path, p.tree)
	if ok {
		t.Absolute, t.Path, t.Dir = false, sp, dir
	}
	return ok
}

// isDir reports whether path is a folder of the source tree, noting the
// answer in dirs.
func (p *parser) isDir(path string, dirs map[string]bool) bool {
	dirs[path] = p.dirs[path]
	return dirs[path]
}

// titleFromPath makes a title from a file name: "api-down.md" → "api down".
func titleFromPath(p string) string {
	base := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	if page.IsIndex(p) {
		if d := filepath.Base(filepath.Dir(p)); d != "." {
			base = d
		}
	}
	return strings.NewReplacer("-", " ", "_", " ").Replace(base)
}
