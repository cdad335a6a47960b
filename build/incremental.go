package build

import (
	"context"
	"io/fs"
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
	tree := loaded{prev.Tree, prev.loadProbs}
	if treeChanged(prev.Tree, fsys, dirty) {
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
			if data, ok := prev.parser.sources[pg.Path]; ok {
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
