package output_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build/output"
)

// build writes files into out through a Dir and commits it.
func build(t *testing.T, out, src string, files map[string]string) {
	t.Helper()
	d, err := output.Create(out, src)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := d.WriteFile(name, []byte(data)); err != nil {
			d.Abort()
			t.Fatal(err)
		}
	}
	if err := d.Commit(nil); err != nil {
		t.Fatal(err)
	}
}

// want is what snapshot gives for a site of files: the files, the marker
// and every folder.
func want(files map[string]string) map[string]string {
	w := map[string]string{"./": "", output.Marker: "This folder is built by runbooks and replaced on every build. Do not edit it.\n"}
	for name, data := range files {
		w[filepath.FromSlash(name)] = data
		for d := filepath.Dir(filepath.FromSlash(name)); d != "."; d = filepath.Dir(d) {
			w[d+"/"] = ""
		}
	}
	return w
}

func TestRebuildsGiveTheSiteOfTheLastBuild(t *testing.T) {
	// Each case is a sequence of sites built into the same folder, so the
	// spare folder holds the site two builds back: every change between
	// two sites is met by the third build.
	for _, c := range []struct {
		name  string
		sites []map[string]string
	}{
		{"unchanged", []map[string]string{
			{"index.html": "home", "a/index.html": "a"},
			{"index.html": "home", "a/index.html": "a"},
			{"index.html": "home", "a/index.html": "a"},
		}},
		{"a page changed, added and removed", []map[string]string{
			{"index.html": "home", "a/index.html": "a", "b/c/index.html": "c"},
			{"index.html": "home 2", "a/index.html": "a", "d/index.html": "d"},
			{"index.html": "home 3", "d/index.html": "d", "e/index.html": "e"},
			{"index.html": "home 3"},
		}},
		{"same size, other bytes", []map[string]string{
			{"index.html": "aaaa"},
			{"index.html": "bbbb"},
			{"index.html": "aaaa"},
			{"index.html": "cccc"},
		}},
		{"a file becomes a folder and back", []map[string]string{
			{"index.html": "home", "x": "a file"},
			{"index.html": "home", "x/index.html": "now a folder"},
			{"index.html": "home", "x": "a file again"},
			{"index.html": "home", "x/y/index.html": "deeper"},
		}},
		{"a folder becomes a file", []map[string]string{
			{"index.html": "home", "x/index.html": "a folder", "x/y/index.html": "deeper"},
			{"index.html": "home", "x/index.html": "a folder"},
			{"index.html": "home", "x": "now a file"},
			{"index.html": "home", "x": "still a file"},
		}},
		{"an emptied folder goes", []map[string]string{
			{"index.html": "home", "deep/er/still/index.html": "x"},
			{"index.html": "home", "deep/index.html": "y"},
			{"index.html": "home"},
			{"index.html": "home"},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "public")
			write(t, filepath.Join(src, "a.md"), "# A\n")
			for i, files := range c.sites {
				build(t, out, src, files)
				if got := snapshot(t, out); !same(got, want(files)) {
					t.Fatalf("build %d: output is %v, want %v", i+1, got, want(files))
				}
			}
		})
	}
}

func TestRebuildLeavesUnchangedFilesAlone(t *testing.T) {
	tmp := t.TempDir()
	src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "public")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	site := map[string]string{"index.html": "home", "a/index.html": "a"}
	build(t, out, src, site)
	build(t, out, src, map[string]string{"index.html": "home"}) // the first build's output is now the spare
	// Date the spare's files in the past: a file written again gets today.
	spare := filepath.Join(tmp, output.SparePrefix+"public")
	long := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	for _, name := range []string{"index.html", "a/index.html"} {
		if err := os.Chtimes(filepath.Join(spare, name), long, long); err != nil {
			t.Fatal(err)
		}
	}
	site["index.html"] = "home, changed"
	build(t, out, src, site)
	for name, wantKept := range map[string]bool{"a/index.html": true, "index.html": false} {
		fi, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if kept := fi.ModTime().Equal(long); kept != wantKept {
			t.Errorf("%s left alone: %v, want %v", name, kept, wantKept)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(out, "index.html")); string(data) != "home, changed" {
		t.Errorf("index.html = %q", data)
	}
}

