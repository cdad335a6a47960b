package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/arcaapi/runbooks/build/config"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/publish"
	"github.com/arcaapi/runbooks/build/render"
	"github.com/arcaapi/runbooks/build/srcfs"
)

// Session is the pipeline kept alive between changes, for the preview
// server: the settings, one highlighter (a block is highlighted once for
// the session's life, within the highlighter's memory budget), the loaded
// theme and the last site parsed. Apply runs load, parse and check for
// what changed; Preview renders, in memory, each page when it is asked
// for. A Session is used by one goroutine; the Previews it makes are safe
// for concurrent use.
//
// A session's memory is bounded by the size of the site, whatever the
// number of changes: it keeps the last site and no page's HTML, and the
// highlighter keeps its blocks within its budget (highlight.MemBudget).
type Session struct {
	flags  Config    // as given, before runbooks.toml: configured again when the file changes
	srcAbs string    // the source folder, absolute
	set    settings  // flags configured, with the source open
	src    *srcfs.FS // what set.src reads: reopened when the folder is replaced
	hl     *highlight.Highlighter
	theme  *render.Theme // nil until Preview first needs it
	last   *Site         // the newest parse, good or not: the base of the next Apply

	// The newest preview: the next Preview updates its navigation for
	// the pages that changed since rather than making it again.
	shown *Preview
}

// NewSession starts a session on the source folder cfg.Src. Links are
// always relative, so that the preview works at any address: the base URL
// of the flags and of runbooks.toml is ignored. Close the session when
// done.
func NewSession(cfg Config) (*Session, error) {
	cfg.configured = false
	abs, err := filepath.Abs(cfg.Src)
	if err != nil {
		return nil, fmt.Errorf("source folder: %w", err)
	}
	s := &Session{flags: cfg, srcAbs: abs}
	root, err := openRoot(abs)
	if err != nil {
		return nil, err
	}
	s.src = srcfs.New(root)
	if err := s.configure(); err != nil {
		s.src.Close()
		return nil, err
	}
	s.hl = highlight.NewPreview()
	return s, nil
}

// configure reads runbooks.toml again and makes the settings from it and
// the flags.
func (s *Session) configure() error {
	cfg, err := Configure(s.flags)
	if err != nil {
		return err
	}
	cfg.BaseURL = ""
	set, err := prepareFS(cfg, s.src)
	if err != nil {
		return err
	}
	set.keepSources = true
	s.set = set
	return nil
}

// Close closes the source folder.
func (s *Session) Close() error { return s.src.Close() }

// Change is a site after a batch of changes, with its problems.
type Change struct {
	Site *Site

	problems func() []diag.Problem
}

// Problems returns every problem of the site, checking it the first time:
// the whole-site checks look at every page, so a caller that can serve the
// pages first (they do not depend on the checks) asks after.
func (c *Change) Problems() []diag.Problem { return c.problems() }

// SourceErrors returns the error-severity problems found while reading the
// tree and its pages (an unreadable file, invalid UTF-8, bad front matter,
// two files building to one URL): those that leave a page without its
// content. The check stage's errors, such as broken links, are not among
// them: the preview shows those but still updates the pages.
func (c *Change) SourceErrors() []diag.Problem { return c.Site.sourceErrors() }

// Apply loads and parses what changed since the last Apply: changed names
// the created, written, removed or renamed files and folders (slash paths
// from the source root). nil means anything may have changed: the source
// folder is opened again if it was replaced, and the whole tree parsed
// again. A change to runbooks.toml reads it again and parses the whole
// site with the new settings.
func (s *Session) Apply(ctx context.Context, changed []string) (*Change, error) {
	full := changed == nil || s.last == nil || slices.Contains(changed, ".")
	if full {
		if err := s.reopen(); err != nil {
			return nil, err
		}
	}
	if full || s.configChanged(changed) {
		if err := s.configure(); err != nil {
			return nil, err
		}
		full = true
	}
	var site *Site
	var err error
	if full {
		var tree loaded
		if tree, err = s.set.load(); err == nil {
			site, err = s.set.parse(ctx, tree, nil, nil)
		}
	} else {
		site, err = s.set.reparse(ctx, s.last, changed)
	}
	if err != nil {
		return nil, err
	}
	s.last = site
	set := s.set
	return &Change{Site: site, problems: sync.OnceValue(func() []diag.Problem {
		site.Problems, site.Lowered = set.check(site)
		return site.Problems
	})}, nil
}

// configChanged reports whether the project's runbooks.toml is among the
// changed paths.
func (s *Session) configChanged(changed []string) bool {
	name := config.FileName
	if s.flags.ConfigFile != "" {
		name = relTo(s.flags.Src, s.flags.ConfigFile)
	}
	return slices.ContainsFunc(changed, func(c string) bool { return cleanRel(c) == name })
}

// reopen opens the source folder again when the one open is no longer
// the folder at its path: it was removed, and perhaps made anew, which the
// open one, still reading the removed folder, would never see.
func (s *Session) reopen() error {
	now, err := os.Stat(s.srcAbs)
	if err != nil {
		return fmt.Errorf("source folder: %w", err)
	}
	if was, err := s.src.Stat("."); err == nil && os.SameFile(was, now) {
		return nil
	}
	root, err := openRoot(s.srcAbs)
	if err != nil {
		return err
	}
	s.src.Close()
	s.src = srcfs.New(root)
	s.set.src = s.src
	return nil
}

