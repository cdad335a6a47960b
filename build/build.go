// Package build implements the build pipeline that turns a runbook tree into
// a static site: load → parse → check → render → write. One driver runs the
// stages; `check` is the pipeline without the write, and `serve` is the
// same pipeline writing to memory.
package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arcaapi/runbooks/build/cache"
	"github.com/arcaapi/runbooks/build/check"
	"github.com/arcaapi/runbooks/build/config"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/hugo"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/load"
	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/meta"
	"github.com/arcaapi/runbooks/build/output"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/publish"
	"github.com/arcaapi/runbooks/theme"
)

// Config is a build's settings: one flat struct.
type Config struct {
	Src      string    // source folder
	Out      string    // output folder
	BaseURL  string    // absolute URL the site is served from, or "" for relative links
	Theme    string    // folder whose files override the default theme, or ""
	EditURL  string    // prefix of "edit this page" links, or ""
	Now      time.Time // the build date; zero means today
	NoCache  bool      // do not use the persistent highlight cache
	CacheDir string    // folder of the persistent highlight cache; "" for the user cache folder

	// NoOffline leaves out the service worker that keeps the built site
	// readable offline after a first visit (written by default).
	NoOffline bool
	// TickExpiry is the age after which a checklist tick is offered for
	// reset as belonging to an earlier incident; zero means 24 hours.
	TickExpiry time.Duration

	// From runbooks.toml (see Configure and docs/config.md).
	ConfigFile  string                  // the runbooks.toml read; "" for the one at the root of Src
	Title       string                  // the site's title; "" for the index page's
	Exclude     []string                // globs of files that are neither pages nor published
	Rules       map[string]config.Level // rule id → level
	Severity    map[string]string       // lowercase severity alias → SEV1, SEV2 or SEV3
	HeadingIDs  string                  // "github" or "gitlab"
	URLs        string                  // "preserve" or "lower"
	AlertsFrom  string                  // "metadata" or "filename"
	Static      string                  // folder copied as it is
	PublishHTML []string                // folders whose HTML and scripts are published

	configured  bool           // Configure has run
	configProbs []diag.Problem // problems with runbooks.toml
}

// Result is what a build or check found.
type Result struct {
	Problems  []diag.Problem // sorted by file and line
	Pages     int
	Files     int  // files written
	Cached    int  // pages taken from the page cache, not parsed
	Unchanged bool // the output folder already held the site and was left as it was
	UpToDate  bool // nothing changed since the last build into the folder, so nothing was rendered
	Highlight highlight.Stats
	Lowered   int      // problems lowered or silenced by the configuration
	LeftOut   []string // source files and folders that are not part of the site, with why (build -v)
	Site      *Site    // the parsed site, from Check: for the checks a command adds
}

// Errors returns the number of error-severity problems.
func (r Result) Errors() int { e, _ := diag.Count(r.Problems); return e }

// Writer receives the files of the built site: an output folder on disk,
// or memory for the preview server.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// ErrContent is returned, wrapped, when the content has errors and nothing
// was written.
var ErrContent = errors.New("the runbooks have errors")

// Today returns the build date: from SOURCE_DATE_EPOCH when it is set, for
// reproducible builds, else now.
func Today(getenv func(string) string) (time.Time, error) {
	if s := getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Now().UTC(), nil
}

// buildDate returns cfg.Now, or now when it is zero.
func buildDate(cfg Config) time.Time {
	if cfg.Now.IsZero() {
		return time.Now().UTC()
	}
	return cfg.Now
}