func TestSpareFolderIsSafe(t *testing.T) {
	tmp := t.TempDir()
	src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "public")
	spare := filepath.Join(tmp, output.SparePrefix+"public")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	site := map[string]string{"index.html": "home", "a/index.html": "a"}
	build(t, out, src, site)
	build(t, out, src, map[string]string{"index.html": "home 2", "a/index.html": "a"})

	t.Run("symlinks in it are removed, never written through", func(t *testing.T) {
		elsewhere := filepath.Join(tmp, "elsewhere")
		write(t, filepath.Join(elsewhere, "index.html"), "not the site's")
		os.RemoveAll(filepath.Join(spare, "a"))
		if err := os.Symlink(elsewhere, filepath.Join(spare, "a")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(elsewhere, "index.html"), filepath.Join(spare, "b.html")); err != nil {
			t.Fatal(err)
		}
		build(t, out, src, map[string]string{"index.html": "home", "a/index.html": "new a", "b.html": "b"})
		if data, _ := os.ReadFile(filepath.Join(elsewhere, "index.html")); string(data) != "not the site's" {
			t.Errorf("a file outside the output was written: %q", data)
		}
		if got := snapshot(t, out); !same(got, want(map[string]string{"index.html": "home", "a/index.html": "new a", "b.html": "b"})) {
			t.Errorf("output is %v", got)
		}
	})

	t.Run("a folder of the same name the tool did not make is refused", func(t *testing.T) {
		tmp := t.TempDir()
		out := filepath.Join(tmp, "public")
		write(t, filepath.Join(tmp, output.SparePrefix+"public", "notes.txt"), "mine")
		_, err := output.Create(out, src)
		if err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Fatalf("Create = %v, want a refusal", err)
		}
		if data, _ := os.ReadFile(filepath.Join(tmp, output.SparePrefix+"public", "notes.txt")); string(data) != "mine" {
			t.Errorf("the folder was changed")
		}
	})

	t.Run("an empty spare folder, as a build killed before marking it leaves, is used", func(t *testing.T) {
		tmp := t.TempDir()
		out := filepath.Join(tmp, "public")
		if err := os.Mkdir(filepath.Join(tmp, output.SparePrefix+"public"), 0o755); err != nil {
			t.Fatal(err)
		}
		build(t, out, src, site)
		if got := snapshot(t, out); !same(got, want(site)) {
			t.Errorf("output is %v, want %v", got, want(site))
		}
	})

	t.Run("a build cut short leaves a spare the next build puts right", func(t *testing.T) {
		before := snapshot(t, out)
		d, err := output.Create(out, src)
		if err != nil {
			t.Fatal(err)
		}
		d.WriteFile("index.html", []byte("half"))
		d.WriteFile("z/index.html", []byte("half"))
		d.Abort()
		if !same(before, snapshot(t, out)) {
			t.Fatalf("the aborted build changed the output")
		}
		site := map[string]string{"index.html": "whole", "a/index.html": "a"}
		build(t, out, src, site)
		if got := snapshot(t, out); !same(got, want(site)) {
			t.Errorf("output is %v, want %v", got, want(site))
		}
	})
}

// Names lists what the output folder holds after Commit moved in a folder
// the build made, and nothing where the folder also held what an earlier
// build left, or where nothing was moved.
func TestNames(t *testing.T) {
	top := t.TempDir()
	out, src := filepath.Join(top, "public"), filepath.Join(top, "runbooks")
	listing := func() []string {
		var names []string
		filepath.WalkDir(out, func(p string, _ os.DirEntry, err error) error {
			if err == nil && p != out {
				names = append(names, filepath.ToSlash(p[len(out)+1:]))
			}
			return err
		})
		return names
	}
	for i, c := range []struct {
		files map[string]string
		named bool
	}{
		{map[string]string{"index.html": "a", "db/pool/index.html": "b", "assets/x.css": "c"}, true},   // a new folder, renamed into place
		{map[string]string{"index.html": "a", "db/pool/index.html": "b", "assets/x.css": "c"}, false},  // the output already held the site
		{map[string]string{"index.html": "A", "db/pool/index.html": "b", "api/index.html": "d"}, true}, // a new spare folder, swapped in
		{map[string]string{"index.html": "A2", "db/pool/index.html": "b"}, false},                      // the spare folder of the last build, reused
	} {
		d, err := output.Create(out, src)
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range c.files {
			if err := d.WriteFile(name, []byte(data)); err != nil {
				t.Fatal(err)
			}
		}
		if names := d.Names(); names != nil {
			t.Errorf("build %d: Names before Commit = %q", i+1, names)
		}
		if err := d.Commit(nil); err != nil {
			t.Fatal(err)
		}
		names := d.Names()
		switch {
		case !c.named && names != nil:
			t.Errorf("build %d: Names = %q, want nil", i+1, names)
		case c.named && !slices.Equal(names, listing()):
			t.Errorf("build %d: Names = %q, the folder holds %q", i+1, names, listing())
		}
	}
}
