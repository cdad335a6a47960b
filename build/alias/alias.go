// Package alias implements Hugo's aliases: the URLs a page had before it
// moved, listed in its aliases: front matter, which keep leading to it. Each
// alias is a permanent redirect in _redirects, for Netlify and Cloudflare
// Pages, and a small page at the alias that sends the browser on, for hosts
// that do not read _redirects (GitHub Pages, S3, a plain web server).
//
// An alias is a path of the site, from its root ("/old/path/") or from the
// page's folder ("old-name"), as Hugo reads it; it never names another
// host, climbs folders with "..", or stands where the site has something
// else: a page, another alias, an alert URL or a generated file.
package alias

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// Alias is another URL of a page.
type Alias struct {
	Page    *page.Page
	Written string   // as the front matter writes it: "/old/path/", "old-name"
	At      page.Pos // where it is written
	// Path is the site path it stands for: "old/path/", "db/old-name/", or
	// a file when it names one: "2019/01/old.html".
	Path string
}

// File returns the name of the redirecting page in the site:
// "old/path/index.html", or Path itself when it names an .html file.
func (a Alias) File() string {
	if strings.HasSuffix(a.Path, "/") {
		return a.Path + "index.html"
	}
	return a.Path
}

// Resolve returns the site path the alias written on page p stands for, as
// Hugo reads it: from the site root when it starts with "/", else from the
// page's folder; a folder ("old/path/") unless it ends in ".html". It
// reports what is wrong with an alias that is not a path of the site.
func Resolve(p *page.Page, written string) (string, error) {
	s := written
	if i := strings.IndexByte(s, ':'); i > 0 && isScheme(s[:i]) || strings.HasPrefix(s, "//") {
		return "", fmt.Errorf("alias %q is a URL: an alias is a path of this site, such as \"/old/path/\"", written)
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f || unicode.IsSpace(r) || strings.ContainsRune(`\?#%*:"<>|`, r) || page.IsBidiControl(r) || page.IsZeroWidth(r) {
			return "", fmt.Errorf("alias %q holds %q, which this site's paths do not: use letters, digits, \"/\", \"-\", \"_\" and \".\"", written, r)
		}
	}
	rel, fromRoot := strings.CutPrefix(s, "/")
	if !fromRoot {
		rel = folderOf(p.URL, page.IsIndex(p.Path)) + rel
	}
	segs := strings.Split(rel, "/")
	if slices.Contains(segs, "..") {
		clean, out := climb(segs)
		switch {
		case out:
			return "", fmt.Errorf("alias %q climbs out of the site", written)
		case clean == "":
			return "", fmt.Errorf("alias %q is the site's root, the home page's URL", written)
		}
		return "", fmt.Errorf("alias %q climbs folders with \"..\": write it from the site root, as %q", written, "/"+asFolder(clean))
	}
	clean := strings.TrimPrefix(path.Clean("/"+rel), "/")
	if clean == "" {
		return "", fmt.Errorf("alias %q is the site's root, the home page's URL", written)
	}
	return asFolder(clean), nil
}

