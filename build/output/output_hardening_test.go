package output_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/output"
)

// snapshot returns every file and folder under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			files[rel] = "-> " + target
		case d.IsDir():
			files[rel+"/"] = ""
		default:
			data, _ := os.ReadFile(p)
			files[rel] = string(data)
		}
		return nil
	})
	return files
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRefusedOutputFolders(t *testing.T) {
	tmp := t.TempDir()
	src, home := filepath.Join(tmp, "src"), filepath.Join(tmp, "home")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	write(t, filepath.Join(home, ".profile"), "sentinel")
	write(t, filepath.Join(tmp, "foreign", "keep.txt"), "sentinel")
	write(t, filepath.Join(tmp, "file"), "sentinel")
	os.Symlink(src, filepath.Join(tmp, "src-link"))
	os.Symlink(filepath.Join(tmp, "foreign"), filepath.Join(tmp, "foreign-link"))
	t.Setenv("HOME", home)
	before := snapshot(t, tmp)
	for _, c := range []struct{ name, out, why string }{
		{"the source folder", src, "inside the source folder"},
		{"inside the source folder", filepath.Join(src, "public"), "inside the source folder"},
		{"the source folder by another path", filepath.Join(src, "..", "src"), "inside the source folder"},
		{"a symlink to the source folder", filepath.Join(tmp, "src-link"), "inside the source folder"},
		{"the source folder's parent", tmp, "holds the source folder"},
		{"the file-system root", "/", "file-system root"},
		{"the home folder", home, "home folder"},
		{"a folder it did not make", filepath.Join(tmp, "foreign"), "not built by runbooks"},
		{"a symlink to a folder it did not make", filepath.Join(tmp, "foreign-link"), "is a symbolic link to " + filepath.Join(tmp, "foreign")},
		{"a file", filepath.Join(tmp, "file"), "is a file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := output.Safe(c.out, src)
			if err == nil || !strings.Contains(err.Error(), c.why) {
				t.Errorf("Safe(%s) = %v, want an error saying %q", c.out, err, c.why)
			}
			d, err := output.Create(c.out, src)
			if err == nil {
				d.Abort()
				t.Errorf("Create(%s) succeeded", c.out)
			}
			if !same(before, snapshot(t, tmp)) {
				t.Fatalf("refusing %s changed the file system", c.out)
			}
		})
	}
}

// TestSymlinkedOutputFolders checks that an output folder given as a
// symbolic link is refused before anything is written, whether the link
// leads to a folder an earlier build made (which the web server may be
// serving, and a swap would leave stale) or nowhere, and that the error
// names the folder to pass instead.
func TestSymlinkedOutputFolders(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	www := filepath.Join(tmp, "www")
	d, err := output.Create(www, src)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("index.html", []byte("old site")); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("www", filepath.Join(tmp, "pub")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(tmp, "gone"), filepath.Join(tmp, "dangling")); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, tmp)
	for _, c := range []struct{ name, out, why string }{
		{"a link to a folder runbooks built", filepath.Join(tmp, "pub"), "is a symbolic link to " + www + "; "},
		{"the same link with a trailing slash", filepath.Join(tmp, "pub") + "/", "is a symbolic link to " + www + "; "},
		{"a dangling link", filepath.Join(tmp, "dangling"), "is a symbolic link to " + filepath.Join(tmp, "gone") + ", which does not exist"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := output.Safe(c.out, src)
			if err == nil || !strings.Contains(err.Error(), c.why) || !strings.Contains(err.Error(), "pass that folder as --out") {
				t.Errorf("Safe(%s) = %v, want an error saying %q", c.out, err, c.why)
			}
			d, err := output.Create(c.out, src)
			if err == nil {
				d.WriteFile("index.html", []byte("new site"))
				d.Commit(nil)
				t.Errorf("Create(%s) succeeded", c.out)
			}
			if !same(before, snapshot(t, tmp)) {
				t.Fatalf("refusing %s changed the file system:\n%v\nwas\n%v", c.out, snapshot(t, tmp), before)
			}
		})
	}
}

