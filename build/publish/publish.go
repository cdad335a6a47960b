// Package publish implements the files static hosting needs beside the
// pages: alert URLs (redirect rules and fallback pages), runbooks.json,
// sitemap.xml and robots.txt.
package publish

import (
	"time"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/render"
)

// Input is the parsed site to publish.
type Input struct {
	Pages    []*page.Page
	Base     link.Base
	Now      time.Time
	Renderer *render.Renderer
}

// Files returns the hosting files for the site.
func Files(in Input) ([]page.File, error) {
	return nil, nil
}

// Check reports problems that would make the published site wrong, such as
// two runbooks claiming the same alert.
func Check(pages []*page.Page) []diag.Problem {
	return nil
}
