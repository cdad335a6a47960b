package output_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/arcaapi/runbooks/build/output"
)

// buildInOrder writes files into out in the order of names, commits, and
// reports whether the output folder was left as it was.
func buildInOrder(t *testing.T, out, src string, names []string, files map[string]string) bool {
	t.Helper()
	d, err := output.Create(out, src)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if err := d.WriteFile(name, []byte(files[name])); err != nil {
			d.Abort()
			t.Fatal(err)
		}
	}
	if err := d.Commit(nil); err != nil {
		t.Fatal(err)
	}
	return d.Unchanged()
}

// inodes returns the file identity of every file and folder under dir.
func inodes(t *testing.T, dir string) map[string]os.FileInfo {
	t.Helper()
	ids := map[string]os.FileInfo{}
	for name := range snapshot(t, dir) {
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = fi
	}
	return ids
}

func TestAnUnchangedSiteLeavesTheOutputAlone(t *testing.T) {
	tmp := t.TempDir()
	src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "public")
	spare := filepath.Join(tmp, output.SparePrefix+"public")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	names := []string{"index.html", "a/index.html", "a/b/index.html", "style.css"}
	site := map[string]string{"index.html": "home", "a/index.html": "a", "a/b/index.html": "b", "style.css": "body{}"}

	if buildInOrder(t, out, src, names, site) {
		t.Fatal("the first build reports an unchanged output")
	}
	before := inodes(t, out)
	if !buildInOrder(t, out, src, names, site) {
		t.Fatal("building the same site again replaced the output")
	}
	for name, fi := range inodes(t, out) {
		if !os.SameFile(fi, before[name]) {
			t.Errorf("%s was replaced", name)
		}
	}
	if _, err := os.Lstat(spare); !os.IsNotExist(err) {
		t.Errorf("an unchanged build left a spare folder: %v", err)
	}

	// With a spare folder from a changed build, an unchanged build
	// leaves both folders as they are.
	site["a/index.html"] = "a, changed"
	if buildInOrder(t, out, src, names, site) {
		t.Fatal("a changed site reports an unchanged output")
	}
	spareBefore, outBefore := snapshot(t, spare), snapshot(t, out)
	if !buildInOrder(t, out, src, names, site) {
		t.Fatal("building the same site again replaced the output")
	}
	if !same(snapshot(t, spare), spareBefore) || !same(snapshot(t, out), outBefore) {
		t.Error("an unchanged build changed the output or the spare folder")
	}
	if got := snapshot(t, out); !same(got, want(site)) {
		t.Errorf("output is %v, want %v", got, want(site))
	}
}