// Preview is one version of the site as the preview server shows it.
// Pages are rendered on request from the parsed site and their sources,
// with the same renderer and templates as a build, so an edit costs one
// page parse instead of a whole site's render; the other files (theme
// assets, group pages, search index, hosting files, the source tree's
// other files) are made on first request and kept. It is safe for
// concurrent use.
type Preview struct {
	site    *Site
	theme   *render.Theme
	r       *render.Renderer
	bodies  *bodies
	pages   map[string]int    // "db/pool/index.html" → index in site.Pages
	assets  map[string][]byte // the theme's static files, by site path
	headers []publish.Rule

	once     sync.Once
	files    memFiles
	filesErr error
}

// Preview renders site in the session's theme, loading the theme first
// when it changed (or was never loaded). It renders the probe pages, so
// that a template that fails on them is a failed change rather than a
// broken page, and stops when ctx is done.
func (s *Session) Preview(ctx context.Context, site *Site, themeChanged bool, probes []*page.Page) (*Preview, error) {
	if s.theme == nil || themeChanged {
		t, err := loadTheme(s.set.Theme)
		if err != nil {
			return nil, err
		}
		s.theme = t
	}
	p := &Preview{site: site, theme: s.theme, bodies: site.parser.bodies(s.hl, false), assets: map[string][]byte{}}
	if !s.update(p, themeChanged) {
		p.r = newRenderer(site, s.theme, s.set, true)
		p.pages = make(map[string]int, len(site.Pages))
		for i, pg := range site.Pages {
			p.pages[pg.URL+"index.html"] = i
		}
	}
	p.headers = publish.HeaderRules(p.r.Base(), p.r.Files())
	for _, f := range p.r.Files() {
		p.assets[f.Name] = f.Data
	}
	for _, pg := range probes {
		if _, err := p.page(ctx, pg); err != nil {
			return nil, err
		}
	}
	s.shown = p
	return p, nil
}

// update makes p's renderer and page index from those of the last
// preview, in the same theme, when few pages changed since: the
// navigation is updated for the pages that changed, came or went
// (render.Update) instead of made again. It reports whether it did.
func (s *Session) update(p *Preview, themeChanged bool) bool {
	prev := s.shown
	if prev == nil || themeChanged || prev.theme != s.theme {
		return false
	}
	removed, added, samePaths := changedPages(prev.site.Pages, p.site.Pages)
	if len(removed)+len(added) > max(64, len(p.site.Pages)/8) {
		return false // most of the site changed: making it again costs less
	}
	p.r = render.Update(prev.r, renderSite(p.site, s.set, true), removed, added)
	p.pages = prev.pages
	if !samePaths {
		p.pages = make(map[string]int, len(p.site.Pages))
		for i, pg := range p.site.Pages {
			p.pages[pg.URL+"index.html"] = i
		}
	}
	return true
}

// changedPages compares two versions of a site's pages, sorted by path: it
// returns the pages of before that after does not have, and those of
// after that before does not have, a page parsed again being in both; and
// whether both have the same paths and URLs in the same order. An
// incremental parse keeps the pages that did not change, so this costs a
// comparison of pointers per page.
func changedPages(before, after []*page.Page) (removed, added []*page.Page, samePaths bool) {
	samePaths = len(before) == len(after)
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		switch {
		case j == len(after) || i < len(before) && before[i].Path < after[j].Path:
			removed = append(removed, before[i])
			i++
			samePaths = false
		case i == len(before) || after[j].Path < before[i].Path:
			added = append(added, after[j])
			j++
			samePaths = false
		default:
			if before[i] != after[j] {
				removed, added = append(removed, before[i]), append(added, after[j])
				samePaths = samePaths && before[i].URL == after[j].URL
			}
			i++
			j++
		}
	}
	return removed, added, samePaths
}

// Site returns the parsed site the preview shows.
func (p *Preview) Site() *Site { return p.site }

// Headers returns the response header rules of the site, as _headers
// gives them to a host.
func (p *Preview) Headers() []publish.Rule { return p.headers }

// Assets returns the site paths of the theme's static files by their
// names in the theme ("style.css" → "assets/style.0123456789.css").
func (p *Preview) Assets() map[string]string { return p.r.Assets() }

// File returns the file at a site path ("db/pool/index.html"), and
// whether the site has one. Rendering a page stops when ctx is done.
func (p *Preview) File(ctx context.Context, name string) ([]byte, bool, error) {
	if i, ok := p.pages[name]; ok {
		data, err := p.page(ctx, p.site.Pages[i])
		return data, err == nil, err
	}
	if data, ok := p.assets[name]; ok {
		return data, true, nil
	}
	p.once.Do(func() {
		p.files = memFiles{}
		p.filesErr = renderFiles(p.site, p.r, newOwners(p.files))
	})
	if p.filesErr != nil {
		return nil, false, p.filesErr
	}
	data, ok := p.files[name]
	return data, ok, nil
}

// page renders the page pg, its body read from its source now.
func (p *Preview) page(ctx context.Context, pg *page.Page) ([]byte, error) {
	body, err := p.bodies.render(ctx, pg, nil)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", pg.Path, err)
	}
	var buf bytes.Buffer
	if err := p.r.Page(&buf, pg, body); err != nil {
		return nil, fmt.Errorf("render %s: %w", pg.Path, err)
	}
	return buf.Bytes(), nil
}

// memFiles is a site's files in memory, by site path.
type memFiles map[string][]byte

func (m memFiles) WriteFile(name string, data []byte) error {
	m[name] = data
	return nil
}
