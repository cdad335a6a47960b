package alias

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// TestResolve checks that an alias is read as Hugo reads it: from the site
// root when it starts with "/", else from the page's folder; a folder
// unless it names an .html file; and that anything but a path of the site
// is refused with why.
func TestResolve(t *testing.T) {
	pool := &page.Page{Path: "db/pool.md", URL: "db/pool/"}
	index := &page.Page{Path: "db/_index.md", URL: "db/"}
	home := &page.Page{Path: "README.md", URL: ""}
	tests := []struct {
		page    *page.Page
		alias   string
		want    string // the site path, or
		wantErr string // part of the error
	}{
		{pool, "/old/path/", "old/path/", ""},
		{pool, "/old/path", "old/path/", ""},
		{pool, "/Old/Path/", "Old/Path/", ""}, // as written: it is the URL the site had
		{pool, "old-name", "db/old-name/", ""},
		{pool, "./old-name/", "db/old-name/", ""},
		{index, "old-name", "db/old-name/", ""},
		{home, "old-name", "old-name/", ""},
		{pool, "/2019/01/pool.html", "2019/01/pool.html", ""},
		{pool, "/a//b/", "a/b/", ""},
		{pool, "/wiki/ñandú/", "wiki/ñandú/", ""},
		{pool, "https://old.example.com/pool/", "", "is a URL"},
		{pool, "javascript:alert(1)", "", "is a URL"},
		{pool, "//old.example.com/pool/", "", "is a URL"},
		{pool, "../pool-old/", "", `write it from the site root, as "/pool-old/"`},
		{pool, "/a/../b/", "", `as "/b/"`},
		{pool, "../../../etc/passwd", "", "climbs out of the site"},
		{pool, "..", "", "the site's root"},
		{pool, "/", "", "the site's root"},
		{home, ".", "", "the site's root"},
		{pool, "/old path/", "", "holds ' '"},
		{pool, `\old\path`, "", `holds '\\'`},
		{pool, "/old?x=1", "", "holds '?'"},
		{pool, "/old#x", "", "holds '#'"},
		{pool, "/old%20path/", "", "holds '%'"},
		{pool, "/old/*", "", "holds '*'"},
		{pool, "/old/:id/", "", "holds ':'"},
		{pool, "/old\u202epath/", "", `holds '\u202e'`},
		{pool, "/old\x00/", "", `holds '\x00'`},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.page, tt.alias)
		switch {
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("Resolve(%s, %q) = %q, %v; want %q", tt.page.Path, tt.alias, got, err, tt.want)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("Resolve(%s, %q) = %q, %v; want an error with %q", tt.page.Path, tt.alias, got, err, tt.wantErr)
		}
	}
}

// TestCollectOrdersAndKeepsFirst checks that the aliases come out in path
// order and that, of two pages claiming one alias, the first in path order
// keeps it.
func TestCollectOrdersAndKeepsFirst(t *testing.T) {
	a := &page.Page{Path: "a.md", URL: "a/", Meta: page.Meta{Aliases: []string{"/z/", "/shared/"}, AliasesAt: []page.Pos{{Line: 2, Col: 3}, {Line: 3, Col: 3}}}}
	b := &page.Page{Path: "b.md", URL: "b/", Meta: page.Meta{Aliases: []string{"/Shared/", "/m.html"}, AliasesAt: []page.Pos{{Line: 2, Col: 3}, {Line: 3, Col: 3}}}}
	list, probs := Collect([]*page.Page{a, b}, Reserved{})
	var got []string
	for _, al := range list {
		got = append(got, al.Page.Path+" "+al.File())
	}
	if want := "b.md m.html|a.md shared/index.html|a.md z/index.html"; strings.Join(got, "|") != want {
		t.Errorf("aliases: %q, want %q", got, want)
	}
	if len(probs) != 1 || probs[0].File != "b.md" || probs[0].Line != 2 || probs[0].Col != 3 || probs[0].Rule != "duplicate-url" {
		t.Errorf("problems: %v, want the duplicate at b.md:2:3", probs)
	}
}