func TestAcceptedOutputFolders(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	os.MkdirAll(filepath.Join(tmp, "empty"), 0o755)
	write(t, filepath.Join(tmp, "built", output.Marker), "")
	for _, out := range []string{filepath.Join(tmp, "new"), filepath.Join(tmp, "empty"), filepath.Join(tmp, "built"), filepath.Join(tmp, "a", "b", "c")} {
		if err := output.Safe(out, src); err != nil {
			t.Errorf("Safe(%s) = %v", out, err)
		}
	}
}

func TestStaleTemporaryFolders(t *testing.T) {
	tmp := t.TempDir()
	src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "public")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	// What builds killed at different moments leave beside the output.
	write(t, filepath.Join(tmp, ".runbooks-tmp-public-1", output.Marker), "")
	write(t, filepath.Join(tmp, ".runbooks-tmp-public-1", "a", "index.html"), "half a site")
	os.MkdirAll(filepath.Join(tmp, ".runbooks-tmp-public-2"), 0o755) // made, not yet marked; or emptied
	// A folder of the user's that only looks like one.
	write(t, filepath.Join(tmp, ".runbooks-tmp-public-3", "notes.txt"), "mine")
	d, err := output.Create(out, src)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("index.html", []byte("new")); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(nil); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{".runbooks-tmp-public-1": false, ".runbooks-tmp-public-2": false, ".runbooks-tmp-public-3": true} {
		if _, err := os.Stat(filepath.Join(tmp, name)); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", name, err == nil, want)
		}
	}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".runbooks-tmp-") && e.Name() != ".runbooks-tmp-public-3" {
			t.Errorf("%s left behind", e.Name())
		}
	}
}

func TestWriteErrorsLeaveThePreviousOutput(t *testing.T) {
	tmp := t.TempDir()
	src, out := filepath.Join(tmp, "src"), filepath.Join(tmp, "public")
	write(t, filepath.Join(src, "a.md"), "# A\n")
	d, err := output.Create(out, src)
	if err != nil {
		t.Fatal(err)
	}
	d.WriteFile("index.html", []byte("previous"))
	d.WriteFile("a/index.html", []byte("previous a"))
	if err := d.Commit(nil); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)

	for _, c := range []struct {
		name  string
		write func(d *output.Dir) error
	}{
		{"a file where a folder must go", func(d *output.Dir) error {
			if err := d.WriteFile("a", []byte("file")); err != nil {
				return err
			}
			return d.WriteFile("a/index.html", []byte("x"))
		}},
		{"a name outside the folder", func(d *output.Dir) error { return d.WriteFile("../escape.html", []byte("x")) }},
		{"an absolute name", func(d *output.Dir) error { return d.WriteFile("/../../escape.html", []byte("x")) }},
		{"the temporary folder gone", func(d *output.Dir) error {
			os.RemoveAll(d.Path())
			os.WriteFile(d.Path(), nil, 0o644) // a file where the folder was
			return d.WriteFile("x/index.html", []byte("x"))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := output.Create(out, src)
			if err != nil {
				t.Fatal(err)
			}
			err = c.write(d)
			if err == nil {
				t.Fatal("the write succeeded")
			}
			if !strings.Contains(err.Error(), "write output") {
				t.Errorf("error %q does not say it is about writing the output", err)
			}
			d.Abort()
			os.Remove(d.Path())
			if !same(before, snapshot(t, out)) {
				t.Errorf("the failed build changed the output")
			}
			if _, err := os.Stat(filepath.Join(tmp, "escape.html")); err == nil {
				t.Errorf("a file was written outside the output folder")
			}
		})
	}

	t.Run("read-only parent", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, which writes whatever a folder's mode; the binary test limits file sizes instead")
		}
		os.Chmod(tmp, 0o555)
		defer os.Chmod(tmp, 0o755)
		if d, err := output.Create(out, src); err == nil {
			d.Abort()
			t.Fatal("Create succeeded in a read-only folder")
		}
		if !same(before, snapshot(t, out)) {
			t.Errorf("the failed build changed the output")
		}
	})
	if got := snapshot(t, out)["index.html"]; !bytes.Equal([]byte(got), []byte("previous")) {
		t.Errorf("index.html = %q", got)
	}
}
