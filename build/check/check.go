// Package check implements the check stage: broken links, anchors and
// images, positioned in the Markdown source, and the runbook lint rules.
package check

import (
	"time"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// Input is the parsed site to check.
type Input struct {
	Pages  []*page.Page // sorted by path
	Assets []string     // files that are not pages, sorted slash paths
	Dirs   []string     // every folder, "" for the root
	Now    time.Time    // the build date, for review-overdue
	Base   link.Base
}

// Run checks the site and returns every problem found, unsorted.
func Run(in Input) []diag.Problem {
	return nil
}
