package serve

import (
	"net/http"
	"path"
	"reflect"
	"slices"
	"strings"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/page"
)

// snapshot is one version of the site as served: a preview of the
// session, and the names of its stylesheets for the "css" event.
type snapshot struct {
	version string
	*build.Preview
	css map[string]string // theme CSS file name → its site path
}

func newSnapshot(p *build.Preview, version string) *snapshot {
	s := &snapshot{version: version, Preview: p, css: map[string]string{}}
	for name, sitePath := range p.Assets() {
		if path.Ext(name) == ".css" {
			s.css[name] = sitePath
		}
	}
	return s
}

// site returns the parsed site the snapshot shows.
func (s *snapshot) site() *build.Site { return s.Preview.Site() }

// file returns the file at a site path ("db/pool/index.html"), for the
// request r.
func (s *snapshot) file(r *http.Request, name string) ([]byte, bool, error) {
	return s.Preview.File(r.Context(), name)
}

// probes returns the pages to render to test a new version of the site:
// the changed pages when only pages changed, else every kind of page the
// theme has a layout for.
func probes(site *build.Site, changed []string, themeChanged bool) []*page.Page {
	var out []*page.Page
	if !themeChanged {
		for _, c := range changed {
			i, found := slices.BinarySearchFunc(site.Pages, c, func(p *page.Page, path string) int { return strings.Compare(p.Path, path) })
			if found {
				out = append(out, site.Pages[i])
			}
		}
		return out
	}
	var index, other *page.Page
	for _, p := range site.Pages {
		switch {
		case p.URL == "" && index == nil:
			index = p
		case p.URL != "" && other == nil:
			other = p
		}
	}
	for _, p := range []*page.Page{index, other} {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// changedPages compares the pages of two versions of a site. When only
// page bodies changed it returns the site paths of those pages; when
// anything that shows on other pages changed (a title, a severity, the
// set of pages, the build date) it returns all = true.
func changedPages(before, after *build.Site) (urls []string, all bool) {
	if before == nil || len(before.Pages) != len(after.Pages) || before.Title != after.Title ||
		before.Now.Format(page.DateLayout) != after.Now.Format(page.DateLayout) {
		return nil, true
	}
	for i, a := range after.Pages {
		b := before.Pages[i]
		if a == b {
			continue
		}
		if a.Path != b.Path || a.URL != b.URL || !reflect.DeepEqual(a.Meta, b.Meta) {
			return nil, true
		}
		urls = append(urls, a.URL)
	}
	return urls, false
}