func TestADifferenceAnywhereGivesTheWholeNewSite(t *testing.T) {
	names := []string{"index.html", "a/index.html", "a/b/index.html", "c/index.html", "style.css"}
	site := func() map[string]string {
		return map[string]string{"index.html": "home", "a/index.html": "a", "a/b/index.html": "b", "c/index.html": "c", "style.css": "body{}"}
	}
	for _, c := range []struct {
		name   string
		names  []string                       // written by the second build, in order
		change func(map[string]string)        // the second build's site
		spoil  func(t *testing.T, out string) // what happens to the output between builds
	}{
		{"the first file written differs", names, func(s map[string]string) { s["index.html"] = "home 2" }, nil},
		{"a middle file differs", names, func(s map[string]string) { s["a/b/index.html"] = "b 2" }, nil},
		{"the last file written differs", names, func(s map[string]string) { s["style.css"] = "body{color:red}" }, nil},
		{"same size, other bytes", names, func(s map[string]string) { s["c/index.html"] = "d" }, nil},
		{"a file is added", append(names[:len(names):len(names)], "d/index.html"), func(s map[string]string) { s["d/index.html"] = "d" }, nil},
		{"a file is no longer written", names[1:], func(s map[string]string) { delete(s, "index.html") }, nil},
		{"a folder is no longer written", []string{"index.html", "c/index.html", "style.css"}, func(s map[string]string) {
			delete(s, "a/index.html")
			delete(s, "a/b/index.html")
		}, nil},
		{"a file was edited in the output", names, nil, func(t *testing.T, out string) {
			write(t, filepath.Join(out, "a/index.html"), "edited by hand")
		}},
		{"a file was added to the output", names, nil, func(t *testing.T, out string) {
			write(t, filepath.Join(out, "notes.txt"), "mine")
		}},
		{"an empty folder was added to the output", names, nil, func(t *testing.T, out string) {
			if err := os.Mkdir(filepath.Join(out, "empty"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{"a file in the output was replaced by a symlink to the same bytes", names, nil, func(t *testing.T, out string) {
			elsewhere := filepath.Join(filepath.Dir(out), "elsewhere.html")
			write(t, elsewhere, "c")
			os.Remove(filepath.Join(out, "c/index.html"))
			if err := os.Symlink(elsewhere, filepath.Join(out, "c/index.html")); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "public")
			write(t, filepath.Join(src, "a.md"), "# A\n")
			first, second := site(), site()
			if c.change != nil {
				c.change(second)
			}
			buildInOrder(t, out, src, names, first)
			if c.spoil != nil {
				c.spoil(t, out)
			}
			if buildInOrder(t, out, src, c.names, second) {
				t.Error("the build reports the output unchanged")
			}
			if got := snapshot(t, out); !same(got, want(second)) {
				t.Errorf("output is %v, want %v", got, want(second))
			}
		})
	}
}

func TestConcurrentWritersMeetingADifference(t *testing.T) {
	tmp := t.TempDir()
	src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "public")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	site := map[string]string{}
	for i := range 200 {
		site[fmt.Sprintf("p%d/q%d/index.html", i%7, i)] = fmt.Sprint("page ", i)
	}
	build(t, out, src, site)
	site["p3/q101/index.html"] = "changed"
	d, err := output.Create(out, src)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	work := make(chan string)
	for range 8 {
		wg.Go(func() {
			for name := range work {
				if err := d.WriteFile(name, []byte(site[name])); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for name := range site {
		work <- name
	}
	close(work)
	wg.Wait()
	if err := d.Commit(nil); err != nil {
		t.Fatal(err)
	}
	if d.Unchanged() {
		t.Error("the build reports the output unchanged")
	}
	if got := snapshot(t, out); !same(got, want(site)) {
		t.Errorf("output differs from the site: %d entries, want %d", len(got), len(want(site)))
	}
}

func TestFilesFoundUnchangedAreSharedNotCopied(t *testing.T) {
	tmp := t.TempDir()
	src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "public")
	spare := filepath.Join(tmp, output.SparePrefix+"public")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	names := []string{"index.html", "a/index.html", "b/index.html", "style.css"}
	site := map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b", "style.css": "body{}"}
	buildInOrder(t, out, src, names, site)
	site["style.css"] = "body{color:red}" // found different last
	buildInOrder(t, out, src, names, site)
	for _, name := range []string{"index.html", "a/index.html", "b/index.html"} {
		o, _ := os.Stat(filepath.Join(out, name))
		s, _ := os.Stat(filepath.Join(spare, name))
		if o == nil || s == nil || !os.SameFile(o, s) {
			t.Errorf("%s: the output and the spare folder do not share it", name)
		}
	}
	if got := snapshot(t, out); !same(got, want(site)) {
		t.Errorf("output is %v, want %v", got, want(site))
	}
}

// After a build that shared files between the output and the spare
// folder, the next build rewrites the spare folder: a file it changes must
// change there only, even if that build is then abandoned.
func TestARebuildNeverWritesThroughToTheOutput(t *testing.T) {
	tmp := t.TempDir()
	src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "public")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	names := []string{"index.html", "a/index.html", "b/index.html"}
	site := map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b"}
	buildInOrder(t, out, src, names, site)
	site["b/index.html"] = "b 2"
	buildInOrder(t, out, src, names, site) // a/ and index.html are now shared
	before := snapshot(t, out)

	for _, commit := range []bool{false, true} {
		next := map[string]string{"index.html": "home 2", "a/index.html": "a, same size", "b/index.html": "b 2"}
		d, err := output.Create(out, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"b/index.html", "index.html", "a/index.html"} {
			if err := d.WriteFile(name, []byte(next[name])); err != nil {
				t.Fatal(err)
			}
		}
		if got := snapshot(t, out); !same(got, before) {
			t.Fatalf("writing the next build changed the output: %v", got)
		}
		if !commit {
			d.Abort()
			if got := snapshot(t, out); !same(got, before) {
				t.Fatalf("an abandoned build changed the output: %v", got)
			}
			continue
		}
		if err := d.Commit(nil); err != nil {
			t.Fatal(err)
		}
		if got := snapshot(t, out); !same(got, want(next)) {
			t.Errorf("output is %v, want %v", got, want(next))
		}
	}
}
