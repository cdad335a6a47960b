package render

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/theme"
)

// TestNavOrder checks that weight orders the navigation as it orders a
// Hugo site: lightest first, pages without a weight (0) last, ties by
// title; folders by their index pages' weight and title, each folder
// before its subfolders; in the page's own navigation and in nav.json.
func TestNavOrder(t *testing.T) {
	runbook := func(path, title, sev string, weight int) *page.Page {
		p := docPage(path, title, weight)
		p.Meta.Type, p.Meta.Severity = page.Incident, sev
		return p
	}
	tests := []struct {
		name    string
		pages   []*page.Page
		current string   // the page whose navigation is read
		folders []string // the folder titles, in order
		items   []string // the titles of the open folder (or of the current page's group), in order
		navJSON []string // the titles nav.json lists for the current page's folder
	}{{
		name: "pages of a folder",
		pages: []*page.Page{
			docPage("README.md", "Home", 0),
			docPage("k8s/_index.md", "Kubernetes", 50),
			docPage("k8s/bravo.md", "Bravo", 0),
			docPage("k8s/alpha.md", "alpha", 0),
			docPage("k8s/charlie.md", "Charlie", 5),
			docPage("k8s/echo.md", "Echo", 5),
			docPage("k8s/delta.md", "Delta", -1),
			docPage("k8s/foxtrot.md", "Foxtrot", 2),
		},
		current: "k8s/bravo.md",
		folders: []string{"Kubernetes"},
		items:   []string{"Kubernetes", "Delta", "Foxtrot", "Charlie", "Echo", "alpha", "Bravo"},
		navJSON: []string{"Kubernetes", "Delta", "Foxtrot", "Charlie", "Echo", "alpha", "Bravo"},
	}, {
		name: "folders",
		pages: []*page.Page{
			docPage("README.md", "Home", 0),
			docPage("top.md", "Top page", 0),
			docPage("aaa/_index.md", "Zulu", 0),
			docPage("aaa/z.md", "Z", 0),
			docPage("ops/_index.md", "Operations", 20),
			docPage("ops/deploy.md", "Deploy", 0),
			docPage("db/_index.md", "Databases", 10),
			docPage("db/pool.md", "Pool", 0),
			docPage("db/legacy/_index.md", "Legacy", 0),
			docPage("db/legacy/old.md", "Old", 0),
			docPage("db/replicas/_index.md", "Replicas", 1),
			docPage("db/replicas/lag.md", "Lag", 0),
			docPage("misc/note.md", "Note", 0),
			// A folder whose index page is a runbook is ordered by its
			// weight, under the name it has in the navigation.
			runbook("edge/_index.md", "Edge down", "SEV1", 15),
			docPage("edge/cdn.md", "CDN", 0),
		},
		current: "db/pool.md",
		folders: []string{"Top level", "Databases", "Replicas", "Legacy", "edge", "Operations", "misc", "Zulu"},
		items:   []string{"Databases", "Pool"},
		navJSON: []string{"Databases", "Pool"},
	}, {
		name: "a severity group",
		pages: []*page.Page{
			docPage("README.md", "Home", 0),
			runbook("a.md", "Alpha down", "SEV1", 0),
			runbook("b.md", "Bravo down", "SEV1", 3),
			runbook("c.md", "Charlie down", "SEV1", 1),
			runbook("d.md", "Delta down", "SEV1", 3),
			runbook("x.md", "Xray down", "SEV2", 1),
		},
		current: "a.md",
		items:   []string{"Charlie down", "Bravo down", "Delta down", "Alpha down"},
	}}
	folderRE := regexp.MustCompile(`<span class="nav-folder-name">([^<]*)</span>`)
	openRE := regexp.MustCompile(`(?s)<details class="nav-folder-details" open.*?</details>`)
	groupRE := regexp.MustCompile(`(?s)<li class="nav-group [^"]*is-current">.*?</ul>`)
	linkRE := regexp.MustCompile(`<li><a href="[^"]*"[^>]*>([^<]*)`)
	titles := func(re *regexp.Regexp, s string) []string {
		var out []string
		for _, m := range re.FindAllStringSubmatch(s, -1) {
			out = append(out, strings.TrimSpace(m[1]))
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(testTheme(t, theme.Default()), testSite(t, tt.pages, ""))
			var cur *page.Page
			for _, p := range tt.pages {
				if p.Path == tt.current {
					cur = p
				}
			}
			nav := navOf(t, r, cur)
			if got := titles(folderRE, nav); strings.Join(got, "|") != strings.Join(tt.folders, "|") {
				t.Errorf("folders: %q, want %q", got, tt.folders)
			}
			list := groupRE.FindString(nav)
			if cur.Meta.Group() == page.Other {
				list = openRE.FindString(nav)
			}
			if got := titles(linkRE, list); strings.Join(got, "|") != strings.Join(tt.items, "|") {
				t.Errorf("links: %q, want %q", got, tt.items)
			}
			if tt.navJSON == nil {
				return
			}
			data, err := r.NavJSON()
			if err != nil {
				t.Fatal(err)
			}
			var file struct {
				Folders map[string][]struct{ T string }
			}
			if err := json.Unmarshal(data, &file); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range file.Folders[strings.TrimSuffix(tt.current[:strings.LastIndexByte(tt.current, '/')+1], "/")] {
				got = append(got, e.T)
			}
			if strings.Join(got, "|") != strings.Join(tt.navJSON, "|") {
				t.Errorf("nav.json: %q, want %q", got, tt.navJSON)
			}
		})
	}
}
