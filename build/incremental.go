package build

import (
	"context"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/load"
	"github.com/arcaapi/runbooks/build/page"
)

// reparse is the parse stage for a site that changed since prev: the
// files named in changed (slash paths from the source root that were
// created, written, removed or renamed; folders included) changed. It
// re-reads and re-parses only those pages, reuses prev's other
// *page.Page values as they are, and walks the tree again only when files
// or folders came or went, so the result is the site parse would return.
// prev is not modified. Paths that are not part of the site (dot-files,
// editor temp files that are already gone) cost nothing.
func (set settings) reparse(ctx context.Context, prev *Site, changed []string) (*Site, error) {
	fsys := set.src
	dirty := map[string]bool{}
	for _, c := range changed {
		if c = cleanRel(c); c != "." && !skippedPath(c) {
			dirty[c] = true
		}
	}
	changedTree := treeChanged(prev.Tree, fsys, dirty)
	if !changedTree {
		if todo, ok := prev.pagesAt(dirty); ok && !hiddenChanged(prev.Tree, fsys, changed) {
			return set.reparsePages(ctx, prev, todo)
		}
	}
	tree := loaded{prev.Tree, prev.loadProbs}
	if changedTree {
		var err error
		if tree, err = set.load(); err != nil {
			return nil, err
		}
	}
	tree.tree = updateHidden(tree.tree, fsys, changed)
	pages := make([]*page.Page, len(tree.tree.Pages))
	perPage := make([][]diag.Problem, len(tree.tree.Pages))
	moved := movedDirs(prev.Tree.Dirs, tree.tree.Dirs)
	var todo []int
	for i, e := range tree.tree.Pages {
		j, found := slices.BinarySearchFunc(prev.Tree.Pages, e.Path, func(a load.Entry, p string) int { return strings.Compare(a.Path, p) })
		if !found || dirty[e.Path] || linksInto(prev.Pages[j], moved) {
			todo = append(todo, i)
			continue
		}
		pages[i], perPage[i] = prev.Pages[j], prev.pageProbs[j]
	}
	p := newParser(set, tree.tree)
	if p.sources != nil && prev.parser.sources != nil {
		for _, pg := range pages { // the pages kept from prev
			if pg == nil {
				continue
			}
			if data, ok := prev.parser.source(pg.Path); ok {
				p.sources[pg.Path] = data
			}
		}
	}
	if err := parallel(ctx, len(todo), func(k int) {
		i := todo[k]
		pages[i], perPage[i] = p.page(ctx, tree.tree.Pages[i])
	}); err != nil {
		return nil, err
	}
	return set.site(tree, p, pages, perPage), nil
}

// reparsePages is reparse when only the pages of prev at the indexes in
// todo changed, in place: the tree is the same, so the site is prev's
// with those pages parsed again, and what the site keeps of all its pages
// (its title, published files and aliases) is made again only when one of
// those pages changed it. It costs what the change costs, not what the
// site does, and gives what reparse would give.
func (set settings) reparsePages(ctx context.Context, prev *Site, todo []int) (*Site, error) {
	p := prev.parser.next()
	pages := slices.Clone(prev.Pages)
	perPage := slices.Clone(prev.pageProbs)
	if err := parallel(ctx, len(todo), func(k int) {
		i := todo[k]
		pages[i], perPage[i] = p.page(ctx, prev.Tree.Pages[i])
	}); err != nil {
		return nil, err
	}
	tree := loaded{prev.Tree, prev.loadProbs}
	for _, i := range todo {
		if pages[i].Meta.Draft {
			return set.site(tree, p, pages, perPage), nil // a page became a draft: the tree changes
		}
	}
	site := &Site{Src: set.src, Now: set.Now, Tree: prev.Tree, Pages: pages, Title: prev.Title,
		Files: prev.Files, Aliases: prev.Aliases, loadProbs: prev.loadProbs, pageProbs: perPage,
		assets: prev.assets, aliasProbs: prev.aliasProbs, parser: p, inPlace: true}
	var index, files, aliases bool
	for _, i := range todo {
		index = index || pages[i].URL == ""
		files = files || !slices.Equal(slices.Collect(prev.assets.linkedFrom(prev.Pages[i])), slices.Collect(prev.assets.linkedFrom(pages[i])))
		aliases = aliases || len(prev.Pages[i].Meta.Aliases) > 0 || len(pages[i].Meta.Aliases) > 0
	}
	if index {
		site.Title = set.title(pages)
	}
	if files {
		site.Files = set.publishedFiles(site, prev.assets)
	}
	if files || aliases || len(prev.Aliases) > 0 || len(prev.aliasProbs) > 0 {
		// An alias names its page, and checks the files it would clash with.
		site.Aliases, site.aliasProbs = site.aliases()
	}
	return site, nil
}

// pagesAt returns the indexes in s.Pages of the pages at the paths in
// paths, and whether every path is one of them.
func (s *Site) pagesAt(paths map[string]bool) ([]int, bool) {
	out := make([]int, 0, len(paths))
	for p := range paths {
		i, found := slices.BinarySearchFunc(s.Pages, p, func(pg *page.Page, p string) int { return strings.Compare(pg.Path, p) })
		if !found {
			return nil, false
		}
		out = append(out, i)
	}
	slices.Sort(out)
	return out, true
}

