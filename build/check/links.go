package check

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// links checks every link and image of the page at p and appends what is
// broken to probs.
func (ix *index) links(probs []diag.Problem, p *page.Page) []diag.Problem {
	for _, r := range p.Refs {
		if pr, ok := ix.ref(p, r); ok {
			probs = append(probs, pr)
		}
	}
	return probs
}

// refCheck is one link being checked: the page it is on and how it is
// written, to build problems from.
type refCheck struct {
	ix *index
	p  *page.Page
	r  page.Ref
	t  link.Target
}

// broken returns an error problem: broken link "dest": message.
func (c refCheck) broken(rule, suggestion, format string, args ...any) (diag.Problem, bool) {
	what := "link"
	if c.r.Kind == page.Image {
		what = "image"
	}
	return diag.Problem{
		File: c.p.Path, Line: c.r.Line, Col: c.r.Col,
		Severity: diag.Error, Rule: rule, Target: c.r.Dest,
		Message:    fmt.Sprintf("broken %s %q: ", what, c.r.Dest) + fmt.Sprintf(format, args...),
		Suggestion: suggestion,
	}, true
}

func (c refCheck) warn(rule, suggestion, format string, args ...any) (diag.Problem, bool) {
	return diag.Problem{
		File: c.p.Path, Line: c.r.Line, Col: c.r.Col,
		Severity: diag.Warning, Rule: rule, Target: c.r.Dest,
		Message:    fmt.Sprintf(format, args...),
		Suggestion: suggestion,
	}, true
}

// rule returns the rule of a missing target: broken-image for images,
// broken-link otherwise.
func (c refCheck) rule() string {
	if c.r.Kind == page.Image {
		return "broken-image"
	}
	return "broken-link"
}

// ref checks one link and reports whether it has a problem.
func (ix *index) ref(p *page.Page, r page.Ref) (diag.Problem, bool) {
	dest := strings.TrimSpace(r.Dest)
	c := refCheck{ix: ix, p: p, r: r}
	if dest == "" {
		if r.Kind == page.Image {
			return c.warn("empty-link", "", "image has no source")
		}
		return c.warn("empty-link", "", "link has no target")
	}
	c.t = link.Resolve(p.Path, dest)
	if c.t.Absolute && r.Kind != page.AutoLink && !c.t.BadEsc {
		// A path from the site's root: check what it names in the tree.
		sp, dir, ok := link.ResolveRoot(c.t.Path, ix.in.Base.Path, ix)
		if !ok {
			return c.broken(c.rule(), "", "nothing is published at %s: no page, folder or file of the site is there", c.t.Path)
		}
		c.t.Absolute, c.t.Path, c.t.Dir = false, sp, dir
	}
	t := c.t
	switch {
	case t.External:
		return c.selfLink(dest)
	case r.Kind == page.AutoLink, t.Absolute:
		// An autolink without a scheme is an e-mail address.
		return diag.Problem{}, false
	case t.Escapes:
		return c.broken("link-escapes-root", "", "it leads out of the source folder")
	case t.SamePage():
		return c.anchor(p)
	case t.Dir || ix.dirs[t.Path]:
		return c.folder()
	}
	if tp := ix.pages[t.Path]; tp != nil {
		if r.Kind == page.Image {
			return diag.Problem{}, false
		}
		return c.anchor(tp)
	}
	if ix.assets[t.Path] {
		return diag.Problem{}, false
	}
	if p, ok := c.unpublished(); ok {
		return p, ok
	}
	if real, ok := ix.lower(t.Path); ok {
		kind := "file"
		if ix.dirs[real] {
			kind = "folder"
		}
		return c.broken("case-mismatch", c.suggest(real, ix.dirs[real]),
			"the %s is %s: static hosting is case-sensitive", kind, real)
	}
	sugg := ""
	if found := ix.suggestFile(t.Path, kindOf(r, false)); found != "" {
		sugg = c.suggest(found, ix.dirs[found])
	}
	return c.broken(c.rule(), sugg, "%s does not exist", t.Path)
}

// folder checks a link to a folder: it must exist and have an index page.
func (c refCheck) folder() (diag.Problem, bool) {
	ix, t := c.ix, c.t
	if !ix.dirs[t.Path] {
		if p, ok := c.unpublished(); ok {
			return p, ok
		}
		if real, ok := ix.lower(t.Path); ok && ix.dirs[real] {
			return c.broken("case-mismatch", c.suggest(real, true), "the folder is %s: static hosting is case-sensitive", real)
		}
		sugg := ""
		if found := ix.suggestFile(t.Path, kindOf(c.r, true)); found != "" {
			sugg = c.suggest(found, ix.dirs[found])
		}
		return c.broken(c.rule(), sugg, "folder %s does not exist", t.Path)
	}
	name := "folder " + t.Path
	if t.Path == "" {
		name = "the source folder"
	}
	if c.r.Kind == page.Image {
		return c.broken("broken-image", "", "%s is a folder", name)
	}
	ip := ix.dirIndex[t.Path]
	if ip == nil {
		return c.broken("folder-without-index", "", "%s has no index page (README.md, index.md or _index.md)", name)
	}
	return c.anchor(ip)
}

