// Package load implements the load stage: it walks the source tree and
// lists its pages and the other files to publish, and reports sources that
// would collide on the built site.
package load

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
)

// Tree is what a source folder holds.
type Tree struct {
	Pages    []Entry  // Markdown files, sorted by path
	Assets   []string // other files, sorted
	Dirs     []string // every folder, "" for the root, sorted
	Excluded []string // files and folders left out by the exclude globs, sorted
	Hidden   []string // dot-files and dot-folders, never part of the site, sorted
	Drafts   []string // pages left out by draft: true (set after parse)
}

// Options are the project's settings that change what the walk finds.
type Options struct {
	// Exclude reports whether a file or folder (a slash path from the
	// root) is left out; nil leaves nothing out.
	Exclude func(path string) bool
	// Skip names files of the tree that are never content, such as the
	// project's runbooks.toml.
	Skip []string
	// LowerURLs makes page URLs lowercase, as Hugo's are.
	LowerURLs bool
}

// URLOf returns the site path of the page built from the Markdown file at
// path under these options.
func (o Options) URLOf(path string) string {
	u := page.URLOf(path)
	if o.LowerURLs {
		u = strings.ToLower(u)
	}
	return u
}

// Entry is a Markdown file and the site path of the page built from it.
type Entry struct {
	Path string
	URL  string
}

// IsPage reports whether the file at path is a Markdown page.
func IsPage(name string) bool {
	return strings.EqualFold(path.Ext(name), ".md")
}

// Skipped reports whether a file or folder name is left out of the site:
// dot-files and dot-folders.
func Skipped(name string) bool {
	return strings.HasPrefix(name, ".") && name != "." && name != ".."
}

// Walk lists the tree in fsys. Sources that would collide on the site, and
// symlinks that lead out of the tree or to folders, are reported as
// problems; only a failure to read a folder is an error.
func Walk(fsys fs.FS) (Tree, []diag.Problem, error) {
	return WalkWith(fsys, Options{})
}

// WalkWith is Walk with the project's settings.
func WalkWith(fsys fs.FS, opt Options) (Tree, []diag.Problem, error) {
	var t Tree
	var probs []diag.Problem
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			probs = append(probs, diag.Errorf(p, 1, 1, "unreadable", "cannot read: %v", unwrapPath(err)))
			return nil
		}
		if p != "." && Skipped(d.Name()) {
			t.Hidden = append(t.Hidden, p)
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != "." && (slices.Contains(opt.Skip, p) || opt.Exclude != nil && opt.Exclude(p)) {
			if !slices.Contains(opt.Skip, p) {
				t.Excluded = append(t.Excluded, p)
			}
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		typ := d.Type()
		if typ&fs.ModeSymlink != 0 {
			info, err := fs.Stat(fsys, p)
			switch {
			case err != nil:
				probs = append(probs, diag.Warnf(p, 1, 1, "symlink", "symlink skipped: it is broken or points outside the source folder"))
				return nil
			case info.IsDir():
				probs = append(probs, diag.Warnf(p, 1, 1, "symlink", "symlink to a folder skipped: folders are not followed through symlinks"))
				return nil
			case !info.Mode().IsRegular():
				return nil
			}
			typ = 0
		}
		switch {
		case d.IsDir():
			if p == "." {
				p = ""
			}
			t.Dirs = append(t.Dirs, p)
		case typ != 0:
			// sockets, devices, pipes: not content
		case IsPage(p):
			t.Pages = append(t.Pages, Entry{Path: p, URL: opt.URLOf(p)})
		default:
			t.Assets = append(t.Assets, p)
		}
		return nil
	})
	if err != nil {
		return Tree{}, nil, fmt.Errorf("read source folder: %w", err)
	}
	slices.SortFunc(t.Pages, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	slices.Sort(t.Assets)
	slices.Sort(t.Dirs)
	slices.Sort(t.Excluded)
	slices.Sort(t.Hidden)
	probs = append(probs, collisions(t)...)
	return t, probs, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// collisions reports sources that map to the same output file, comparing
// case-insensitively: most static hosts are case-sensitive, but the
// machines people clone to often are not.
func collisions(t Tree) []diag.Problem {
	type claim struct{ out, src string }
	var probs []diag.Problem
	seen := map[string]claim{}
	add := func(out, src string) {
		k := strings.ToLower(out)
		first, ok := seen[k]
		if !ok {
			seen[k] = claim{out, src}
			return
		}
		if first.out == out {
			probs = append(probs, diag.Errorf(src, 1, 1, "duplicate-url", "%s and %s both build to %s", first.src, src, out))
		} else {
			probs = append(probs, diag.Errorf(src, 1, 1, "duplicate-url", "%s and %s differ only by case: static hosts are case-sensitive, many checkouts are not", first.src, src))
		}
	}
	for _, e := range t.Pages {
		add(e.URL+"index.html", e.Path)
	}
	for _, a := range t.Assets {
		add(a, a)
	}
	return probs
}
