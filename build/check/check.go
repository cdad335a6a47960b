// Package check implements the check stage: broken links, anchors and
// images, positioned in the Markdown source, and the runbook lint rules.
// It works on what the parse stage collected (links with their source
// positions, heading ids, code blocks) and never reads a file.
package check

import (
	"strings"
	"time"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// Input is the parsed site to check.
type Input struct {
	Pages  []*page.Page // sorted by path
	Assets []string     // files that are not pages, sorted slash paths
	Dirs   []string     // every folder, "" for the root
	Now    time.Time    // the build date, for review-overdue
	Base   link.Base
	// Unpublished tells why a file or folder that exists in the source
	// tree is not part of the site; nil when every file is.
	Unpublished func(path string) (why string, ok bool)
}

// Run checks the site and returns every problem found, unsorted.
func Run(in Input) []diag.Problem {
	ix := newIndex(in)
	var probs []diag.Problem
	for _, p := range in.Pages {
		probs = ix.links(probs, p)
		probs = lint(probs, p, in.Now)
	}
	return probs
}

// index is the site as the link checks look it up: every page, file and
// folder by exact path.
type index struct {
	in       Input
	pages    map[string]*page.Page
	assets   map[string]bool
	dirs     map[string]bool
	dirIndex map[string]*page.Page // folder → its index page

	// Built on first use only: most links resolve on the first look-up.
	lowerMap    map[string]string     // lowercase path → path, for pages, assets and folders
	byURLMap    map[string]*page.Page // site path → page
	names       []string              // pages and assets, sorted
	assetNames  []string              // assets, sorted
	byBase      map[string][]string   // lowercase file name → paths
	suggestions map[suggestKey]string
}

func newIndex(in Input) *index {
	ix := &index{
		in:       in,
		pages:    make(map[string]*page.Page, len(in.Pages)),
		assets:   make(map[string]bool, len(in.Assets)),
		dirs:     make(map[string]bool, len(in.Dirs)),
		dirIndex: make(map[string]*page.Page, len(in.Dirs)),
	}
	for _, d := range in.Dirs {
		ix.dirs[d] = true
	}
	for _, a := range in.Assets {
		ix.assets[a] = true
	}
	for _, p := range in.Pages {
		ix.pages[p.Path] = p
		if page.IsIndex(p.Path) {
			d := dirOf(p.Path)
			if _, ok := ix.dirIndex[d]; !ok {
				ix.dirIndex[d] = p
			}
		}
	}
	return ix
}

// lower returns the page, file or folder whose path is p in another case.
func (ix *index) lower(p string) (string, bool) {
	if ix.lowerMap == nil {
		ix.lowerMap = make(map[string]string, len(ix.in.Pages)+len(ix.in.Assets)+len(ix.in.Dirs))
		add := func(p string) {
			k := strings.ToLower(p)
			if _, ok := ix.lowerMap[k]; !ok {
				ix.lowerMap[k] = p
			}
		}
		for _, d := range ix.in.Dirs {
			add(d)
		}
		for _, a := range ix.in.Assets {
			add(a)
		}
		for _, p := range ix.in.Pages {
			add(p.Path)
		}
	}
	real, ok := ix.lowerMap[strings.ToLower(p)]
	return real, ok
}

// byURL returns the page built at the site path u.
func (ix *index) byURL(u string) *page.Page {
	if ix.byURLMap == nil {
		ix.byURLMap = make(map[string]*page.Page, len(ix.in.Pages))
		for _, p := range ix.in.Pages {
			if _, ok := ix.byURLMap[p.URL]; !ok {
				ix.byURLMap[p.URL] = p
			}
		}
	}
	return ix.byURLMap[u]
}

// dirOf returns the folder of a slash path, "" for the root.
func dirOf(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return ""
	}
	return p[:i]
}
