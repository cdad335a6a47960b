package build

import (
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arcaapi/runbooks/build/alias"
	"github.com/arcaapi/runbooks/build/cache"
	"github.com/arcaapi/runbooks/build/commands"
	"github.com/arcaapi/runbooks/build/config"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/highlight"
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
	parser     *parser          // what parsed the pages: render reads them again with it
	// inPlace: the site was made from the last one by parsing some of
	// its pages again, the tree being the same (reparsePages).
	inPlace bool
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
// from cache, which may be nil. It keeps what the checks, the navigation
// and the search index need of each page, not its HTML: with a spill, the
// pages it parses are rendered in the same pass and their bodies kept on
// disk for the render stage, which otherwise renders them from the source.
// Each page's own problems (metadata, unclosed fences) are kept with the
// site for check. Drafts are left out, and the site's title and the files
// it publishes besides its pages are decided.
func (set settings) parse(ctx context.Context, tree loaded, cache *cache.Pages, sp *spill) (*Site, error) {
	p := newParser(set, tree.tree)
	p.cache, p.spill = cache, sp
	pages := make([]*page.Page, len(tree.tree.Pages))
	perPage := make([][]diag.Problem, len(tree.tree.Pages))
	if err := parallel(ctx, len(tree.tree.Pages), func(i int) {
		pages[i], perPage[i] = p.page(ctx, tree.tree.Pages[i])
	}); err != nil {
		return nil, err
	}
	site := set.site(tree, p, pages, perPage)
	site.cached = int(p.cached.Load())
	return site, nil
}

// site makes the parsed site of tree's pages, parsed by p.
func (set settings) site(tree loaded, p *parser, pages []*page.Page, perPage [][]diag.Problem) *Site {
	site := &Site{Src: set.src, Now: set.Now, loadProbs: tree.probs, parser: p}
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
	md       *markdown.Renderer // parses, without HTML
	base     link.Base
	key      string // what the pages' parse depends on beyond their source
	load     load.Options
	meta     meta.Options
	gitlab   bool // GitLab's heading ids
	fromName bool // pages under alerts/ claim their file names
	dirs     map[string]bool
	cache    *cache.Pages // may be nil
	spill    *spill       // may be nil
	cached   atomic.Int64 // pages taken from cache
	tree     treeIndex    // for root-absolute links

	// sources are the pages' sources by path, when the settings keep
	// them; nil when they do not. Those this parser read are in sources,
	// those it took from the parse it updates in inherited (see next).
	mu        sync.Mutex
	sources   map[string][]byte
	inherited map[string][]byte // read-only

	// sums are the SHA-256 of the sources this parser read, by path,
	// when the settings ask for them; nil when they do not.
	sums map[string][sha256.Size]byte
}

// newParser returns the parser of the pages of tree.
func newParser(set settings, tree load.Tree) *parser {
	p := &parser{src: set.src, md: markdown.New(highlight.Plain{}), base: set.base, key: set.cacheKey(),
		load: set.loadOptions(), meta: set.metaOptions(), gitlab: set.HeadingIDs == config.HeadingsGitLab,
		fromName: set.AlertsFrom == config.AlertsFromName, dirs: make(map[string]bool, len(tree.Dirs))}
	for _, d := range tree.Dirs {
		p.dirs[d] = true
	}
	p.tree = newTreeIndex(tree, p.dirs)
	if set.keepSources {
		p.sources = make(map[string][]byte, len(tree.Pages))
	}
	if set.sumSources {
		p.sums = make(map[string][sha256.Size]byte, len(tree.Pages))
	}
	return p
}

// page reads and parses one page, or takes it from the cache when its
// source and the folders its links name are unchanged.
func (p *parser) page(ctx context.Context, e load.Entry) (*page.Page, []diag.Problem) {
	data, err := fs.ReadFile(p.src, e.Path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		pg := &page.Page{Path: e.Path, URL: e.URL}
		pg.Meta.Title = titleFromPath(e.Path)
		return pg, []diag.Problem{diag.Errorf(e.Path, 1, 1, "unreadable", "cannot read: %v", err)}
	}
	p.keep(e.Path, data)
	if p.cache == nil {
		pg, probs, _ := p.parse(ctx, e, data)
		return pg, probs
	}
	k := cache.PageKey(p.key, e.Path, e.URL, data)
	if c, ok := p.cache.Get(k); ok && p.sameDirs(c.Dirs) {
		p.cached.Add(1)
		p.spill.stored(e.Path, k) // its body too
		pg := c.Page
		return &pg, c.Problems
	}
	pg, probs, dirs := p.parse(ctx, e, data)
	if ctx.Err() != nil {
		return pg, probs // cut short: not for the cache
	}
	p.cache.Put(k, &cache.Entry{Page: *pg, Problems: probs, Dirs: dirs}, p.spill.stored(e.Path, k))
	return pg, probs
}

// keep keeps the source of the page at path, or its hash, when the
// settings say so.
func (p *parser) keep(path string, data []byte) {
	if p.sources == nil && p.sums == nil {
		return
	}
	var sum [sha256.Size]byte
	if p.sums != nil {
		sum = sha256.Sum256(data)
	}
	p.mu.Lock()
	if p.sources != nil {
		p.sources[path] = data
	}
	if p.sums != nil {
		p.sums[path] = sum
	}
	p.mu.Unlock()
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
	pg := &page.Page{Path: e.Path, URL: e.URL, Sum: sourceSum(data)}
	dirs := map[string]bool{}
	m := meta.ParseWith(e.Path, data, p.meta)
	pg.Meta = m.Meta
	if p.fromName {
		claimFileName(pg)
	}
	pg.Disables = disables(m.Body, m.BodyLine)
	body, shortcodes := hugo.Rewrite(e.Path, m.Body, m.BodyLine)
	var out markdown.Output
	if p.spill != nil {
		out, _ = p.spill.render(ctx, e.Path, p.input(e, body, m.BodyLine, dirs))
	} else {
		out, _ = p.md.Parse(ctx, p.input(e, body, m.BodyLine, dirs))
	}
	pg.Headings, pg.IDs, pg.Refs, pg.Sections, pg.Code = out.Headings, out.IDs, out.Refs, out.Sections, out.Code
	if pg.Meta.Title == "" {
		pg.Meta.Title = out.Title
	}
	if pg.Meta.Title == "" {
		pg.Meta.Title = titleFromPath(e.Path)
	}
	probs := append(append(slices.Clip(m.Problems), out.Problems...), shortcodes...)
	return pg, append(probs, checkCommands(pg, out.Shell)...), dirs
}

// checkCommands checks the commands of the page's code blocks, which need
// nothing but the page and the shell parsing read of them (parsed, which
// may be nil), and then lets go of the code: the site keeps each
// block's place and kind for the other checks, not its text, which would
// otherwise be most of what a large site holds in memory.
func checkCommands(pg *page.Page, parsed *commands.Parsed) []diag.Problem {
	probs := commands.Check(pg, parsed)
	for i := range pg.Code {
		pg.Code[i].Code, pg.Code[i].Cols = "", nil
	}
	return probs
}

// input is the Markdown of the page e, for goldmark: body, starting on
// file line bodyLine.
func (p *parser) input(e load.Entry, body []byte, bodyLine int, dirs map[string]bool) markdown.Input {
	return markdown.Input{
		Path:      e.Path,
		Body:      body,
		BodyLine:  bodyLine,
		Rewrite:   func(dest string) string { return p.href(e, dest, dirs) },
		GitLabIDs: p.gitlab,
	}
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
