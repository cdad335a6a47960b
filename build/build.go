// Package build implements the build pipeline that turns a runbook tree into
// a static site: load → parse → check → render → write. One driver runs the
// stages; `check` is the pipeline without the write, and `serve` is the
// same pipeline writing to memory (see Session).
package build

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/arcaapi/runbooks/build/cache"
	"github.com/arcaapi/runbooks/build/config"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/external"
	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/output"
	"github.com/arcaapi/runbooks/build/srcfs"
)

// Config is a build's settings: one flat struct, filled from the
// command's flags and, by Configure, from runbooks.toml.
type Config struct {
	Src      string    // source folder
	Out      string    // output folder
	BaseURL  string    // absolute URL the site is served from, or "" for relative links; parsed once, when the stages start
	Theme    string    // folder whose files override the default theme, or ""
	EditURL  string    // prefix of "edit this page" links, or ""
	Now      time.Time // the build date; zero means today
	NoCache  bool      // do not use the persistent caches
	CacheDir string    // folder of the persistent caches; "" for the user cache folder

	// NoOffline leaves out the service worker that keeps the built site
	// readable offline after a first visit (written by default, and
	// unless runbooks.toml says offline = false).
	NoOffline bool
	// TickExpiry is the age after which a checklist tick is offered for
	// reset as belonging to an earlier incident; zero means runbooks.toml's
	// checklist_expiry, else 24 hours.
	TickExpiry time.Duration

	// Checks that only Check runs.
	AlertRules string            // Prometheus rule file or folder whose runbook_url values must lead to runbooks, or ""
	External   *external.Options // check http(s) links over the network with these options; nil for no

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
	Files     int  // files written by Build; files read by Check (pages and rule files)
	Cached    int  // pages taken from the page cache, not parsed
	Unchanged bool // the output folder already held the site and was left as it was
	UpToDate  bool // nothing changed since the last build into the folder, so nothing was rendered
	Highlight highlight.Stats
	Lowered   int      // problems lowered or silenced by the configuration
	LeftOut   []string // source files and folders that are not part of the site, with why (build -v)
	Site      *Site    // the parsed and checked site, from Check: for tests and tools that read its pages
}

// Errors returns the number of error-severity problems.
func (r Result) Errors() int { e, _ := diag.Count(r.Problems); return e }

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

// Build builds cfg.Src into cfg.Out: load, parse, check, render, write.
// When the content has errors it writes nothing, leaves cfg.Out as it
// was, and returns the problems with an error wrapping ErrContent.
func Build(ctx context.Context, cfg Config) (Result, error) {
	if err := output.Safe(cfg.Out, cfg.Src); err != nil {
		return Result{}, err
	}
	set, err := prepare(cfg)
	if err != nil {
		return Result{}, err
	}
	last := newUpToDate(set)
	if res, ok := last.result(cfg.Out); ok {
		return res, nil
	}
	set.sumSources = last.deferred()
	// The output folder is prepared while the pages are parsed.
	dir, err := output.Create(cfg.Out, cfg.Src)
	if err != nil {
		return Result{}, err
	}
	res, err := set.build(ctx, dir, last)
	if err != nil {
		dir.Abort()
	}
	return res, err
}

// build runs the stages of Build into the prepared output folder, and
// swaps it in.
func (set settings) build(ctx context.Context, dir *output.Dir, last *upToDate) (Result, error) {
	hl, blocks := newHighlighter(set.Config)
	defer blocks.Close() // what a failed build highlighted is not kept
	pages := openPageCache(set.Config)
	defer pages.Close() // a failed build leaves the last page cache as it was

	tree, err := set.load()
	if err != nil {
		return Result{}, err
	}
	sp, err := newSpill(hl, pages)
	if err != nil {
		return Result{}, err
	}
	defer sp.close()
	site, err := set.parse(ctx, tree, pages, sp)
	if err != nil {
		return Result{}, err
	}
	last.hashRead(site.parser.sums) // while the site is checked and rendered
	defer last.wait()
	// The site is checked while it renders into the output folder, which
	// the caller throws away if the check finds errors: the check runs on
	// one core, and the render need not wait for it. Errors stop the
	// render at once.
	rctx, stopRender := context.WithCancel(ctx)
	defer stopRender()
	checked := make(chan Result, 1)
	go func() {
		site.Problems, site.Lowered = set.check(site)
		res := Result{Problems: site.Problems, Pages: len(site.Pages), Cached: site.cached, Lowered: site.Lowered, LeftOut: site.LeftOut()}
		if res.Errors() > 0 {
			stopRender()
		}
		checked <- res
	}()
	w := &countingWriter{w: dir}
	theme, err := loadTheme(set.Theme)
	if err == nil {
		err = set.render(rctx, site, theme, hl, w)
	}
	res := <-checked
	if res.Errors() > 0 {
		return res, fmt.Errorf("%w: nothing was written", ErrContent)
	}
	if err != nil {
		return res, err
	}
	res.Files, res.Highlight = w.n, hl.Stats()

	// write: swap the output in. The caches are an optimisation; failing
	// to save them is not a build failure. An output with a block that ran
	// out of time is not stamped, so the next build tries it again.
	keep := res.Highlight.Late == 0
	// The stamp is taken before another build can change the folder.
	settled := func() {
		if keep {
			last.record(set.Out, res, dir.Names())
		}
	}
	if err := dir.Commit(settled); err != nil {
		return res, err
	}
	res.Unchanged = dir.Unchanged()
	if !keep {
		pages.ForgetBodies() // they show the blocks that ran out of time as plain text
	}
	_ = pages.Save()
	_ = blocks.Save()
	return res, nil
}

