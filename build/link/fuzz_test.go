package link_test

import (
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// FuzzResolveHref checks link resolution and href writing together: a
// relative link that stays in the tree resolves to a clean path, and the
// href written for it leads, from the page it is on, back to exactly that
// path on the site, with or without a base URL. It never leads off the site
// or reads as a URL with a scheme.
func FuzzResolveHref(f *testing.F) {
	for _, s := range [][2]string{
		{"db/pool.md", "../api-down.md#step-3"},
		{"README.md", "db/"},
		{"a/b/c.md", "../../x.md?y=1#z"},
		{"README.md", "a%20b.md"},
		{"README.md", "%C3%B1and%C3%BA.md"},
		{"x.md", "c%23sharp.md#top"},
		{"x.md", "what%3F.md"},
		{"x.md", "100%25.md"},
		{"x.md", "100%.md"},
		{"x.md", "./db:migrate.md"},
		{"x.md", "%6Aavascript:alert(1)"},
		{"x.md", "javascript:alert(1)"},
		{"x.md", "//evil.example/x"},
		{"x.md", "/etc/passwd"},
		{"x.md", "../../../etc/passwd"},
		{"d/x.md", "..%2f..%2fsecret"},
		{"d/x.md", "..\\..\\secret"},
		{"x.md", "#only-fragment"},
		{"x.md", ""},
		{"x.md", "a/./b/../c/"},
		{"ñ/ü.md", "../ä ö.md"},
	} {
		f.Add(s[0], s[1])
	}
	bases := []string{"", "https://example.com/ops/"}
	f.Fuzz(func(t *testing.T, from, dest string) {
		if from == "" || path.Clean(from) != from || strings.HasPrefix(from, "../") || from == ".." || strings.HasPrefix(from, "/") || !strings.HasSuffix(from, ".md") {
			return // not a page path the load stage would produce
		}
		for _, seg := range strings.Split(from, "/") {
			if strings.HasPrefix(seg, ".") {
				return // the load stage skips dot-files and dot-folders
			}
		}
		tg := link.Resolve(from, dest)
		if tg.External {
			if tg.Scheme != strings.ToLower(tg.Scheme) {
				t.Errorf("scheme %q is not lowercase", tg.Scheme)
			}
			return
		}
		if tg.Absolute || tg.Escapes || tg.Path == "" {
			return
		}
		if tg.Path != path.Clean(tg.Path) || strings.HasPrefix(tg.Path, "../") || strings.HasPrefix(tg.Path, "/") {
			t.Fatalf("Resolve(%q, %q).Path = %q: not a clean path inside the tree", from, dest, tg.Path)
		}
		to := tg.Path
		if tg.Dir {
			to += "/"
		}
		fromURL := page.URLOf(from)
		for _, raw := range bases {
			b, err := link.NewBase(raw)
			if err != nil {
				t.Fatal(err)
			}
			h := b.Href(fromURL, to)
			ref, err := url.Parse(h)
			if err != nil {
				t.Fatalf("Href(%q, %q) = %q: %v", fromURL, to, h, err)
			}
			if ref.Scheme != "" || ref.Host != "" || ref.Opaque != "" {
				t.Fatalf("Href(%q, %q) = %q reads as a URL of its own", fromURL, to, h)
			}
			root, _ := url.Parse("https://example.com/ops/")
			pageURL := root.ResolveReference(&url.URL{Path: fromURL})
			got := pageURL.ResolveReference(ref)
			if got.Host != root.Host || !strings.HasPrefix(got.Path, root.Path) {
				t.Fatalf("Href(%q, %q) = %q leads off the site, to %s", fromURL, to, h, got)
			}
			want := to
			if raw == "" && (to == "" || strings.HasSuffix(to, "/")) {
				want += "index.html"
			}
			if rel := strings.TrimPrefix(got.Path, root.Path); rel != want {
				t.Fatalf("Href(%q, %q) = %q leads to %q, want %q", fromURL, to, h, rel, want)
			}
		}
	})
}
