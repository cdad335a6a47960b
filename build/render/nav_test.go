package render

import (
	"bytes"
	"html"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/theme"
)

// TestNavCache renders every page of a site with one renderer, pages in
// parallel, and checks each against a renderer that has rendered nothing
// before: reusing navigation from other pages must not change a byte.
func TestNavCache(t *testing.T) {
	th := testTheme(t, theme.Default())
	tests := []struct {
		name string
		n    int
		base string
	}{
		{"whole groups, relative links", 30, ""},
		{"windowed groups, relative links", 300, ""},
		{"windowed groups, base URL", 300, "https://example.com/ops/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := testPages(tt.n)
			site := testSite(t, pages, tt.base)
			shared := New(th, site)
			got := make([][]byte, len(pages))
			var wg sync.WaitGroup
			for i, p := range pages {
				wg.Go(func() {
					var buf bytes.Buffer
					if err := shared.Page(&buf, p, testBody); err != nil {
						t.Errorf("%s: %v", p.Path, err)
					}
					got[i] = buf.Bytes()
				})
			}
			wg.Wait()
			for i, p := range pages {
				var want bytes.Buffer
				if err := New(th, site).Page(&want, p, testBody); err != nil {
					t.Fatalf("%s: %v", p.Path, err)
				}
				if d := diff(string(got[i]), want.String()); d != "" {
					t.Errorf("%s differs after other pages were rendered: %s", p.Path, d)
				}
			}
			for g := range page.NumGroups {
				var got, want bytes.Buffer
				if err := shared.Group(&got, g); err != nil {
					t.Fatal(err)
				}
				if err := New(th, site).Group(&want, g); err != nil {
					t.Fatal(err)
				}
				if d := diff(got.String(), want.String()); d != "" {
					t.Errorf("group page %s differs after other pages were rendered: %s", g.Slug(), d)
				}
			}
		})
	}
}

// navBeforeSplit is the navigation template of the theme before it had
// nav-group and nav-item templates: themes copied from it must still work.
const navBeforeSplit = `{{define "nav"}}<details class="nav-drawer">
<summary class="nav-summary">Browse runbooks</summary>
<nav class="site-nav" aria-label="Runbooks">
<ul class="nav-groups">
{{- range .Nav}}
<li class="nav-group nav-{{.Slug}}{{if .Current}} is-current{{end}}">
<a class="nav-group-title" href="{{.Href}}"><span class="sev-dot sev-dot-{{.Slug}}" aria-hidden="true"></span><span class="nav-group-name">{{.Title}}</span> <span class="count">{{.Count}}<span class="visually-hidden"> pages</span></span></a>
<ul>
{{- if .Before}}<li class="nav-more"><a href="{{.Href}}">{{.Before}} more…</a></li>{{end}}
{{- range .Items}}
<li><a href="{{.Href}}"{{if .Current}} aria-current="page"{{end}}>{{.Title}}{{if .Overdue}} <span class="badge badge-overdue badge-sm">review overdue</span>{{end}}</a></li>
{{- end}}
{{- if .After}}<li class="nav-more"><a href="{{.Href}}">{{.After}} more…</a></li>{{end}}
</ul>
</li>
{{- end}}
</ul>
</nav>
</details>
{{end}}

`

// TestNavTheme renders a site in themes whose templates/parts.html changes
// the navigation's templates, and checks that every page shows the
// navigation of its theme, escaped, with the page itself marked current.
func TestNavTheme(t *testing.T) {
	data, err := fs.ReadFile(theme.Default(), "templates/parts.html")
	if err != nil {
		t.Fatal(err)
	}
	parts := string(data)
	navStart, navEnd := strings.Index(parts, `{{define "nav"}}`), strings.Index(parts, `{{define "meta"}}`)
	if navStart < 0 || navEnd < navStart {
		t.Fatal(`the default templates/parts.html has no "nav" template before "meta"`)
	}
	tests := []struct {
		name     string
		parts    string // the theme's templates/parts.html
		from, to string // its navigation is the default one's with from replaced by to
	}{
		{"default", parts, "", ""},
		{
			"nav-item edited",
			strings.Replace(parts, `<li><a href="{{.Href}}"{{if .Current}}`, `<li class="mine"><a href="{{.Href}}"{{if .Current}}`, 1),
			`<li><a href=`, `<li class="mine"><a href=`,
		},
		{
			"nav-group edited",
			strings.Replace(parts, `<li class="nav-group nav-{{.Slug}}`, `<li class="mine nav-group nav-{{.Slug}}`, 1),
			`<li class="nav-group nav-`, `<li class="mine nav-group nav-`,
		},
		{"one nav template, without nav-group and nav-item", parts[:navStart] + navBeforeSplit + parts[navEnd:], "", ""},
	}
	// Pages without a severity are listed by folder, which themes whose
	// navigation predates nav-folder list as one group: this test is about
	// the other groups.
	pages := testPages(100)
	for _, p := range pages {
		if p.URL != "" && p.Meta.Group() == page.Other {
			p.Meta.Type = page.Maintenance
		}
	}
	site := testSite(t, pages, "")
	defaultNav := renderNavs(t, New(testTheme(t, theme.Default()), site), pages)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.parts == parts && tt.from != "" {
				t.Fatalf("the edit of parts.html for %q found nothing to change", tt.from)
			}
			navs := renderNavs(t, New(themeWithParts(t, tt.parts), site), pages)
			for i, nav := range navs {
				want := defaultNav[i]
				if tt.from != "" {
					if !strings.Contains(want, tt.from) {
						t.Fatalf("the default navigation of %s lacks %q", pages[i].Path, tt.from)
					}
					want = strings.ReplaceAll(want, tt.from, tt.to)
				}
				if d := diff(nav, want); d != "" {
					t.Errorf("navigation of %s: %s", pages[i].Path, d)
				}
				if strings.Contains(nav, "<exhaustion>") || !strings.Contains(nav, "&lt;exhaustion&gt;") {
					t.Errorf("navigation of %s does not escape page titles", pages[i].Path)
				}
				if p := pages[i]; p.URL != "" {
					current := `aria-current="page">` + html.EscapeString(p.Meta.Title)
					if n := strings.Count(nav, "aria-current"); n != 1 || !strings.Contains(nav, current+"<") && !strings.Contains(nav, current+" <") {
						t.Errorf("navigation of %s marks %d links as the current page, want one: %s", p.Path, n, current)
					}
				}
			}
		})
	}
}

