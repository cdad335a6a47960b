// Package publish implements the files static hosting needs beside the
// pages: alert URLs (redirect rules and fallback pages), response headers,
// runbooks.json, sitemap.xml and robots.txt.
//
// The same output works on every static host: Netlify and Cloudflare Pages
// read _redirects and _headers; GitHub Pages, S3 and a plain web server
// ignore them and serve the fallback pages.
package publish

import (
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// Renderer is what publishing needs of the theme.
type Renderer interface {
	// Alert renders the fallback page of an alert URL, sending the reader
	// on to the runbook at the site path target.
	Alert(w io.Writer, alert, target string) error
	// Files returns the theme's static files as written to the site, CSS
	// and JavaScript under fingerprinted names.
	Files() []page.File
}

// Input is the parsed site to publish.
type Input struct {
	Pages    []*page.Page // sorted by path
	Base     link.Base
	Now      time.Time // the build date
	Renderer Renderer
}

// Files returns the hosting files for the site, sorted by name. Alerts that
// Check reports as errors are left out.
func Files(in Input) ([]page.File, error) {
	alerts, _ := claims(in.Pages)
	fallback, err := fallbackPages(in.Renderer, alerts)
	if err != nil {
		return nil, err
	}
	index, err := indexJSON(in.Pages, in.Base, in.Now)
	if err != nil {
		return nil, err
	}
	files := append(fallback,
		page.File{Name: HeadersFile, Data: headersFile(HeaderRules(in.Base, in.Renderer.Files()))},
		page.File{Name: IndexFile, Data: index},
		page.File{Name: "robots.txt", Data: robots(in.Base)},
	)
	if len(alerts) > 0 {
		files = append(files, page.File{Name: RedirectsFile, Data: redirects(in.Base, alerts)})
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
	_, probs := claims(pages)
	return probs
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
