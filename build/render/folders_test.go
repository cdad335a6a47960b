package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/theme"
)

func docPage(path, title string, weight int) *page.Page {
	return &page.Page{Path: path, URL: page.URLOf(path), Meta: page.Meta{Title: title, Weight: weight}}
}

// navOf renders p and returns its navigation element.
func navOf(t *testing.T, r *Renderer, p *page.Page) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Page(&buf, p, testBody); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	i, j := strings.Index(s, `<nav class="site-nav"`), strings.Index(s, "</nav>")
	if i < 0 || j < i {
		t.Fatalf("%s has no navigation", p.Path)
	}
	return s[i:j]
}

var tagRE = regexp.MustCompile(`<[^>]+>`)

// text returns the text of HTML, tags removed and spaces collapsed.
func text(html string) string {
	return strings.Join(strings.Fields(tagRE.ReplaceAllString(html, " ")), " ")
}

// TestFolderNavigation checks that pages without a severity are listed by
// folder, titled by the folder's index page and ordered by weight, that
// only the current page's folder lists its links, that two pages with one
// title show where they are, and that the shared file holds every folder.
func TestFolderNavigation(t *testing.T) {
	incident := docPage("sev/kube-api-down.md", "KubeAPIDown", 0)
	incident.Meta.Type, incident.Meta.Severity = page.Incident, "SEV1"
	pages := []*page.Page{
		docPage("README.md", "Home", 0),
		docPage("k8s/README.md", "Kubernetes", 0),
		docPage("k8s/kube-api-down.md", "KubeAPIDown", 0),
		docPage("k8s/etcd.md", "Etcd", 0),
		docPage("k8s/first.md", "Zeta first by weight", 1),
		docPage("legacy/README.md", "Legacy cluster", 0),
		docPage("legacy/kube-api-down.md", "KubeAPIDown", 0),
		docPage("docs/guide.md", "Guide", 0),
		incident,
	}
	r := New(testTheme(t, theme.Default()), testSite(t, pages, ""))
	nav := navOf(t, r, pages[2])

	folders := regexp.MustCompile(`(?s)<li class="nav-folder[^"]*">.*?</details></li>`).FindAllString(nav, -1)
	var got []string
	for _, f := range folders {
		got = append(got, text(f))
	}
	want := []string{
		"docs 1 pages 1 page…",
		"Kubernetes k8s 4 pages Kubernetes Zeta first by weight Etcd KubeAPIDown k8s/kube-api-down",
		"Legacy cluster legacy 2 pages 2 pages…",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("folders:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := strings.Count(nav, `aria-current="page"`); n != 1 || !strings.Contains(nav, `<a href="../../k8s/kube-api-down/index.html" aria-current="page">KubeAPIDown <span class="nav-where">k8s/kube-api-down</span>`) {
		t.Errorf("the current page is not marked once, with its folder:\n%s", nav)
	}
	if !strings.Contains(nav, `<details class="nav-folder-details" open data-folder="k8s">`) || strings.Count(nav, " open data-folder") != 1 {
		t.Errorf("only the current folder should be open:\n%s", nav)
	}
	// A collapsed folder leads to its index page without JavaScript, or to
	// the group page when it has none.
	for _, w := range []string{`<a href="../../legacy/index.html">2 pages…</a>`, `<a href="../../groups/other/index.html">1 page…</a>`, `data-nav="../../nav.json"`} {
		if !strings.Contains(nav, w) {
			t.Errorf("navigation lacks %s", w)
		}
	}
	// The severity group shows where its KubeAPIDown is, too.
	if !strings.Contains(nav, `KubeAPIDown <span class="nav-where">sev/kube-api-down</span>`) {
		t.Errorf("the SEV1 page with the same title does not show where it is:\n%s", nav)
	}

	data, err := r.NavJSON()
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Folders map[string][]struct{ T, U, W string }
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	legacy := file.Folders["legacy"]
	if len(file.Folders) != 3 || len(legacy) != 2 || legacy[0].U != "legacy/" || legacy[1].T != "KubeAPIDown" || legacy[1].W != "legacy/kube-api-down" {
		t.Errorf("nav.json = %s", data)
	}
}

// TestFolderNavigationIsBounded checks that a page's navigation does not
// grow with the tree: at 10,000 pages in 500 folders it is no bigger than
// at 1,000 pages in 50.
func TestFolderNavigationIsBounded(t *testing.T) {
	th := testTheme(t, theme.Default())
	size := func(folders, perFolder int) (int, int) {
		pages := []*page.Page{docPage("README.md", "Home", 0)}
		for f := range folders {
			pages = append(pages, docPage(fmt.Sprintf("area-%03d/README.md", f), fmt.Sprintf("Area %d", f), 0))
			for i := range perFolder - 1 {
				pages = append(pages, docPage(fmt.Sprintf("area-%03d/page-%02d.md", f, i), fmt.Sprintf("Page %d of area %d", i, f), 0))
			}
		}
		r := New(th, testSite(t, pages, ""))
		biggest, folderCount := 0, 0
		for _, p := range []*page.Page{pages[0], pages[len(pages)/2], pages[len(pages)-1]} {
			nav := navOf(t, r, p)
			biggest = max(biggest, len(nav))
			folderCount = max(folderCount, strings.Count(nav, `class="nav-folder `))
		}
		return biggest, folderCount
	}
	small, smallFolders := size(50, 20)
	big, bigFolders := size(500, 20)
	t.Logf("navigation: %d bytes and %d folders at 1,000 pages; %d bytes and %d folders at 10,000", small, smallFolders, big, bigFolders)
	if bigFolders > NavFull || big > small+small/10 {
		t.Errorf("navigation grows with the tree: %d bytes (%d folders) at 10,000 pages, %d bytes (%d folders) at 1,000", big, bigFolders, small, smallFolders)
	}
}