// renderNavs returns the navigation element of each page.
func renderNavs(t *testing.T, r *Renderer, pages []*page.Page) []string {
	t.Helper()
	var out []string
	for _, p := range pages {
		var buf bytes.Buffer
		if err := r.Page(&buf, p, testBody); err != nil {
			t.Fatalf("%s: %v", p.Path, err)
		}
		s := buf.String()
		i, j := strings.Index(s, `<nav class="site-nav"`), strings.Index(s, "</nav>")
		if i < 0 || j < i {
			t.Fatalf("%s has no navigation", p.Path)
		}
		out = append(out, s[i:j])
	}
	return out
}

// diff returns where got first differs from want, or "" if they are equal.
func diff(got, want string) string {
	if got == want {
		return ""
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	excerpt := func(s string) string { return s[max(0, i-60):min(len(s), i+60)] }
	return "at byte " + strconv.Itoa(i) + ": got …" + strconv.Quote(excerpt(got)) + "…, want …" + strconv.Quote(excerpt(want)) + "…"
}

// TestNavShowsTheOtherLargeGroupsByTitle renders a page of a small site and
// of a large one: a small group is listed whole on every page; a large one
// lists a window around the page on the pages in it, and on the others
// only its title, its size and a link to its group page.
func TestNavShowsTheOtherLargeGroupsByTitle(t *testing.T) {
	th := testTheme(t, theme.Default())
	for _, c := range []struct {
		name       string
		n          int
		ownLinks   int // links to pages in the page's own group (SEV1)
		otherLinks int // links to pages in the SEV2 group
		otherMore  string
	}{
		{"small site: every group whole", 30, 6, 6, ""},
		{"large site: a window of its own group, the others by title", 300, NavWindow, 0, "60 pages…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			pages := testPages(c.n)
			cur := pages[1] // page-0000, SEV1
			var buf bytes.Buffer
			if err := New(th, testSite(t, pages, "")).Page(&buf, cur, testBody); err != nil {
				t.Fatal(err)
			}
			groups := navGroups(t, buf.String())
			own, other := groups["sev1"], groups["sev2"]
			if got := strings.Count(own, `<li><a href=`); got != c.ownLinks {
				t.Errorf("SEV1 lists %d pages, want %d", got, c.ownLinks)
			}
			if !strings.Contains(own, `aria-current="page"`) {
				t.Errorf("SEV1 does not list the current page:\n%s", own)
			}
			if got := strings.Count(other, `<li><a href=`); got != c.otherLinks {
				t.Errorf("SEV2 lists %d pages, want %d", got, c.otherLinks)
			}
			if !strings.Contains(other, `groups/sev2/index.html"`) {
				t.Errorf("SEV2 does not link to its group page:\n%s", other)
			}
			if c.otherMore != "" && !strings.Contains(other, `groups/sev2/index.html">`+c.otherMore+`</a></li>`) {
				t.Errorf("SEV2 does not say %q:\n%s", c.otherMore, other)
			}
		})
	}
}

// navGroups returns the HTML of each group of a page's navigation, by the
// group's slug.
func navGroups(t *testing.T, page string) map[string]string {
	t.Helper()
	start, end := strings.Index(page, `<ul class="nav-groups">`), strings.Index(page, `</nav>`)
	if start < 0 || end < start {
		t.Fatalf("no navigation in the page")
	}
	groups := map[string]string{}
	for _, g := range strings.Split(page[start:end], `<li class="nav-group nav-`)[1:] {
		slug, _, _ := strings.Cut(g, `"`)
		groups[strings.TrimSuffix(slug, " is-current")] = g
	}
	return groups
}