// Build builds cfg.Src into cfg.Out. When the content has errors it writes
// nothing, leaves cfg.Out as it was, and returns the problems with an error
// wrapping ErrContent.
func Build(ctx context.Context, cfg Config) (Result, error) {
	if err := output.Safe(cfg.Out, cfg.Src); err != nil {
		return Result{}, err
	}
	src, err := openSource(cfg.Src)
	if err != nil {
		return Result{}, err
	}
	if cfg, err = Configure(cfg); err != nil {
		return Result{}, err
	}
	cfg.Now = buildDate(cfg) // one date for the inputs' hash and the pages
	fresh := newUpToDate(cfg, src)
	if res, ok := fresh.result(cfg.Out); ok {
		return res, nil
	}
	// The output folder is prepared while the pages are parsed.
	dir, err := output.Create(cfg.Out, cfg.Src)
	if err != nil {
		return Result{}, err
	}
	hl, store := NewHighlighter(cfg)
	pages := openPageCache(cfg)
	site, err := parse(ctx, src, cfg, hl, pages)
	if err != nil {
		dir.Abort()
		return Result{}, err
	}
	res := Result{Problems: site.Problems, Pages: len(site.Pages), Cached: site.cached, Lowered: site.Lowered, LeftOut: site.LeftOut()}
	if res.Errors() > 0 {
		dir.Abort()
		return res, fmt.Errorf("%w: nothing was written", ErrContent)
	}
	w := &countingWriter{w: dir}
	if err := Render(ctx, site, cfg, false, w); err != nil {
		dir.Abort()
		return res, err
	}
	res.Files, res.Highlight = w.n, hl.Stats()
	// The caches are an optimisation; failing to save them is not a build
	// failure. Pages with a block that ran out of time are not kept.
	keep := res.Highlight.Late == 0
	// The stamp is taken before another build can change the folder.
	settled := func() {
		if keep {
			fresh.record(cfg.Out, res)
		}
	}
	if err := dir.Commit(settled); err != nil {
		return res, err
	}
	res.Unchanged = dir.Unchanged()
	if keep {
		_ = pages.Save()
	}
	_ = store.Save()
	return res, nil
}

// Check runs every stage but the write. It does not highlight code: no
// check looks at the colours, and lexing is most of a build's work.
func Check(ctx context.Context, cfg Config) (Result, error) {
	src, err := openSource(cfg.Src)
	if err != nil {
		return Result{}, err
	}
	if cfg, err = Configure(cfg); err != nil {
		return Result{}, err
	}
	site, err := Parse(ctx, src, cfg, highlight.Plain{})
	if err != nil {
		return Result{}, err
	}
	return Result{Problems: site.Problems, Pages: len(site.Pages), Lowered: site.Lowered, Site: site}, nil
}

// openSource opens the source folder so that symlinks cannot lead out of it.
func openSource(dir string) (fs.FS, error) {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no %s/ folder here; pass --src DIR (see runbooks help build)", filepath.ToSlash(filepath.Clean(dir)))
	}
	if err != nil {
		return nil, fmt.Errorf("source folder: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("source folder: %s is not a folder", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("source folder: %w", err)
	}
	return root.FS(), nil
}

// NewHighlighter returns the highlighter for building cfg.Src, reading and
// filling the persistent block store unless cfg.NoCache; the store is nil
// without one. Save the store when done.
func NewHighlighter(cfg Config) (*highlight.Highlighter, *cache.Blocks) {
	dir, ok := cache.Dir(cfg.CacheDir, cfg.NoCache)
	if !ok {
		return highlight.New(nil), nil
	}
	store := cache.OpenBlocks(dir, highlight.Settings(), cache.SiteName(cfg.Src))
	return highlight.New(store), store
}

// openPageCache opens the page cache for building cfg.Src, or returns nil
// without one.
func openPageCache(cfg Config) *cache.Pages {
	dir, ok := cache.Dir(cfg.CacheDir, cfg.NoCache)
	if !ok {
		return nil
	}
	return cache.OpenPages(dir, cache.SiteName(cfg.Src))
}

// Site is a parsed site: its pages, the other files, and every problem.
type Site struct {
	Src      fs.FS
	Tree     load.Tree
	Pages    []*page.Page // sorted by path
	Problems []diag.Problem
	Now      time.Time
	Title    string
	Lowered  int // problems lowered or silenced by the configuration

	Files []string // the source tree's files that are published besides the pages, sorted

	conf siteConf // the settings from runbooks.toml that the stages after parse use

	// What Update needs to redo only the pages that changed.
	loadProbs []diag.Problem   // the load stage's problems
	pageProbs [][]diag.Problem // each page's own problems, by index in Pages
	base      link.Base
	cached    int // pages taken from the page cache
}

// Parse loads, parses and checks the site in src, parsing pages in parallel.
func Parse(ctx context.Context, src fs.FS, cfg Config, hl markdown.Highlighter) (*Site, error) {
	return parse(ctx, src, cfg, hl, nil)
}