// hiddenChanged reports whether a dot-file came or went among the paths
// in changed since t was walked.
func hiddenChanged(t load.Tree, fsys fs.FS, changed []string) bool {
	return !slices.Equal(updateHidden(t, fsys, changed).Hidden, t.Hidden)
}

// next returns a parser for the same tree and settings as p, for the
// pages that changed since p parsed them: it shares p's indexes of the
// tree, and reads the sources p kept from p, so that making it does not
// cost the size of the site. The sources it reads itself are added over
// them; those are merged into one map now and then, so that a lookup
// stays one or two map reads and memory holds one source per page.
func (p *parser) next() *parser {
	n := &parser{src: p.src, md: p.md, base: p.base, key: p.key, load: p.load, meta: p.meta, gitlab: p.gitlab,
		fromName: p.fromName, dirs: p.dirs, tree: p.tree}
	if p.sources == nil {
		return n
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case len(p.inherited) == 0: // p parsed every page, and is done writing
		n.inherited, n.sources = p.sources, map[string][]byte{}
		return n
	case len(p.sources) > max(64, len(p.inherited)/8):
		n.inherited = make(map[string][]byte, len(p.inherited)+len(p.sources))
		maps.Copy(n.inherited, p.inherited)
		maps.Copy(n.inherited, p.sources)
		n.sources = map[string][]byte{}
		return n
	}
	n.inherited = p.inherited
	n.sources = maps.Clone(p.sources)
	return n
}

// source returns the source kept of the page at path.
func (p *parser) source(path string) ([]byte, bool) {
	p.mu.Lock()
	data, ok := p.sources[path]
	p.mu.Unlock()
	if !ok {
		data, ok = p.inherited[path]
	}
	return data, ok
}

// sourceErrors returns the error-severity problems of the load and parse
// stages (see Change.SourceErrors).
func (s *Site) sourceErrors() []diag.Problem {
	var out []diag.Problem
	add := func(ps []diag.Problem) {
		for _, p := range ps {
			if p.Severity == diag.Error {
				out = append(out, p)
			}
		}
	}
	add(s.loadProbs)
	for _, pp := range s.pageProbs {
		add(pp)
	}
	diag.Sort(out)
	return out
}

// updateHidden returns t with its dot-files as they are after the paths
// in changed changed: they are not part of the site, but a link to one is
// told so.
func updateHidden(t load.Tree, fsys fs.FS, changed []string) load.Tree {
	hidden := t.Hidden
	for _, c := range changed {
		c = cleanRel(c)
		h, ok := hiddenRoot(c)
		if !ok {
			continue
		}
		_, err := fs.Lstat(fsys, h)
		i, listed := slices.BinarySearch(hidden, h)
		switch {
		case err == nil && !listed:
			hidden = slices.Insert(slices.Clone(hidden), i, h)
		case err != nil && listed:
			hidden = slices.Delete(slices.Clone(hidden), i, i+1)
		}
	}
	t.Hidden = hidden
	return t
}

// hiddenRoot returns the dot-file or dot-folder that p is or is in.
func hiddenRoot(p string) (string, bool) {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if load.Skipped(part) {
			return strings.Join(parts[:i+1], "/"), true
		}
	}
	return "", false
}

// cleanRel cleans a slash path relative to the source root.
func cleanRel(p string) string {
	return path.Clean(strings.TrimPrefix(p, "/"))
}

// skippedPath reports whether the walk leaves p out: it or one of its
// folders is a dot-file.
func skippedPath(p string) bool {
	for part := range strings.SplitSeq(p, "/") {
		if load.Skipped(part) {
			return true
		}
	}
	return false
}

// treeChanged reports whether any of the changed paths came, went or
// changed between file and folder since t was walked.
func treeChanged(t load.Tree, fsys fs.FS, changed map[string]bool) bool {
	for c := range changed {
		info, err := fs.Stat(fsys, c)
		exists := err == nil
		_, isPage := slices.BinarySearchFunc(t.Pages, c, func(a load.Entry, p string) int { return strings.Compare(a.Path, p) })
		_, isAsset := slices.BinarySearch(t.Assets, c)
		_, isDir := slices.BinarySearch(t.Dirs, c)
		switch {
		case exists != (isPage || isAsset || isDir):
			return true
		case exists && info.IsDir() != isDir:
			return true
		}
	}
	return false
}

// movedDirs returns the folders that are in only one of two sorted lists.
func movedDirs(before, after []string) map[string]bool {
	var out map[string]bool
	add := func(d string) {
		if out == nil {
			out = map[string]bool{}
		}
		out[d] = true
	}
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		switch {
		case j == len(after) || i < len(before) && before[i] < after[j]:
			add(before[i])
			i++
		case i == len(before) || after[j] < before[i]:
			add(after[j])
			j++
		default:
			i++
			j++
		}
	}
	return out
}

// linksInto reports whether p links to one of dirs: such a link's href
// depends on whether its target is a folder, so p must be parsed again.
func linksInto(p *page.Page, dirs map[string]bool) bool {
	if len(dirs) == 0 {
		return false
	}
	for _, r := range p.Refs {
		t := link.Resolve(p.Path, r.Dest)
		if t.Absolute || !t.External && dirs[t.Path] {
			// A root-absolute link may name a folder, or a page of one.
			return true
		}
	}
	return false
}
