package render

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/theme"
)

// TestUpdateMatchesNew changes a site 150 times, each change a few pages
// retitled (to a title another page has, sometimes), moved between
// groups, reweighted, given a diagram, added or removed, folder index
// pages and the home page among them, and renders it with a renderer
// updated from the last one at each step. Every page, group page and the
// folder navigation must be what a renderer made afresh for the same site
// gives, byte for byte; the updated renderers are chained, so state that
// drifts shows up in a later step.
func TestUpdateMatchesNew(t *testing.T) {
	th := testTheme(t, theme.Default())
	pages := testPages(260)
	for i := range 6 { // folder index pages, some of them runbooks
		p := &page.Page{Path: fmt.Sprintf("team-%d/README.md", i), URL: fmt.Sprintf("team-%d/", i), Meta: page.Meta{Title: fmt.Sprintf("Team %d", i)}}
		if i%2 == 1 {
			p.Meta.Type, p.Meta.Severity = page.Incident, "SEV2"
		}
		pages = append(pages, p)
	}
	sortPages(pages)
	rng := rand.New(rand.NewPCG(1, 2))
	r := New(th, testSite(t, pages, ""))
	added := 0
	for step := range 150 {
		next := slices.Clone(pages)
		var removed, add []*page.Page
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(next))
			old := next[i]
			if slices.Contains(removed, old) {
				continue
			}
			p := *old
			switch k := rng.IntN(8); {
			case k == 0:
				p.Meta.Title = next[rng.IntN(len(next))].Meta.Title
			case k == 1:
				p.Meta.Title = strings.ToUpper(fmt.Sprintf("Retitled %d", rng.IntN(50)))
			case k == 2:
				p.Meta.Type, p.Meta.Severity = page.Incident, fmt.Sprintf("SEV%d", 1+rng.IntN(3))
			case k == 3:
				p.Meta.Type, p.Meta.Severity = "", ""
			case k == 4:
				p.Meta.Weight = rng.IntN(4) - 1
			case k == 5:
				p.Code = []page.CodeBlock{{Lang: markdown.DiagramLang}}
			case k == 6 && old.URL != "":
				next = slices.Delete(next, i, i+1)
				removed = append(removed, old)
				continue
			default:
				added++
				path := fmt.Sprintf("team-%d/new-%d.md", rng.IntN(8), added)
				n := &page.Page{Path: path, URL: page.URLOf(path), Meta: page.Meta{Title: fmt.Sprintf("New page %d", added%7), Severity: "SEV3", Type: page.Incident}}
				next = append(next, n)
				add = append(add, n)
				continue
			}
			next[i] = &p
			removed, add = append(removed, old), append(add, &p)
		}
		sortPages(next)
		site := testSite(t, next, "")
		r = Update(r, site, removed, add)
		fresh := New(th, site)
		check := add
		if step%50 == 0 {
			check = next
		} else {
			for range 5 {
				check = append(check, next[rng.IntN(len(next))])
			}
		}
		for _, p := range check {
			if d := diff(renderPage(t, r, p), renderPage(t, fresh, p)); d != "" {
				t.Fatalf("step %d: %s differs from a fresh render %s", step, p.Path, d)
			}
		}
		for g := range page.NumGroups {
			var got, want bytes.Buffer
			if err := r.Group(&got, page.Group(g)); err != nil {
				t.Fatal(err)
			}
			if err := fresh.Group(&want, page.Group(g)); err != nil {
				t.Fatal(err)
			}
			if d := diff(got.String(), want.String()); d != "" {
				t.Fatalf("step %d: group page %s differs from a fresh render %s", step, page.Group(g).Slug(), d)
			}
		}
		got, err := r.NavJSON()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := fresh.NavJSON()
		if d := diff(string(got), string(want)); d != "" {
			t.Fatalf("step %d: %s differs from a fresh render %s", step, NavFile, d)
		}
		if g, w := len(r.Files()), len(fresh.Files()); g != w {
			t.Fatalf("step %d: %d theme files, a fresh render has %d", step, g, w)
		}
		pages = next
	}
}

func sortPages(ps []*page.Page) {
	slices.SortFunc(ps, func(a, b *page.Page) int { return strings.Compare(a.Path, b.Path) })
}

func renderPage(t *testing.T, r *Renderer, p *page.Page) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Page(&buf, p, testBody); err != nil {
		t.Fatalf("%s: %v", p.Path, err)
	}
	return buf.String()
}
