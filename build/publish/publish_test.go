package publish_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/publish"
)

// bases are the ways a site is served: relative links (opened from disk or
// any folder), a host's root, and a sub-path (a GitHub Pages project site).
var bases = []struct {
	name    string
	baseURL string
	prefix  string // the path browsers request the site root at
}{
	{"relative", "", "/"},
	{"root", "https://runbooks.example.com/", "/"},
	{"subpath", "https://example.github.io/ops/", "/ops/"},
}

// fixtureAlerts are the alerts of the smallSite and the site path of the
// runbook each leads to.
var fixtureAlerts = map[string]string{
	"PgPoolExhausted":  "db/pool/",
	"pgbouncerWaiting": "db/pool/",
	"ApiLatencyHigh":   "api/latency/",
}

func TestRedirects(t *testing.T) {
	for _, b := range bases {
		t.Run(b.name, func(t *testing.T) {
			out := mustBuild(t, smallSite, b.baseURL)
			text := readFile(t, filepath.Join(out, alerts.RedirectsFile))
			got := map[string]string{}
			for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				if strings.HasPrefix(line, "#") {
					continue
				}
				f := strings.Fields(line)
				if len(f) != 3 {
					t.Fatalf("_redirects:%d: %q: want from, to and status", i+1, line)
				}
				from, to, status := f[0], f[1], f[2]
				if status != "301" {
					t.Errorf("_redirects:%d: status %q, want 301 (permanent; nothing is published at an alert URL, so no \"!\" that Cloudflare Pages rejects)", i+1, status)
				}
				if !strings.HasPrefix(from, b.prefix+"alerts/") || !strings.HasPrefix(to, b.prefix) {
					t.Errorf("_redirects:%d: %q: both paths must start with %s", i+1, line, b.prefix)
				}
				if _, dup := got[from]; dup {
					t.Errorf("_redirects:%d: %s redirected twice", i+1, from)
				}
				got[from] = to
			}
			// In lowercase and as the runbook writes the name, with and
			// without the slash; other spellings reach the 404 page.
			want := map[string]string{}
			for name, target := range fixtureAlerts {
				for _, n := range []string{strings.ToLower(name), name} {
					from := b.prefix + "alerts/" + n
					want[from+"/"] = b.prefix + target
					want[from] = b.prefix + target
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("redirects:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestRedirectsOnlyWithAlerts(t *testing.T) {
	out := mustBuild(t, map[string]string{"README.md": "# Home\n"}, "")
	for _, name := range []string{alerts.RedirectsFile, alerts.MapFile, alerts.IndexPage} {
		if _, err := os.Stat(filepath.Join(out, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a site without alerts has a %s file (err %v)", name, err)
		}
	}
	if html := readFile(t, filepath.Join(out, "404.html")); strings.Contains(html, "list of alerts") {
		t.Errorf("the 404 page of a site without alerts links to a list of alerts")
	}
}

// TestAlertFiles checks what makes alert URLs work where _redirects is not
// read: no file at any alert URL (one map and one index instead of a
// folder per alert), a map from every alert to its runbook, an index page
// readable without script, and a 404 page whose links work at any depth
// and that loads the script resolving the name.
func TestAlertFiles(t *testing.T) {
	var (
		href   = regexp.MustCompile(`(?:href|src)="([^"]+)"`)
		script = regexp.MustCompile(`<script src="([^"]*alerts\.[0-9a-f]+\.js)"`)
	)
	for _, b := range bases {
		t.Run(b.name, func(t *testing.T) {
			out := mustBuild(t, smallSite, b.baseURL)
			entries, err := os.ReadDir(filepath.Join(out, "alerts"))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, []string{"index.html", "index.json"}) {
				t.Errorf("alerts/ holds %v, want only index.html and index.json", names)
			}
			var m struct{ Alerts []alerts.MapEntry }
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, alerts.MapFile))), &m); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, a := range m.Alerts {
				got[a.Name] = a.URL
				if a.Title == "" {
					t.Errorf("%s: alert %s has no title", alerts.MapFile, a.Name)
				}
			}
			if !maps.Equal(got, fixtureAlerts) {
				t.Errorf("%s: %v, want %v", alerts.MapFile, got, fixtureAlerts)
			}
			index := readFile(t, filepath.Join(out, alerts.IndexPage))
			for name, target := range fixtureAlerts {
				want := "../" + target + "index.html"
				if b.baseURL != "" {
					want = b.prefix + target
				}
				if !strings.Contains(index, "<code>"+name+"</code></td><td><a href=\""+want+"\">") {
					t.Errorf("%s: no row linking %s to %s", alerts.IndexPage, name, want)
				}
			}
			notFound := readFile(t, filepath.Join(out, "404.html"))
			if script.FindStringSubmatch(notFound) == nil {
				t.Errorf("404.html does not load the alert script")
			}
			for _, m := range href.FindAllStringSubmatch(notFound, -1) {
				if u := m[1]; !strings.HasPrefix(u, b.prefix) && !strings.HasPrefix(u, "#") {
					t.Errorf("404.html links to %q: it is served at any depth, so links must start at %s", u, b.prefix)
				}
			}
			if !strings.Contains(notFound, `href="`+b.prefix+`alerts/"`) {
				t.Errorf("404.html does not link to the list of alerts at %salerts/", b.prefix)
			}
		})
	}
}

// indexDoc is the documented schema of runbooks.json.
type indexDoc struct {
	SchemaVersion int          `json:"schema_version"`
	Generated     string       `json:"generated"`
	BaseURL       string       `json:"base_url"`
	Pages         []indexEntry `json:"pages"`
}

type indexEntry struct {
	Title       string   `json:"title"`
	URL         string   `json:"url"`
	Path        string   `json:"path"`
	Type        string   `json:"type"`
	Severity    string   `json:"severity"`
	Owner       string   `json:"owner"`
	LastUpdated string   `json:"last_updated"`
	ReviewDue   string   `json:"review_due"`
	Overdue     bool     `json:"overdue"`
	Alerts      []string `json:"alerts"`
}

func TestIndexJSON(t *testing.T) {
	for _, b := range bases {
		t.Run(b.name, func(t *testing.T) {
			out := mustBuild(t, smallSite, b.baseURL)
			data, err := os.ReadFile(filepath.Join(out, publish.IndexFile))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(data, []byte("</script>")) || bytes.Contains(data, []byte("<script>")) {
				t.Errorf("runbooks.json has a raw <script> tag: < and > must be escaped")
			}
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields() // a new field must be documented in docs/publishing.md and here
			var doc indexDoc
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("runbooks.json does not match the schema: %v", err)
			}
			if doc.SchemaVersion != 1 || doc.Generated != "2026-06-01" || doc.BaseURL != b.baseURL {
				t.Errorf("header: schema_version %d, generated %q, base_url %q", doc.SchemaVersion, doc.Generated, doc.BaseURL)
			}
			url := func(p string) string { return b.baseURL + p }
			if b.baseURL == "" {
				url = func(p string) string { return p }
			}
			want := []indexEntry{
				{Title: "Ops runbooks", URL: url(""), Path: "README.md", Type: "doc", Alerts: []string{}},
				{Title: hostileTitle, URL: url("api/latency/"), Path: "api/latency.md", Type: "incident", Severity: "SEV2", Owner: "API Team",
					LastUpdated: "2026-04-01", ReviewDue: "2026-05-01", Overdue: true, Alerts: []string{"ApiLatencyHigh"}},
				{Title: "Database pool exhausted", URL: url("db/pool/"), Path: "db/pool.md", Type: "incident", Severity: "SEV1", Owner: "DB Team",
					LastUpdated: "2026-05-10", ReviewDue: "2026-08-08", Alerts: []string{"PgPoolExhausted", "pgbouncerWaiting"}},
				{Title: "Writing guide", URL: url("guide/"), Path: "guide.md", Type: "doc", Alerts: []string{}},
				{Title: "Rotate certificates", URL: url("maintenance/rotate/"), Path: "maintenance/rotate.md", Type: "maintenance", Owner: "Platform Team",
					LastUpdated: "2025-01-01", ReviewDue: "2025-04-01", Overdue: true, Alerts: []string{}},
			}
			if len(doc.Pages) != len(want) {
				t.Fatalf("%d pages, want %d", len(doc.Pages), len(want))
			}
			for i, w := range want {
				g := doc.Pages[i]
				if g.Alerts == nil {
					t.Errorf("%s: alerts is null, want a list", g.Path)
					g.Alerts = []string{}
				}
				gj, _ := json.Marshal(g)
				wj, _ := json.Marshal(w)
				if !bytes.Equal(gj, wj) {
					t.Errorf("page %d:\n got %s\nwant %s", i, gj, wj)
				}
			}
		})
	}
}

