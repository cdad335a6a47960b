// Package search implements the client-side search index the build writes
// for the theme's search box.
package search

import "github.com/arcaapi/runbooks/build/page"

// Files returns the files of the search index for the pages.
func Files(pages []*page.Page) ([]page.File, error) {
	return nil, nil
}