// isScheme reports whether s could be a URL scheme ("https", "mailto").
func isScheme(s string) bool {
	for i, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && ('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// folderOf returns the site folder of the page at site path u ("db/" for
// "db/pool/"); an index page's folder is its own URL.
func folderOf(u string, index bool) string {
	if index {
		return u
	}
	return u[:strings.LastIndexByte(strings.TrimSuffix(u, "/"), '/')+1]
}

// climb resolves the ".." and "." segments of segs, reporting whether they
// climb above the root.
func climb(segs []string) (string, bool) {
	var out []string
	for _, s := range segs {
		switch s {
		case "", ".":
		case "..":
			if len(out) == 0 {
				return "", true
			}
			out = out[:len(out)-1]
		default:
			out = append(out, s)
		}
	}
	return strings.Join(out, "/"), false
}

// asFolder returns the site path of a cleaned alias: itself when it names
// an .html file, else the folder.
func asFolder(clean string) string {
	if strings.HasSuffix(clean, ".html") {
		return clean
	}
	return clean + "/"
}

// Any reports whether some page has an alias.
func Any(pages []*page.Page) bool {
	return slices.ContainsFunc(pages, func(p *page.Page) bool { return len(p.Meta.Aliases) > 0 })
}

// Reserved is what the site writes besides its pages and aliases.
type Reserved struct {
	Files map[string]string // file name → the source file published there, or "" for a file the build generates
	Dirs  []string          // folders the build writes whole: "search"
}

// owner is what stands at a file of the site.
type owner struct {
	what  string     // "db/pool.md", `the URL of alert "X"`; "" for a file the build generates
	page  *page.Page // the page built there, if one is
	alias *Alias     // the alias there, if one is
	rule  string     // the rule of an alias that collides with it
}

// Collect returns the aliases of the pages that lead somewhere, sorted by
// path, and the problems of the others, at the alias: an alias that is not
// a path of the site, or that stands where the site has a page, another
// alias, an alert URL, a generated file or a published one. Files are
// compared ignoring case, since two names that differ only by case are one
// file on a case-insensitive disk.
func Collect(pages []*page.Page, res Reserved) ([]Alias, []diag.Problem) {
	if !Any(pages) {
		return nil, nil // most sites: no index of the site's files to make
	}
	taken := map[string]owner{} // lowercased file → what is there
	for f, src := range res.Files {
		taken[strings.ToLower(f)] = owner{what: src, rule: "generated-name"}
	}
	claimed, _ := alerts.Claim(pages)
	for _, a := range claimed {
		taken[alerts.URL(a.Name)+"index.html"] = owner{what: fmt.Sprintf("the URL of alert %q", a.Name), rule: "duplicate-url"}
	}
	if _, ok := taken[alerts.IndexPage]; !ok && len(claimed) > 0 {
		taken[alerts.IndexPage] = owner{what: "the list of alerts", rule: "generated-name"}
	}
	for _, p := range pages {
		taken[strings.ToLower(p.URL+"index.html")] = owner{what: p.Path, page: p, rule: "duplicate-url"}
	}
	folders := map[string]string{} // lowercased folder of the site → what needs it
	for f, o := range taken {
		addFolders(folders, f, o.what)
	}
	var list []Alias
	var probs []diag.Problem
	for _, p := range pages {
		for i, w := range p.Meta.Aliases {
			a := Alias{Page: p, Written: w, At: aliasAt(p.Meta, i)}
			sp, err := Resolve(p, w)
			if err != nil {
				probs = append(probs, a.problem(diag.Error, "invalid-alias", err.Error()))
				continue
			}
			a.Path = sp
			if prob, bad := a.collision(taken, folders, res.Dirs); bad {
				probs = append(probs, prob)
				continue
			}
			list = append(list, a)
			taken[strings.ToLower(a.File())] = owner{what: p.Path, alias: &a, rule: "duplicate-url"}
			addFolders(folders, strings.ToLower(a.File()), p.Path)
		}
	}
	slices.SortFunc(list, func(a, b Alias) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Path), strings.ToLower(b.Path)), cmp.Compare(a.Path, b.Path))
	})
	return list, probs
}

// addFolders notes in folders that what needs the folders of the site
// file f; of two, the first in path order is named.
func addFolders(folders map[string]string, f, what string) {
	for d := path.Dir(f); d != "."; d = path.Dir(d) {
		if w, ok := folders[d]; !ok || what < w {
			folders[d] = what
		}
	}
}

// collision returns the problem of an alias that stands where the site has
// something else, and whether there is one.
func (a Alias) collision(taken map[string]owner, folders map[string]string, dirs []string) (diag.Problem, bool) {
	file := strings.ToLower(a.File())
	for _, d := range dirs {
		if strings.HasPrefix(file, strings.ToLower(d)+"/") {
			return a.problem(diag.Error, "generated-name", fmt.Sprintf("alias %q would be published under %s/, which the build generates", a.Written, d)), true
		}
	}
	if o, ok := taken[file]; ok {
		var msg string
		switch {
		case o.page == a.Page && o.page.URL+"index.html" == a.File():
			return a.problem(diag.Warning, "invalid-alias", fmt.Sprintf("alias %q is the page's own URL: remove it", a.Written)), true
		case o.page == a.Page:
			msg = fmt.Sprintf("alias %q is the page's own URL in another case", a.Written)
		case o.alias != nil && o.alias.Page == a.Page:
			return a.problem(diag.Warning, "invalid-alias", fmt.Sprintf("alias %q is listed twice (as %q at line %d)", a.Written, o.alias.Written, o.alias.At.Line)), true
		case o.alias != nil:
			msg = fmt.Sprintf("alias %q is also an alias of %s (%s:%d:%d): an alias leads to one page", a.Written, o.what, o.what, o.alias.At.Line, o.alias.At.Col)
		case o.page != nil:
			msg = fmt.Sprintf("alias %q is the URL of %s: remove the alias, or move the page", a.Written, o.what)
		case o.rule == "duplicate-url":
			msg = fmt.Sprintf("alias %q is %s", a.Written, o.what)
		case o.what == "":
			msg = fmt.Sprintf("alias %q would be published as %s, which the build generates", a.Written, a.File())
		default:
			msg = fmt.Sprintf("alias %q would be published as %s, where %s is published", a.Written, a.File(), o.what)
		}
		if o.page != nil && o.page.URL+"index.html" != a.File() || o.alias != nil && o.alias.File() != a.File() {
			msg += " (the two differ only by case, and are one file on a case-insensitive disk)"
		}
		return a.problem(diag.Error, o.rule, msg), true
	}
	if what, ok := folders[file]; ok {
		if what == "" {
			what = "the generated site"
		}
		return a.problem(diag.Error, "generated-name", fmt.Sprintf("alias %q would be published as the file %s, where the site needs a folder for %s", a.Written, a.File(), what)), true
	}
	for d := path.Dir(file); d != "."; d = path.Dir(d) {
		if _, ok := taken[d]; ok {
			return a.problem(diag.Error, "generated-name", fmt.Sprintf("alias %q needs a folder %s, where the site publishes a file of that name", a.Written, d)), true
		}
	}
	return diag.Problem{}, false
}

