package load_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/load"
)

// walk runs load.Walk and fails the test if it does not return within a
// minute: a symlink loop must end the walk, not hang it.
func walk(t *testing.T, fsys fs.FS) (load.Tree, []diag.Problem) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	type result struct {
		tree  load.Tree
		probs []diag.Problem
		err   error
	}
	done := make(chan result, 1)
	go func() {
		tree, probs, err := load.Walk(fsys)
		done <- result{tree, probs, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.tree, r.probs
	case <-ctx.Done():
		t.Fatal("load.Walk did not return within a minute")
		return load.Tree{}, nil
	}
}

func pages(tr load.Tree) []string {
	var out []string
	for _, e := range tr.Pages {
		out = append(out, e.Path)
	}
	return out
}

func problem(probs []diag.Problem, file, rule string) (diag.Problem, bool) {
	for _, p := range probs {
		if p.File == file && p.Rule == rule {
			return p, true
		}
	}
	return diag.Problem{}, false
}

func TestSymlinksInTheTree(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	if err := os.MkdirAll(filepath.Join(src, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"src/a.md": "# A\n", "outside.md": "# secret\n", "outside/dir/x.md": "# x\n"} {
		p := filepath.Join(tmp, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"loop": ".", "sub/up": "..", "parent": "..", "x.md": "y.md", "y.md": "x.md", "self.md": "self.md",
		"abs.md": filepath.Join(tmp, "outside.md"), "rel.md": "../outside.md", "dir": "../outside/dir",
		"broken.md": "nowhere.md", "alias.md": "a.md", "sub/alias.md": "../a.md",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(src, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(src)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	tree, probs := walk(t, root.FS())
	if got, want := pages(tree), []string{"a.md", "alias.md", "sub/alias.md"}; !slices.Equal(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
	for _, name := range []string{"loop", "sub/up", "parent", "x.md", "y.md", "self.md", "abs.md", "rel.md", "dir", "broken.md"} {
		if p, ok := problem(probs, name, "symlink"); !ok || p.Severity != diag.Warning {
			t.Errorf("%s: got %v, want a symlink warning", name, p)
		}
	}
}

func TestSpecialFiles(t *testing.T) {
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "folder.md"), 0o755)
	os.WriteFile(filepath.Join(src, "folder.md", "inner.md"), []byte("# x\n"), 0o644)
	if err := syscall.Mkfifo(filepath.Join(src, "pipe.md"), 0o644); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	tree, _ := walk(t, os.DirFS(src))
	if got, want := pages(tree), []string{"folder.md/inner.md"}; !slices.Equal(got, want) {
		t.Errorf("pages = %v, want %v: a pipe would block a read forever", got, want)
	}
	if !slices.Contains(tree.Dirs, "folder.md") {
		t.Errorf("dirs = %v, want folder.md among them", tree.Dirs)
	}
}

// denyFS refuses to open some paths, as a file system does for files of
// another user (root reads files whatever their mode).
type denyFS struct {
	fs.FS
	deny string
}

func (d denyFS) Open(name string) (fs.File, error) {
	if name == d.deny {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.FS.Open(name)
}

func TestUnreadableFolder(t *testing.T) {
	fsys := denyFS{fstest.MapFS{"a.md": {Data: []byte("# A\n")}, "locked/b.md": {Data: []byte("# B\n")}}, "locked"}
	tree, probs := walk(t, fsys)
	p, ok := problem(probs, "locked", "unreadable")
	if !ok || p.Severity != diag.Error || !strings.Contains(p.Message, "permission denied") {
		t.Errorf("got %v, want an error naming locked", probs)
	}
	if got := pages(tree); !slices.Equal(got, []string{"a.md"}) {
		t.Errorf("pages = %v", got)
	}
}

func TestNamesDifferingOnlyByCase(t *testing.T) {
	fsys := fstest.MapFS{
		"Pool.md": {}, "pool.md": {}, "db/README.md": {}, "DB/index.md": {}, "img/A.png": {}, "img/a.png": {},
	}
	_, probs := walk(t, fsys)
	for _, c := range []struct{ file, other string }{{"pool.md", "Pool.md"}, {"db/README.md", "DB/index.md"}, {"img/a.png", "img/A.png"}} {
		var found bool
		for _, p := range probs {
			if p.Rule == "duplicate-url" && (p.File == c.file || p.File == c.other) &&
				strings.Contains(p.Message, c.file) && strings.Contains(p.Message, c.other) && p.Severity == diag.Error {
				found = true
			}
		}
		if !found {
			t.Errorf("no error naming both %s and %s; problems: %v", c.file, c.other, probs)
		}
	}
}

func TestDeepAndOddNames(t *testing.T) {
	deep := strings.Repeat("d/", 100) + "page.md"
	fsys := fstest.MapFS{deep: {}, "a b.md": {}, "ñandú.md": {}, "c#sharp.md": {}, "what?.md": {}, "100%.md": {}, ".hidden/x.md": {}, ".x.md": {}}
	tree, probs := walk(t, fsys)
	want := []string{"100%.md", "a b.md", "c#sharp.md", deep, "what?.md", "ñandú.md"}
	if got := pages(tree); !slices.Equal(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
	if len(probs) > 0 {
		t.Errorf("unexpected problems: %v", probs)
	}
	for _, e := range tree.Pages {
		if e.Path == deep && e.URL != strings.Repeat("d/", 100)+"page/" {
			t.Errorf("URL of the deep page = %q", e.URL)
		}
	}
}