// parse is Parse taking unchanged pages from cache, which may be nil. The
// cache must only ever be used with the same highlighter.
func parse(ctx context.Context, src fs.FS, cfg Config, hl markdown.Highlighter, cache *cache.Pages) (*Site, error) {
	tree, probs, err := load.WalkWith(src, cfg.loadOptions())
	if err != nil {
		return nil, err
	}
	probs = append(slices.Clip(cfg.configProblems()), probs...)
	base, err := link.NewBase(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("--base-url: %w", err)
	}
	site := &Site{Src: src, Tree: tree, Now: buildDate(cfg), Title: "Runbooks", conf: cfg.siteConf()}
	p := newParser(src, cfg, hl, base)
	p.cache = cache
	for _, d := range tree.Dirs {
		p.dirs[d] = true
	}
	p.tree = newTreeIndex(tree, p.dirs)
	site.Pages = make([]*page.Page, len(tree.Pages))
	perPage := make([][]diag.Problem, len(tree.Pages))
	if err := parallel(ctx, len(tree.Pages), func(i int) {
		site.Pages[i], perPage[i] = p.page(ctx, tree.Pages[i])
	}); err != nil {
		return nil, err
	}
	site.Tree, site.Pages, perPage = dropDrafts(site.Tree, site.Pages, perPage)
	site.loadProbs, site.pageProbs, site.base, site.cached = probs, perPage, base, int(p.cached.Load())
	site.setTitle()
	site.RunChecks()
	return site, nil
}

// setTitle takes the site's title from the index page.
func (s *Site) setTitle() {
	s.Title = "Runbooks"
	if s.conf.title != "" {
		s.Title = s.conf.title
		return
	}
	for _, pg := range s.Pages {
		if pg.URL == "" && pg.Meta.Title != "" {
			s.Title = pg.Meta.Title
		}
	}
}

// RunChecks gathers every problem of the site into Problems: the load
// stage's, each page's, and the whole-site checks'. Parse and Update run
// it; a site from UpdatePages needs it run.
func (s *Site) RunChecks() {
	probs := slices.Clone(s.loadProbs)
	for _, pp := range s.pageProbs {
		probs = append(probs, pp...)
	}
	probs = append(probs, publish.Check(s.Pages)...)
	kinds := s.sortAssets()
	probs = append(probs, check.Run(check.Input{Pages: s.Pages, Assets: sortedKeys(kinds.linkable), Dirs: s.Tree.Dirs, Now: s.Now, Base: s.base,
		Unpublished: kinds.unpublishedReason})...)
	s.Files = s.publishedFiles(kinds)
	probs = append(probs, s.outputClaims()...)
	probs = append(probs, publishedHTML(kinds, s.Files)...)
	probs, s.Lowered = levels(probs, s.conf.rules, s.Pages)
	diag.Sort(probs)
	s.Problems = probs
}

// parallel runs f(0..n-1) on every core and stops early when ctx is done.
func parallel(ctx context.Context, n int, f func(i int)) error {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	var err error
loop:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break loop
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		err = ctx.Err() // f may have cut the last items short
	}
	return err
}

type parser struct {
	src            fs.FS
	md             *markdown.Renderer
	base           link.Base
	settings       string // what the pages' parse depends on beyond their source
	load           load.Options
	meta           meta.Options
	gitlab         bool // GitLab's heading ids
	alertsFromName bool // pages under alerts/ claim their file names
	dirs           map[string]bool
	cache          *cache.Pages // may be nil
	cached         atomic.Int64 // pages taken from cache
	tree           treeIndex    // for root-absolute links
}

// newParser returns the parser of the pages of src under cfg.
func newParser(src fs.FS, cfg Config, hl markdown.Highlighter, base link.Base) *parser {
	p := &parser{src: src, md: markdown.New(hl), base: base, settings: cfg.settings(),
		load: cfg.loadOptions(), meta: cfg.metaOptions(), gitlab: cfg.HeadingIDs == config.HeadingsGitLab, dirs: map[string]bool{},
		alertsFromName: cfg.AlertsFrom == config.AlertsFromName}
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
	k := cache.PageKey(p.settings, e.Path, e.URL, data)
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
	if p.alertsFromName {
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

type countingWriter struct {
	mu sync.Mutex
	w  Writer
	n  int
}

func (c *countingWriter) WriteFile(name string, data []byte) error {
	if err := c.w.WriteFile(name, data); err != nil {
		return err
	}
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return nil
}

// themeFS opens the theme for cfg.
func themeFS(cfg Config) (fs.FS, error) {
	t, err := theme.Open(cfg.Theme)
	if err != nil {
		return nil, fmt.Errorf("--theme: %w", err)
	}
	return t, nil
}
