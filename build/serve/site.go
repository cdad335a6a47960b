package serve

import (
	"bytes"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/publish"
	"github.com/arcaapi/runbooks/build/render"
)

// snapshot is one version of the site as served. Pages are rendered on
// request from the parsed site, with the same renderer and templates as
// build, so an edit costs one page parse instead of a whole site's render;
// the other files (theme assets, group pages, search index, hosting files,
// the source tree's other files) are made on first request and kept.
type snapshot struct {
	version string
	site    *build.Site
	r       *render.Renderer
	pages   map[string]*page.Page // "db/pool/index.html" → page
	theme   map[string][]byte     // the theme's static files, by site path
	css     map[string]string     // theme CSS file name → its site path
	headers []publish.Rule

	once     sync.Once
	files    memFiles
	filesErr error
}

// newSnapshot makes the snapshot of a parsed site. It renders the probe
// pages, so that a template that fails on them is a failed rebuild rather
// than a broken page.
func newSnapshot(site *build.Site, theme *render.Theme, cfg build.Config, version string, probes []*page.Page) (*snapshot, error) {
	r, err := build.NewRenderer(site, theme, cfg, true)
	if err != nil {
		return nil, err
	}
	s := &snapshot{
		version: version,
		site:    site,
		r:       r,
		pages:   make(map[string]*page.Page, len(site.Pages)),
		theme:   map[string][]byte{},
		css:     map[string]string{},
		headers: publish.HeaderRules(r.Base(), r.Files()),
	}
	for _, p := range site.Pages {
		s.pages[p.URL+"index.html"] = p
	}
	for _, f := range r.Files() {
		s.theme[f.Name] = f.Data
		if path.Ext(f.Name) == ".css" {
			s.css[themeName(f.Name)] = f.Name
		}
	}
	for _, p := range probes {
		var buf bytes.Buffer
		if err := r.Page(&buf, p); err != nil {
			return nil, fmt.Errorf("render %s: %w", p.Path, err)
		}
	}
	return s, nil
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

// themeName returns the theme's name of a fingerprinted asset:
// "assets/style.0123456789.css" → "style.css".
func themeName(sitePath string) string {
	name := strings.TrimPrefix(sitePath, "assets/")
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	if i := strings.LastIndexByte(stem, '.'); i >= 0 && len(stem)-i == 11 {
		stem = stem[:i]
	}
	return stem + ext
}

// file returns the file at a site path ("db/pool/index.html").
func (s *snapshot) file(name string) ([]byte, bool, error) {
	if p, ok := s.pages[name]; ok {
		var buf bytes.Buffer
		if err := s.r.Page(&buf, p); err != nil {
			return nil, false, fmt.Errorf("render %s: %w", p.Path, err)
		}
		return buf.Bytes(), true, nil
	}
	if data, ok := s.theme[name]; ok {
		return data, true, nil
	}
	s.once.Do(func() {
		s.files = memFiles{}
		s.filesErr = build.RenderFiles(s.site, s.r, s.files)
	})
	if s.filesErr != nil {
		return nil, false, s.filesErr
	}
	data, ok := s.files[name]
	return data, ok, nil
}

// memFiles is a site's files in memory, by site path.
type memFiles map[string][]byte

func (m memFiles) WriteFile(name string, data []byte) error {
	m[name] = data
	return nil
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