// sitemapDoc is sitemap.xml in the sitemaps.org namespace.
type sitemapDoc struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

func TestSitemapAndRobots(t *testing.T) {
	for _, b := range bases {
		t.Run(b.name, func(t *testing.T) {
			out := mustBuild(t, smallSite, b.baseURL)
			robots := readFile(t, filepath.Join(out, "robots.txt"))
			if !strings.Contains(robots, "User-agent: *\nDisallow:\n") {
				t.Errorf("robots.txt does not allow every page:\n%s", robots)
			}
			data, err := os.ReadFile(filepath.Join(out, "sitemap.xml"))
			if b.baseURL == "" {
				if !errors.Is(err, os.ErrNotExist) {
					t.Errorf("sitemap.xml written without a base URL (err %v): its URLs must be absolute", err)
				}
				if strings.Contains(robots, "Sitemap:") {
					t.Errorf("robots.txt names a sitemap that does not exist:\n%s", robots)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := "Sitemap: " + b.baseURL + "sitemap.xml\n"; !strings.Contains(robots, want) {
				t.Errorf("robots.txt has no %q:\n%s", want, robots)
			}
			var doc sitemapDoc
			if err := xml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("sitemap.xml is not a sitemap: %v\n%s", err, data)
			}
			got := map[string]string{}
			for _, u := range doc.URLs {
				if !strings.HasPrefix(u.Loc, b.baseURL) {
					t.Errorf("%s is not under the base URL %s", u.Loc, b.baseURL)
				}
				got[u.Loc] = u.LastMod
			}
			want := map[string]string{
				b.baseURL:                         "",
				b.baseURL + "api/latency/":        "2026-04-01",
				b.baseURL + "db/pool/":            "2026-05-10",
				b.baseURL + "guide/":              "",
				b.baseURL + "maintenance/rotate/": "2025-01-01",
			}
			if !maps.Equal(got, want) {
				t.Errorf("sitemap:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	for _, b := range bases {
		t.Run(b.name, func(t *testing.T) {
			out := mustBuild(t, smallSite, b.baseURL)
			rules := parseHeaders(t, readFile(t, filepath.Join(out, publish.HeadersFile)))
			files := siteFiles(t, out)
			fingerprinted := 0
			for _, f := range files {
				req := b.prefix + f
				set := map[string]int{}
				for _, r := range rules {
					if r.matches(req) {
						for _, h := range r.headers {
							set[strings.ToLower(h[0])]++
						}
					}
				}
				for name, n := range set {
					if n > 1 {
						t.Errorf("%s: %d rules set %s; Cloudflare Pages would join their values", req, n, name)
					}
				}
				h := headersFor(rules, req)
				checkSecurityHeaders(t, req, h)
				isAsset := strings.HasPrefix(f, "assets/") && (strings.HasSuffix(f, ".css") || strings.HasSuffix(f, ".js"))
				switch cc := h["Cache-Control"]; {
				case isAsset:
					fingerprinted++
					if cc != "public, max-age=31536000, immutable" {
						t.Errorf("%s: Cache-Control %q, want immutable for a fingerprinted file", req, cc)
					}
				case cc != "":
					t.Errorf("%s: Cache-Control %q from _headers; only fingerprinted files set it, the others keep the host's default (revalidate)", req, cc)
				}
			}
			if fingerprinted == 0 {
				t.Errorf("no fingerprinted CSS or JavaScript among %v", files)
			}
		})
	}
}

// checkSecurityHeaders checks the headers every response needs.
func checkSecurityHeaders(t *testing.T, req string, h map[string]string) {
	t.Helper()
	csp := h["Content-Security-Policy"]
	for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: Content-Security-Policy %q lacks %s", req, csp, want)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("%s: Content-Security-Policy %q allows %s", req, csp, bad)
		}
	}
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
	}
	for name, v := range want {
		if h[name] != v {
			t.Errorf("%s: %s %q, want %q", req, name, h[name], v)
		}
	}
	if pp := h["Permissions-Policy"]; !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "microphone=()") || !strings.Contains(pp, "geolocation=()") {
		t.Errorf("%s: Permissions-Policy %q does not turn off camera, microphone and geolocation", req, pp)
	}
}

func TestCheck(t *testing.T) {
	runbook := func(title string, alerts ...string) string {
		return "---\ntitle: " + title + "\nseverity: SEV2\ntype: incident\nowner: Team\nlast_updated: 2026-05-01\nalerts: [" +
			strings.Join(alerts, ", ") + "]\n---\n\n# Runbook: " + title + "\n" + incidentBody
	}
	tests := []struct {
		name  string
		files map[string]string
		want  []string // "file:line:col: severity: message" or a part of it
	}{{
		name: "same alert in two runbooks",
		files: map[string]string{
			"a.md": runbook("A", "QueueStalled"),
			"b.md": runbook("B", "QueueStalled"),
		},
		want: []string{`b.md:7:10: error: alert "QueueStalled" is claimed by both a.md and b.md`},
	}, {
		name: "names differ only by case",
		files: map[string]string{
			"ops/a.md": runbook("A", "QueueStalled"),
			"b.md":     runbook("B", "queuestalled"),
		},
		want: []string{`ops/a.md:7:10: error: alert "QueueStalled" is claimed by both b.md and ops/a.md`, `differ only by case`},
	}, {
		name:  "not URL-safe",
		files: map[string]string{"a.md": runbook("A", `"Queue/Stalled"`, `"Queue Stalled"`, "..", "Pool:Wait")},
		want: []string{
			`a.md:7:11: error: alert name "Queue/Stalled" cannot be part of a URL`,
			`a.md:7:28: error: alert name "Queue Stalled" cannot be part of a URL`,
			`a.md:7:44: error: alert name ".." cannot be part of a URL`,
			`a.md:7:48: error: alert name "Pool:Wait" cannot be part of a URL`,
		},
	}, {
		name: "page at an alert URL",
		files: map[string]string{
			"a.md":                   runbook("A", "QueueStalled"),
			"alerts/queuestalled.md": "# Queue stalled\n",
		},
		want: []string{`alerts/queuestalled.md:1:1: error: alerts/queuestalled.md builds to alerts/queuestalled/, the URL of alert "QueueStalled" of a.md`},
	}, {
		name:  "listed twice in one runbook",
		files: map[string]string{"a.md": runbook("A", "QueueStalled", "queueStalled")},
		want:  []string{`a.md:7:24: warning: alert "queueStalled" is listed twice`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, res, err := buildSite(t, tt.files, "")
			var got []string
			for _, p := range res.Problems {
				if p.Rule == "duplicate-alert" || p.Rule == "alert-name" || p.Rule == "duplicate-url" {
					got = append(got, p.String())
				}
			}
			for _, w := range tt.want {
				if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("no problem %q in\n%s", w, strings.Join(got, "\n"))
				}
			}
			if errs, _ := diag.Count(res.Problems); errs > 0 {
				if !errors.Is(err, build.ErrContent) {
					t.Errorf("build with errors returned %v, want ErrContent", err)
				}
				if _, serr := os.Stat(out); !errors.Is(serr, os.ErrNotExist) {
					t.Errorf("a build with errors wrote %s", out)
				}
			} else if err != nil {
				t.Errorf("build: %v", err)
			}
		})
	}
}

// TestReproducible builds the same tree twice and compares every file.
func TestReproducible(t *testing.T) {
	a := mustBuild(t, smallSite, "https://example.github.io/ops/")
	b := mustBuild(t, smallSite, "https://example.github.io/ops/")
	fa, fb := siteFiles(t, a), siteFiles(t, b)
	if !slices.Equal(fa, fb) {
		t.Fatalf("file lists differ:\n%v\n%v", fa, fb)
	}
	for _, f := range fa {
		if readFile(t, filepath.Join(a, f)) != readFile(t, filepath.Join(b, f)) {
			t.Errorf("%s differs between two builds of the same tree", f)
		}
	}
}
