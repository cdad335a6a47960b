package build

import (
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/load"
)

// treeIndex is the source tree as root-absolute links see it.
type treeIndex struct {
	files map[string]bool   // pages and other files
	urls  map[string]string // site path → source path of the page there
	dirs  map[string]bool
}

var _ link.Tree = treeIndex{}

func newTreeIndex(t load.Tree, dirs map[string]bool) treeIndex {
	ix := treeIndex{files: make(map[string]bool, len(t.Pages)+len(t.Assets)), urls: make(map[string]string, len(t.Pages)), dirs: dirs}
	for _, e := range t.Pages {
		ix.files[e.Path] = true
		if _, ok := ix.urls[e.URL]; !ok {
			ix.urls[e.URL] = e.Path
		}
	}
	for _, a := range t.Assets {
		ix.files[a] = true
	}
	return ix
}

func (ix treeIndex) IsFile(path string) bool { return ix.files[path] }

func (ix treeIndex) IsDir(path string) bool { return ix.dirs[path] }

func (ix treeIndex) PageAt(url string) (string, bool) {
	p, ok := ix.urls[url]
	return p, ok
}
