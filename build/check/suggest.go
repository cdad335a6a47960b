package check

import (
	"path"
	"slices"
	"strings"

	"github.com/arcaapi/runbooks/build/nearest"
	"github.com/arcaapi/runbooks/build/page"
)

// targetKind is what a broken link was meant to reach, which decides the
// files a suggestion may name.
type targetKind int

const (
	anyFile targetKind = iota // a page or another file
	imageFile
	folder
)

func kindOf(r page.Ref, dir bool) targetKind {
	switch {
	case r.Kind == page.Image:
		return imageFile
	case dir:
		return folder
	}
	return anyFile
}

type suggestKey struct {
	target string
	kind   targetKind
}

// suggestFile returns the existing file (or folder with an index page)
// closest to target, a missing path from the source root, or "" when none
// is close: by edit distance, then a unique file with the same name
// elsewhere (a moved file).
func (ix *index) suggestFile(target string, kind targetKind) string {
	if ix.suggestions == nil {
		ix.prepareSuggestions()
	}
	key := suggestKey{target, kind}
	if s, ok := ix.suggestions[key]; ok {
		return s
	}
	s := ix.closestFile(target, kind)
	ix.suggestions[key] = s
	return s
}

func (ix *index) prepareSuggestions() {
	ix.suggestions = map[suggestKey]string{}
	ix.byBase = map[string][]string{}
	for p := range ix.pages {
		ix.names = append(ix.names, p)
	}
	for a := range ix.assets {
		ix.names = append(ix.names, a)
		ix.assetNames = append(ix.assetNames, a)
	}
	slices.Sort(ix.names)
	slices.Sort(ix.assetNames)
	for _, n := range ix.names {
		b := strings.ToLower(path.Base(n))
		ix.byBase[b] = append(ix.byBase[b], n)
	}
}

func (ix *index) closestFile(target string, kind targetKind) string {
	var names []string
	switch kind {
	case anyFile:
		// "x" or "x.html" for the page x.md
		for _, p := range []string{target + ".md", strings.TrimSuffix(target, ".html") + ".md"} {
			if ix.pages[p] != nil {
				return p
			}
		}
		names = ix.names
	case imageFile:
		names = ix.assetNames
	case folder:
		for d := range ix.dirIndex {
			if d != "" {
				names = append(names, d)
			}
		}
		slices.Sort(names)
		if ix.pages[target+".md"] != nil {
			return target + ".md"
		}
	}
	if best := nearest.Name(target, names); best != "" {
		return best
	}
	if kind == folder {
		return ""
	}
	same := ix.byBase[strings.ToLower(path.Base(target))]
	if kind == imageFile {
		same = slices.DeleteFunc(slices.Clone(same), func(n string) bool { return !ix.assets[n] })
	}
	if len(same) == 1 {
		return same[0]
	}
	return ""
}

// suggestID returns the id of the page at to that the missing fragment
// frag most likely meant, or "": the same id in another case, the closest
// id by edit distance, or the only id that has every word of frag, or
// whose words frag all has ("#step-2" for "step-2-identify-root-cause",
// "#step-3-find-slow-queries" for "step-3-find-slow-database-queries").
func suggestID(frag string, to *page.Page) string {
	ids := to.IDs // sorted
	for _, id := range ids {
		if strings.EqualFold(id, frag) {
			return id
		}
	}
	lf := strings.ToLower(frag)
	if best := nearest.Name(lf, ids); best != "" {
		return best
	}
	if len(lf) < 3 {
		return ""
	}
	fw := strings.Split(lf, "-")
	var hits []string
	for _, id := range ids {
		iw := strings.Split(id, "-")
		if subset(fw, iw) || len(id) >= 3 && subset(iw, fw) {
			hits = append(hits, id)
		}
	}
	if len(hits) == 1 {
		return hits[0]
	}
	return ""
}

// subset reports whether every word of a is in b.
func subset(a, b []string) bool {
	for _, w := range a {
		if w != "" && !slices.Contains(b, w) {
			return false
		}
	}
	return true
}

// SuggestID returns the heading id of the page to that frag was probably
// meant to name, or "" when none is close.
func SuggestID(frag string, to *page.Page) string { return suggestID(frag, to) }
