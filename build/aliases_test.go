package build_test

import (
	"bufio"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// aliasTree is a Hugo site whose gateway runbook moved twice and whose pool
// page was once an .html file, built with Hugo's lowercase URLs.
var aliasTree = map[string]string{
	"runbooks.toml":           "urls = \"lower\"\n",
	"_index.md":               "---\ntitle: Platform\n---\n# Platform\n\n[Gateway](Services/API-Gateway.md)\n",
	"Services/API-Gateway.md": "---\ntitle: API gateway down\naliases:\n  - /runbooks/api-gateway/\n  - gateway-down\n---\n# API gateway down\n",
	"databases/pool.md":       "---\ntitle: Connection pool\naliases: [/2023/05/db-pool.html]\n---\n# Connection pool\n",
}

// aliasURLs are the request paths that must reach each page, under the
// site's root.
var aliasURLs = map[string]string{
	"runbooks/api-gateway/":  "services/api-gateway/",
	"runbooks/api-gateway":   "services/api-gateway/",
	"services/gateway-down/": "services/api-gateway/",
	"services/gateway-down":  "services/api-gateway/",
	"2023/05/db-pool.html":   "databases/pool/",
}

var refreshRE = regexp.MustCompile(`<meta http-equiv="refresh" content="0; url=([^"]+)">`)

// TestAliasesOverHTTP serves the built site over HTTP on 127.0.0.1 as a host
// without _redirects does (GitHub Pages: files only), at the root and under
// a sub-path, and follows each alias's redirecting page to the page it
// names; then as Netlify and Cloudflare Pages do, answering the rules of
// _redirects each reads with a 301.
func TestAliasesOverHTTP(t *testing.T) {
	for _, base := range []string{"", "https://example.github.io/ops/"} {
		out, _ := buildTree(t, aliasTree, base)
		prefix := "/"
		if base != "" {
			prefix = "/ops/"
		}
		files := http.StripPrefix(strings.TrimSuffix(prefix, "/"), http.FileServer(http.Dir(out)))
		t.Run("files only "+prefix, func(t *testing.T) {
			srv := httptest.NewServer(files)
			defer srv.Close()
			for from, to := range aliasURLs {
				body, final := get(t, srv.URL+prefix+from)
				m := refreshRE.FindStringSubmatch(body)
				if m == nil {
					t.Errorf("%s%s: no refresh in %q", prefix, from, body)
					continue
				}
				next, err := final.Parse(html.UnescapeString(m[1]))
				if err != nil {
					t.Fatal(err)
				}
				body, final = get(t, next.String())
				if !strings.Contains(body, `data-page="`+to+`"`) || !strings.HasPrefix(final.Path, prefix+to) {
					t.Errorf("%s%s leads to %s, not to the page %s%s", prefix, from, final.Path, prefix, to)
				}
			}
		})
		for _, host := range []struct {
			name   string
			status string // the status the host reads in _redirects
		}{{"Netlify", "301!"}, {"Cloudflare Pages", "301"}} {
			t.Run(host.name+" "+prefix, func(t *testing.T) {
				rules := redirectRules(t, out, host.status)
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if to, ok := rules[r.URL.Path]; ok {
						http.Redirect(w, r, to, http.StatusMovedPermanently)
						return
					}
					files.ServeHTTP(w, r)
				}))
				defer srv.Close()
				noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				for from, to := range aliasURLs {
					resp, err := noFollow.Get(srv.URL + prefix + from)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusMovedPermanently || loc != prefix+to {
						t.Errorf("%s%s: %d to %q, want 301 to %s%s", prefix, from, resp.StatusCode, loc, prefix, to)
						continue
					}
					if body, _ := get(t, srv.URL+prefix+to); !strings.Contains(body, `data-page="`+to+`"`) {
						t.Errorf("%s%s does not serve the page", prefix, to)
					}
				}
			})
		}
	}
}

// get fetches u, following the server's redirects, and returns the body
// and the URL it came from; anything but 200 fails the test.
func get(t *testing.T, u string) (string, *url.URL) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	return string(body), resp.Request.URL
}

// redirectRules returns the rules of the site's _redirects with the status
// a host reads, from path to target; a host takes the first rule for a path.
func redirectRules(t *testing.T, out, status string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(out, "_redirects"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rules := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 || strings.HasPrefix(fields[0], "#") || fields[2] != status {
			continue
		}
		if _, ok := rules[fields[0]]; !ok {
			rules[fields[0]] = fields[1]
		}
	}
	if len(rules) == 0 {
		t.Fatalf("_redirects has no %q rules", status)
	}
	return rules
}

// TestAliasesBesideAlerts checks that a site with alerts and aliases has
// one _redirects holding both, the alert rules as they are without
// aliases, and that the redirecting pages are not pages of the site: not
// in the sitemap, runbooks.json or the search index.
func TestAliasesBesideAlerts(t *testing.T) {
	files := map[string]string{
		"README.md":    "# Runbooks\n\n[Disk](disk-full.md)\n",
		"disk-full.md": "---\ntitle: Disk full\nseverity: SEV2\nowner: Platform\nlast_updated: 2026-11-01\nalerts: [DiskFull]\naliases: [/storage/disk/]\n---\n# Disk full\n" + sections,
	}
	out, _ := buildTree(t, files, "https://runbooks.example.com/")
	redirects := read(t, out, "_redirects")
	alertRules := strings.Index(redirects, "/alerts/diskfull/ /disk-full/ 301\n")
	aliasRules := strings.Index(redirects, "/storage/disk/ /disk-full/ 301!\n/storage/disk/ /disk-full/ 301\n/storage/disk /disk-full/ 301!\n/storage/disk /disk-full/ 301\n")
	if alertRules < 0 || aliasRules < alertRules {
		t.Errorf("_redirects lacks the alert rules, then the alias rules:\n%s", redirects)
	}
	if page := read(t, out, "storage/disk/index.html"); !strings.Contains(page, `url=/disk-full/">`) {
		t.Errorf("the alias's page does not lead to the runbook:\n%s", page)
	}
	for _, name := range []string{"sitemap.xml", "runbooks.json", "search/index.js"} {
		if strings.Contains(read(t, out, name), "storage/disk") {
			t.Errorf("%s lists the alias as a page", name)
		}
	}
}