// unpublished reports a link to a file or folder that exists but is not
// part of the site.
func (c refCheck) unpublished() (diag.Problem, bool) {
	if c.ix.in.Unpublished == nil {
		return diag.Problem{}, false
	}
	why, ok := c.ix.in.Unpublished(c.t.Path)
	if !ok {
		return diag.Problem{}, false
	}
	return c.broken(c.rule(), "", "%s exists but is not part of the site: %s", c.t.Path, why)
}

// anchor checks the link's #fragment against the ids of the page it leads
// to.
func (c refCheck) anchor(to *page.Page) (diag.Problem, bool) {
	frag := c.t.Fragment
	if frag == "" || to.IDs.Has(frag) || strings.EqualFold(frag, "top") {
		// Browsers scroll to the top for "#top" when no element has that id.
		return diag.Problem{}, false
	}
	where := "in " + to.Path
	if to == c.p {
		where = "in this page"
	}
	sugg := ""
	if id := suggestID(frag, to); id != "" {
		sugg = beforeFragment(c.r.Dest) + "#" + id
	}
	return c.broken("broken-anchor", sugg, "no heading %q %s", frag, where)
}

// suggest returns what the author should have written to reach the
// existing file or folder at found (a path from the source root), keeping
// the fragment when it is valid and correcting it when it is close to an
// id.
func (c refCheck) suggest(found string, dir bool) string {
	s := relPath(c.p.Path, found, dir)
	frag := c.t.Fragment
	if frag == "" {
		return s
	}
	to := c.ix.pages[found]
	if dir {
		to = c.ix.dirIndex[found]
	}
	if to == nil || strings.EqualFold(frag, "top") {
		return s + "#" + frag
	}
	if !to.IDs.Has(frag) {
		id := suggestID(frag, to)
		if id == "" {
			// A suggestion is only made that passes the check: without
			// the fragment, it still leads to the right page.
			return s
		}
		frag = id
	}
	return s + "#" + frag
}

// selfLink warns about an absolute URL that points into this site: it
// should be a relative link to the Markdown file, so that it is checked and
// works in previews and from disk.
func (c refCheck) selfLink(dest string) (diag.Problem, bool) {
	b := c.ix.in.Base.URL
	if b == "" {
		return diag.Problem{}, false
	}
	lower := strings.ToLower(dest)
	if !strings.HasPrefix(lower, strings.ToLower(b)) && lower != strings.ToLower(strings.TrimSuffix(b, "/")) {
		return diag.Problem{}, false
	}
	rest := dest[min(len(b), len(dest)):]
	return c.warn("absolute-self-link", c.ix.relForURL(c.p.Path, rest),
		"link %q points into this site: use a relative link to the Markdown file", dest)
}

// relForURL returns the relative link from the page at from to the source
// of the site path rest (with its #fragment), or "" when no page or file
// is published there.
func (ix *index) relForURL(from, rest string) string {
	frag := ""
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, frag = rest[:i], rest[i:]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	if u, err := url.PathUnescape(rest); err == nil {
		rest = u
	}
	rest = strings.TrimSuffix(rest, "index.html")
	if p := ix.byURL(rest); p != nil {
		return relPath(from, p.Path, false) + frag
	}
	if p := ix.byURL(rest + "/"); p != nil && rest != "" {
		return relPath(from, p.Path, false) + frag
	}
	if ix.assets[rest] {
		return relPath(from, rest, false)
	}
	return ""
}

// beforeFragment returns dest without its #fragment.
func beforeFragment(dest string) string {
	if i := strings.IndexByte(dest, '#'); i >= 0 {
		return dest[:i]
	}
	return dest
}

// relPath returns how a link from the page at from names to (both slash
// paths from the source root), as an author would write it: "api-down.md",
// "../db/pool.md", "db/". Spaces are written %20.
func relPath(from, to string, dir bool) string {
	var fromDir []string
	if d := dirOf(from); d != "" {
		fromDir = strings.Split(d, "/")
	}
	var toParts []string
	if to != "" {
		toParts = strings.Split(to, "/")
	}
	n := len(toParts) // the folders of to that may be shared with from
	if !dir {
		n--
	}
	i := 0
	for i < len(fromDir) && i < n && fromDir[i] == toParts[i] {
		i++
	}
	s := strings.Repeat("../", len(fromDir)-i) + strings.Join(toParts[i:], "/")
	if dir {
		switch {
		case s == "":
			s = "./"
		case !strings.HasSuffix(s, "/"):
			s += "/"
		}
	}
	return strings.ReplaceAll(s, " ", "%20")
}

// IsFile reports whether path is a page or another file of the tree.
func (ix *index) IsFile(path string) bool { return ix.pages[path] != nil || ix.assets[path] }

// IsDir reports whether path is a folder of the tree.
func (ix *index) IsDir(path string) bool { return ix.dirs[path] }

// PageAt returns the source path of the page published at the site path u.
func (ix *index) PageAt(u string) (string, bool) {
	if p := ix.byURL(u); p != nil {
		return p.Path, true
	}
	return "", false
}
