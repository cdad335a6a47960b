package stamp

import (
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/arcaapi/runbooks/internal/fixture"
)

// TestWalkListsWhatWalkDirLists checks that the parallel walk of Take
// lists every file and folder, nested or not, in filepath.WalkDir's order.
func TestWalkListsWhatWalkDirLists(t *testing.T) {
	for _, tree := range []map[string]string{
		{},
		{"a.html": "a"},
		{"a/index.html": "a", "a-b/index.html": "b", "a.b": "c", "b/c/d/e.html": "e", "b/c/f.html": "f", "z": "z", "Z/y": "y"},
	} {
		dir := fixture.Tree(t, tree)
		var want []string
		if err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
			want = append(want, p)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := walk(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("walk(%v) =\n%q\nwant\n%q", tree, got, want)
		}
	}
	if _, err := walk(filepath.Join(t.TempDir(), "gone")); err == nil {
		t.Error("walk of a missing folder: no error")
	}
}