// TestRedirects checks the rules: each alias, with and without its slash,
// forced for Netlify and plain for Cloudflare Pages, to the page under the
// base path.
func TestRedirects(t *testing.T) {
	p := &page.Page{Path: "db/pool.md", URL: "db/pool/"}
	list := []Alias{{Page: p, Path: "old pool/"}, {Page: p, Path: "2019/pool.html"}}
	got := string(Redirects(link.Base{URL: "https://x.example/ops/", Path: "/ops/"}, list))
	want := `/ops/old%20pool/ /ops/db/pool/ 301!
/ops/old%20pool/ /ops/db/pool/ 301
/ops/old%20pool /ops/db/pool/ 301!
/ops/old%20pool /ops/db/pool/ 301
/ops/2019/pool.html /ops/db/pool/ 301!
/ops/2019/pool.html /ops/db/pool/ 301
`
	if !strings.HasSuffix(got, want) {
		t.Errorf("_redirects:\n%s\nwant it to end with:\n%s", got, want)
	}
	if Redirects(link.Base{}, nil) != nil {
		t.Error("rules without aliases")
	}
}

// TestPages checks the redirecting page: it leads to the page relative to
// where it stands (or under the base path), names it canonical when the
// base URL is known, stays out of search indexes, carries the policy, and
// escapes the page's title.
func TestPages(t *testing.T) {
	p := &page.Page{Path: "db/pool.md", URL: "db/pool/", Meta: page.Meta{Title: `Pool <b>"full"</b>`}}
	list := []Alias{{Page: p, Path: "a/b/"}, {Page: p, Path: "c/old.html"}}
	files, err := Pages(link.Base{}, list, "default-src 'self'")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "a/b/index.html" || files[1].Name != "c/old.html" {
		t.Fatalf("files: %v", files)
	}
	for i, want := range []string{"../../db/pool/index.html", "../db/pool/index.html"} {
		s := string(files[i].Data)
		for _, w := range []string{
			`<meta http-equiv="refresh" content="0; url=` + want + `">`,
			`<a href="` + want + `">Pool &lt;b&gt;&#34;full&#34;&lt;/b&gt;</a>`,
			`<meta name="robots" content="noindex">`,
			`<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;">`,
		} {
			if !strings.Contains(s, w) {
				t.Errorf("%s lacks %s:\n%s", files[i].Name, w, s)
			}
		}
		if strings.Contains(s, "<script") || strings.Contains(s, "canonical") {
			t.Errorf("%s has a script, or a canonical link without a base URL:\n%s", files[i].Name, s)
		}
	}
	files, err = Pages(link.Base{URL: "https://x.example/ops/", Path: "/ops/"}, list[:1], "")
	if err != nil {
		t.Fatal(err)
	}
	if s := string(files[0].Data); !strings.Contains(s, `<link rel="canonical" href="https://x.example/ops/db/pool/">`) || !strings.Contains(s, `url=/ops/db/pool/">`) {
		t.Errorf("under a base URL:\n%s", s)
	}
}

// TestCollectFilesAndFolders checks that an alias is refused where the site
// needs a folder, and where it needs a folder that is a file of the site:
// a generated one, a published source file, or another alias.
func TestCollectFilesAndFolders(t *testing.T) {
	at := []page.Pos{{Line: 2, Col: 3}, {Line: 3, Col: 3}, {Line: 4, Col: 3}}
	a := &page.Page{Path: "a.md", URL: "a/", Meta: page.Meta{Aliases: []string{"/old/p.html/x/", "/robots.txt/x/", "/files/"}, AliasesAt: at}}
	b := &page.Page{Path: "b.md", URL: "b/", Meta: page.Meta{Aliases: []string{"/old/p.html", "/files/report/", "/Robots.txt/y/"}, AliasesAt: at}}
	res := Reserved{Files: map[string]string{"robots.txt": "", "files/report": "files/report"}}
	list, probs := Collect([]*page.Page{a, b}, res)
	var got []string
	for _, p := range probs {
		got = append(got, fmt.Sprintf("%s:%d %s", p.File, p.Line, p.Message))
	}
	want := []string{
		`a.md:3 alias "/robots.txt/x/" needs a folder robots.txt, where the site publishes a file of that name`,
		`b.md:2 alias "/old/p.html" would be published as the file old/p.html, where the site needs a folder for a.md`,
		`b.md:3 alias "/files/report/" needs a folder files/report, where the site publishes a file of that name`,
		`b.md:4 alias "/Robots.txt/y/" needs a folder robots.txt, where the site publishes a file of that name`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(list) != 2 || list[0].File() != "files/index.html" || list[1].File() != "old/p.html/x/index.html" {
		t.Errorf("aliases: %v", list)
	}
}