// Check runs the pipeline without render and write: load, parse, check,
// and the checks only Check runs (cfg.AlertRules, cfg.External). It
// highlights no code: only render does.
func Check(ctx context.Context, cfg Config) (Result, error) {
	src, err := openSource(cfg.Src)
	if err != nil {
		return Result{}, err
	}
	return CheckFS(ctx, src, cfg)
}

// CheckFS is Check of the source tree src (an os.Root's, or an
// fstest.MapFS in tests) rather than of the folder cfg.Src, which then
// only names the files of the problems and where runbooks.toml is.
func CheckFS(ctx context.Context, src fs.FS, cfg Config) (Result, error) {
	set, err := prepareFS(cfg, src)
	if err != nil {
		return Result{}, err
	}
	tree, err := set.load()
	if err != nil {
		return Result{}, err
	}
	site, err := set.parse(ctx, tree, nil, nil)
	if err != nil {
		return Result{}, err
	}
	probs, lowered := set.check(site)
	files := len(site.Pages)
	var extra []diag.Problem
	if set.AlertRules != "" {
		ps, n, err := set.checkAlertRules(site)
		if err != nil {
			return Result{}, err
		}
		extra, files = append(extra, ps...), files+n
	}
	if set.External != nil {
		ps, err := external.Check(ctx, external.Links(site.Pages), *set.External)
		if err != nil {
			return Result{}, fmt.Errorf("--external: %w", err)
		}
		extra = append(extra, ps...)
	}
	extra, n := levels(extra, set.Rules, nil)
	probs, lowered = append(probs, extra...), lowered+n
	diag.Sort(probs)
	site.Problems, site.Lowered = probs, lowered
	return Result{Problems: probs, Pages: len(site.Pages), Files: files, Lowered: lowered, Site: site}, nil
}

// settings are a Config made ready for the stages: configured from
// runbooks.toml, the source opened, the base URL parsed, the build date
// fixed.
type settings struct {
	Config
	src  fs.FS
	base link.Base
	// keepSources keeps each page's source with the parsed site, so that
	// a preview renders the version it parsed even after the file changed
	// or went: a failed rebuild keeps showing the last good pages.
	keepSources bool
	// sumSources keeps the SHA-256 of each page's source as parse reads
	// it, for the output stamp of a build whose inputs were not hashed
	// before it began (see upToDate).
	sumSources bool
}

// prepare configures cfg and makes the settings every stage reads.
func prepare(cfg Config) (settings, error) {
	src, err := openSource(cfg.Src)
	if err != nil {
		return settings{}, err
	}
	return prepareFS(cfg, src)
}

// prepareFS is prepare with the source tree already open.
func prepareFS(cfg Config, src fs.FS) (settings, error) {
	cfg, err := Configure(cfg)
	if err != nil {
		return settings{}, err
	}
	base, err := link.NewBase(cfg.BaseURL)
	if err != nil {
		return settings{}, fmt.Errorf("--base-url: %w", err)
	}
	if cfg.AlertRules != "" && base.URL == "" {
		return settings{}, errors.New("--alert-rules needs --base-url, to tell which runbook_url values point at this site")
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now().UTC() // one date for the inputs' hash and the pages
	}
	return settings{Config: cfg, src: src, base: base}, nil
}

// openSource opens the source folder so that symlinks cannot lead out of it.
func openSource(dir string) (fs.FS, error) {
	root, err := openRoot(dir)
	if err != nil {
		return nil, err
	}
	return srcfs.New(root), nil
}

// openRoot opens the source folder as an os.Root.
func openRoot(dir string) (*os.Root, error) {
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
	return root, nil
}

// newHighlighter returns the highlighter for building cfg.Src, reading and
// filling the persistent block store unless cfg.NoCache; the store is nil
// without one. Save the store when done.
func newHighlighter(cfg Config) (*highlight.Highlighter, *cache.Blocks) {
	dir, ok := cache.Dir(cfg.CacheDir, cfg.NoCache)
	if !ok {
		return highlight.New(nil), nil
	}
	store := cache.OpenBlocks(dir, highlight.Settings(), cache.SiteName(cfg.Src))
	return highlight.New(store), store
}

// openPageCache opens the page cache for building cfg.Src, whose bodies
// are highlighted as newHighlighter's, or returns nil without one.
func openPageCache(cfg Config) *cache.Pages {
	dir, ok := cache.Dir(cfg.CacheDir, cfg.NoCache)
	if !ok {
		return nil
	}
	return cache.OpenPages(dir, highlight.Settings(), cache.SiteName(cfg.Src))
}

// parallel runs f(0..n-1) on every core and stops early when ctx is done.
// It runs one worker more than there are cores: a worker waiting in the
// kernel (for the lock of a folder the other is creating a page in, or
// for a read) would otherwise leave its core idle. The cores of a cold
// build of 10,000 pages were idle 6% of its time, and are 5% with it.
func parallel(ctx context.Context, n int, f func(i int)) error {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0)+1, max(n, 1)) {
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

// countingWriter counts the files written through it.
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
