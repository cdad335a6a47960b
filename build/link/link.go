// Package link resolves the links of a page: a destination as written in
// the Markdown becomes the file it names in the source tree, and the URL it
// has on the built site.
package link

import (
	"net/url"
	"path"
	"strings"
)

// Target is a parsed link destination.
type Target struct {
	External bool   // has a scheme (https:, mailto:) or starts with //
	Scheme   string // lowercase scheme of an external link
	Absolute bool   // starts with "/": a path on the site's host
	Path     string // for relative links: slash path from the source root, cleaned; "" for a same-page #fragment
	Dir      bool   // the destination ends in "/" (names a folder)
	Fragment string // decoded, without "#"
	Query    string // raw, without "?"
	Escapes  bool   // the path climbs out of the source root
	BadEsc   bool   // the destination has an invalid %-escape
}

// SamePage reports whether the link points into the page it is on.
func (t Target) SamePage() bool {
	return !t.External && !t.Absolute && t.Path == "" && !t.Dir
}

// Resolve parses dest as written in the page at from (a slash path from the
// source root, "db/pool.md").
func Resolve(from, dest string) Target {
	var t Target
	dest = strings.TrimSpace(dest)
	if i := strings.IndexByte(dest, '#'); i >= 0 {
		frag := dest[i+1:]
		if f, err := url.PathUnescape(frag); err == nil {
			frag = f
		}
		t.Fragment, dest = frag, dest[:i]
	}
	if i := strings.IndexByte(dest, '?'); i >= 0 {
		t.Query, dest = dest[i+1:], dest[:i]
	}
	if s := scheme(dest); s != "" || strings.HasPrefix(dest, "//") {
		t.External, t.Scheme = true, s
		return t
	}
	p, err := url.PathUnescape(dest)
	if err != nil {
		t.BadEsc = true
		p = dest
	}
	if strings.HasPrefix(p, "/") {
		t.Absolute = true
		t.Path = path.Clean(p)
		return t
	}
	if p == "" {
		return t
	}
	t.Dir = strings.HasSuffix(p, "/")
	joined := path.Join(path.Dir(from), p)
	if joined == ".." || strings.HasPrefix(joined, "../") {
		t.Escapes = true
	}
	if joined == "." {
		joined = ""
		t.Dir = true
	}
	t.Path = joined
	return t
}

// scheme returns the lowercase URL scheme of s ("https", "mailto"), or "".
func scheme(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9', c == '+', c == '-', c == '.':
			if i == 0 {
				return ""
			}
		case c == ':':
			if i == 0 {
				return ""
			}
			return strings.ToLower(s[:i])
		default:
			return ""
		}
	}
	return ""
}

// Base is how the site's URLs are written. With a base URL every link is
// root-relative under the base path ("/ops/db/pool/"); without one, links
// are relative and name index.html, so the site also works opened from disk.
type Base struct {
	URL  string // absolute base URL, "https://example.github.io/ops/", or ""
	Path string // its path, always ending in "/": "/ops/"; "" when relative
}

// NewBase returns the Base for a --base-url value ("" for relative links).
func NewBase(raw string) (Base, error) {
	if raw == "" {
		return Base{}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Base{}, err
	}
	p := u.Path
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	u.Path, u.RawQuery, u.Fragment = p, "", ""
	return Base{URL: u.String(), Path: p}, nil
}

// Href returns the href that leads from the page at site path from
// ("db/pool/") to the site path to ("api-down/", "img/x.png", "" for the
// root).
func (b Base) Href(from, to string) string {
	if b.Path != "" {
		return b.Path + escapePath(to)
	}
	rel := RelPath(to)
	if n := strings.Count(from, "/"); n > 0 {
		rel = strings.Repeat("../", n) + escapePath(to) // ".." is never a scheme
	}
	if to == "" || strings.HasSuffix(to, "/") {
		rel += "index.html"
	}
	return rel
}

// Abs returns the absolute URL of a site path, or "" when the base URL is
// unknown.
func (b Base) Abs(to string) string {
	if b.URL == "" {
		return ""
	}
	return b.URL + escapePath(to)
}

// RelPath returns the relative URL of a site path, percent-encoded:
// "db/pool/" → "db/pool/". When the first segment holds a colon it starts
// with "./" ("javascript:x/" → "./javascript:x/"), so that neither a
// browser nor a URL parser reads the name as a scheme, whatever the
// site path it is joined to.
func RelPath(p string) string {
	e := escapePath(p)
	if i := strings.IndexAny(e, ":/"); i >= 0 && e[i] == ':' {
		return "./" + e
	}
	return e
}

// escapePath percent-encodes a slash path for use in an href.
func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// Tree answers what a source tree holds, for ResolveRoot.
type Tree interface {
	IsFile(path string) bool                  // a page or another file, by source path
	IsDir(path string) bool                   // a folder, "" for the root
	PageAt(url string) (path string, ok bool) // the page published at a site path ("docs/x/")
}

// ResolveRoot returns what the root-absolute path abs ("/docs/add-runbook",
// as Target.Path has it for a link written "/docs/add-runbook") names in
// the source tree: a page or file by its source path ("/docs/x.md"), a
// folder, or a page by its URL ("/docs/x/", "/docs/x", "/docs/x/index.html").
// A path under the site's base path (basePath "/ops/", link "/ops/docs/x")
// is taken from there too. It returns the source path, whether it is a
// folder, and false when nothing in the tree is at abs.
func ResolveRoot(abs, basePath string, tree Tree) (p string, dir bool, ok bool) {
	rel := strings.Trim(abs, "/")
	cands := []string{rel}
	if bp := strings.Trim(basePath, "/"); bp != "" {
		if rest, ok := strings.CutPrefix(rel, bp); ok && (rest == "" || rest[0] == '/') {
			cands = append(cands, strings.TrimPrefix(rest, "/"))
		}
	}
	for _, c := range cands {
		if tree.IsFile(c) {
			return c, false, true
		}
		c = strings.TrimSuffix(strings.TrimSuffix(c, "index.html"), "/")
		if tree.IsDir(c) {
			return c, true, true
		}
		u := c + "/"
		if c == "" {
			u = ""
		}
		if sp, ok := tree.PageAt(u); ok {
			return sp, false, true
		}
	}
	return "", false, false
}