// problem returns a problem with the alias, at it.
func (a Alias) problem(sev diag.Severity, rule, msg string) diag.Problem {
	return diag.Problem{File: a.Page.Path, Line: a.At.Line, Col: a.At.Col, Severity: sev, Rule: rule, Target: a.Written, Message: msg}
}

// aliasAt returns where the i'th alias of m is written.
func aliasAt(m page.Meta, i int) page.Pos {
	if i < len(m.AliasesAt) {
		return m.AliasesAt[i]
	}
	return page.Pos{Line: 1, Col: 1}
}

// Redirects returns the _redirects rules of the aliases: a permanent
// redirect from each alias, with and without its trailing slash, to its
// page. The redirecting page stands at the alias, and Netlify serves a file
// that exists rather than follow a rule unless the rule is forced ("301!");
// Cloudflare Pages follows its rules whatever exists, and skips a line
// with a "!", which it does not accept. So each rule is written twice,
// forced and not: each host takes the one it reads.
func Redirects(b link.Base, list []Alias) []byte {
	if len(list) == 0 {
		return nil
	}
	var buf bytes.Buffer
	buf.WriteString("# Aliases: the URLs pages had before they moved (aliases: front matter).\n")
	buf.WriteString("# Each rule twice: \"301!\" for Netlify, \"301\" for Cloudflare Pages.\n")
	for _, a := range list {
		to := rootPath(b, a.Page.URL)
		from := rootPath(b, a.Path)
		froms := []string{from}
		if f, ok := strings.CutSuffix(from, "/"); ok {
			froms = append(froms, f)
		}
		for _, f := range froms {
			fmt.Fprintf(&buf, "%s %s 301!\n", f, to)
			fmt.Fprintf(&buf, "%s %s 301\n", f, to)
		}
	}
	return buf.Bytes()
}

// rootPath returns the path a browser requests for a site path, under the
// base path ("/" when the base URL is unknown).
func rootPath(b link.Base, sitePath string) string {
	prefix := b.Path
	if prefix == "" {
		prefix = "/"
	}
	return prefix + (&url.URL{Path: sitePath}).EscapedPath()
}

// fallback is the redirecting page at an alias: no script, nothing loaded,
// a refresh and a link for when refreshes are off, kept out of search
// engines' indexes, which the canonical link sends to the page.
var fallback = template.Must(template.New("alias").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
{{- if .Canonical}}
<link rel="canonical" href="{{.Canonical}}">
{{- end}}
<meta http-equiv="refresh" content="0; url={{.Href}}">
</head>
<body>
<p>This page has moved to <a href="{{.Href}}">{{.Title}}</a>.</p>
</body>
</html>
`))

// Pages returns the redirecting page of each alias, for hosts that do not
// read _redirects. csp is the Content-Security-Policy the pages carry in a
// meta element, for hosts that cannot send it as a header.
func Pages(b link.Base, list []Alias, csp string) ([]page.File, error) {
	files := make([]page.File, 0, len(list))
	for _, a := range list {
		from := a.Path
		if !strings.HasSuffix(from, "/") {
			from = path.Dir(from) + "/"
			if from == "./" {
				from = ""
			}
		}
		var buf bytes.Buffer
		err := fallback.Execute(&buf, struct {
			CSP, Title, Canonical, Href string
		}{csp, a.Page.Meta.Title, b.Abs(a.Page.URL), b.Href(from, a.Page.URL)})
		if err != nil {
			return nil, fmt.Errorf("alias %s: %w", a.Path, err)
		}
		files = append(files, page.File{Name: a.File(), Data: buf.Bytes()})
	}
	return files, nil
}
