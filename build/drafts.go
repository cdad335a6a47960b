package build

import (
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/load"
	"github.com/arcaapi/runbooks/build/page"
)

// dropDrafts leaves out the pages whose front matter says draft: true, as
// Hugo does: they are neither checked nor published, and a link to one is
// told that it is a draft. The tree, pages and problems stay aligned, by
// index, as Update needs them.
func dropDrafts(t load.Tree, pages []*page.Page, probs [][]diag.Problem) (load.Tree, []*page.Page, [][]diag.Problem) {
	n := 0
	for _, p := range pages {
		if p.Meta.Draft {
			n++
		}
	}
	if n == 0 {
		return t, pages, probs
	}
	entries := make([]load.Entry, 0, len(pages)-n)
	kept := make([]*page.Page, 0, len(pages)-n)
	keptProbs := make([][]diag.Problem, 0, len(pages)-n)
	drafts := append([]string(nil), t.Drafts...)
	for i, p := range pages {
		if p.Meta.Draft {
			drafts = append(drafts, p.Path)
			continue
		}
		entries = append(entries, t.Pages[i])
		kept = append(kept, p)
		keptProbs = append(keptProbs, probs[i])
	}
	t.Pages, t.Drafts = entries, drafts
	return t, kept, keptProbs
}
