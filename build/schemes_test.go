package build_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/publish"
	"github.com/arcaapi/runbooks/internal/fixture"
)

// TestFileNamesNeverBecomeSchemes builds pages whose file and folder names
// read as URL schemes and checks every URL the site makes from a path: the
// links of the pages, runbooks.json and the search index. Each must lead
// to the page on the same site, never run script or leave the site.
func TestFileNamesNeverBecomeSchemes(t *testing.T) {
	files := map[string]string{
		"README.md":                "# Home\n\n[x](<javascript:alert(1).md>)\n",
		"javascript:alert(1).md":   "# Script page\n\nscript words\n",
		"JaVaScRiPt:x/README.md":   "# Script folder\n\nscript words\n",
		"data:text/html,x.md":      "# Data page\n\nscript words\n",
		"db/vbscript:msgbox(1).md": "# Deeper\n\nscript words\n",
	}
	pages := map[string]string{ // site path of each page, as a file of the site
		"javascript:alert(1).md":   "javascript:alert(1)/index.html",
		"JaVaScRiPt:x/README.md":   "JaVaScRiPt:x/index.html",
		"data:text/html,x.md":      "data:text/html,x/index.html",
		"db/vbscript:msgbox(1).md": "db/vbscript:msgbox(1)/index.html",
	}
	for _, base := range []string{"", "https://example.com/ops/"} {
		t.Run("base="+base, func(t *testing.T) {
			src, out := fixture.Tree(t, files), filepath.Join(t.TempDir(), "public")
			type result struct {
				res build.Result
				err error
			}
			r := within(t, func(ctx context.Context) result {
				res, err := build.Build(ctx, build.Config{Src: src, Out: out, BaseURL: base, Now: hardDate, NoCache: true})
				return result{res, err}
			})
			if r.err != nil {
				t.Fatalf("build: %v\n%s", r.err, problemList(r.res.Problems))
			}
			site := readTree(t, out)
			for _, f := range pages {
				if site[f] == nil {
					t.Fatalf("%s was not written", f)
				}
			}
			siteURL, _ := url.Parse("https://example.com/ops/")

			// leads returns the file of the site a URL leads to when the
			// page at from (a file of the site) links to it, or "" when it
			// leaves the site.
			leads := func(from, ref string) string {
				u, err := url.Parse(ref)
				if err != nil || (u.Scheme != "" && u.Scheme != "https") {
					return ""
				}
				abs := siteURL.ResolveReference(&url.URL{Path: from}).ResolveReference(u)
				if abs.Scheme != "https" || abs.Host != "example.com" || !strings.HasPrefix(abs.Path, siteURL.Path) {
					return ""
				}
				f := strings.TrimPrefix(abs.Path, siteURL.Path)
				if f == "" || strings.HasSuffix(f, "/") {
					f += "index.html"
				}
				return f
			}

			// Page links: every href and src stays on the site.
			for name, data := range site {
				if path.Ext(name) != ".html" {
					continue
				}
				ts, _ := tags(string(data))
				for _, tg := range ts {
					for attr, v := range tg.attrs {
						if !urlAttrs[attr] || v == "" || strings.HasPrefix(v, "#") {
							continue
						}
						if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Scheme != "https" {
							t.Errorf("%s: <%s %s=%q> has scheme %q", name, tg.name, attr, v, u.Scheme)
						}
					}
				}
			}
			assertLinksResolve(t, site, base)

			// runbooks.json: each url, as a bot would use it (joined to
			// the site's address), leads to the page.
			var idx publish.Index
			if err := json.Unmarshal(site[publish.IndexFile], &idx); err != nil {
				t.Fatal(err)
			}
			for _, e := range idx.Pages {
				want := pages[e.Path]
				if want == "" {
					continue
				}
				if got := leads("", e.URL); got != want {
					t.Errorf("runbooks.json: %s has url %q, which leads to %q, want %q", e.Path, e.URL, got, want)
				}
			}

			// The search index: the page's script joins each result's
			// URL to the site root of the page it runs on.
			roots := []string{"", "../", "../../"}
			if base != "" {
				roots = []string{"/ops/"}
			}
			found := 0
			for name, data := range site {
				if !strings.HasPrefix(name, "search/p/") {
					continue
				}
				i, j := bytes.IndexByte(data, '['), bytes.LastIndexByte(data, ']')
				var entries []struct {
					Title string `json:"t"`
					URL   string `json:"u"`
				}
				if i < 0 || j < i {
					t.Fatalf("%s: no list of pages", name)
				}
				if err := json.Unmarshal(data[i:j+1], &entries); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, e := range entries {
					if e.Title == "Home" {
						continue
					}
					found++
					for _, root := range roots {
						from := strings.Repeat("x/", strings.Count(root, "../")) + "index.html"
						got := leads(from, root+e.URL)
						if got == "" || site[got] == nil {
							t.Errorf("%s: result %q has u %q: with site root %q it leads to %q, not a page of the site", name, e.Title, e.URL, root, got)
						}
					}
				}
			}
			if found != len(pages) {
				t.Errorf("the search index lists %d of the %d pages", found, len(pages))
			}
		})
	}
}
