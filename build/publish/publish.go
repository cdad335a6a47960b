// Package publish implements the files static hosting needs beside the
// pages: alert URLs (redirect rules, the alert map and index), the pages'
// aliases (redirect rules and redirecting pages), response headers,
// runbooks.json, sitemap.xml and robots.txt.
//
// The same output works on every static host: Netlify and Cloudflare Pages
// read _redirects and _headers; GitHub Pages, S3 and a plain web server
// ignore them and answer alert URLs with the 404 page, which resolves them
// (package alerts).
package publish

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/alias"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// Renderer is what publishing needs of the theme.
type Renderer interface {
	// Alerts renders the index of alerts: every alert and its runbook.
	Alerts(w io.Writer, list []alerts.Alert) error
	// Files returns the theme's static files as written to the site, CSS
	// and JavaScript under fingerprinted names.
	Files() []page.File
}

// Input is the parsed site to publish.
type Input struct {
	Pages    []*page.Page  // sorted by path
	Aliases  []alias.Alias // the pages' other URLs, without collisions
	Base     link.Base
	Now      time.Time // the build date
	Renderer Renderer
}

// Files returns the hosting files for the site, sorted by name. Alerts that
// Check reports as errors are left out.
func Files(in Input) ([]page.File, error) {
	index, err := indexJSON(in.Pages, in.Base, in.Now)
	if err != nil {
		return nil, err
	}
	files := []page.File{
		{Name: HeadersFile, Data: headersFile(HeaderRules(in.Base, in.Renderer.Files()))},
		{Name: IndexFile, Data: index},
		{Name: "robots.txt", Data: robots(in.Base)},
	}
	claimed, _ := alerts.Claim(in.Pages)
	var redirects []byte
	if len(claimed) > 0 {
		m, err := alerts.Map(claimed)
		if err != nil {
			return nil, err
		}
		redirects = alerts.Redirects(in.Base, claimed)
		files = append(files, page.File{Name: alerts.MapFile, Data: m})
		if !hasPageAt(in.Pages, alerts.Prefix) {
			var buf bytes.Buffer
			if err := in.Renderer.Alerts(&buf, claimed); err != nil {
				return nil, fmt.Errorf("%s: %w", alerts.IndexPage, err)
			}
			files = append(files, page.File{Name: alerts.IndexPage, Data: buf.Bytes()})
		}
	}
	if len(in.Aliases) > 0 {
		redirects = append(redirects, alias.Redirects(in.Base, in.Aliases)...)
		pages, err := alias.Pages(in.Base, in.Aliases, metaPolicy)
		if err != nil {
			return nil, err
		}
		files = append(files, pages...)
	}
	if redirects != nil {
		files = append(files, page.File{Name: alerts.RedirectsFile, Data: redirects})
	}
	if sm, ok, err := sitemap(in.Pages, in.Base); err != nil {
		return nil, err
	} else if ok {
		files = append(files, page.File{Name: "sitemap.xml", Data: sm})
	}
	slices.SortFunc(files, func(a, b page.File) int { return strings.Compare(a.Name, b.Name) })
	return files, nil
}

// Check reports problems that would make the published site wrong: alert
// names that cannot be part of a URL, two runbooks claiming the same alert,
// and pages built at an alert's URL.
func Check(pages []*page.Page) []diag.Problem {
	_, probs := alerts.Claim(pages)
	return probs
}

// hasPageAt reports whether a page of the site is built at the site path u.
func hasPageAt(pages []*page.Page, u string) bool {
	for _, p := range pages {
		if p.URL == u {
			return true
		}
	}
	return false
}

// rootPath returns the path a browser requests for a site path: "db/pool/"
// → "/ops/db/pool/" under the base path, "/db/pool/" when the base URL is
// unknown (the site is then assumed to be served from the host's root).
func rootPath(b link.Base, sitePath string) string {
	prefix := b.Path
	if prefix == "" {
		prefix = "/"
	}
	return prefix + (&url.URL{Path: sitePath}).EscapedPath()
}
