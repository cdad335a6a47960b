package srcfs_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/arcaapi/runbooks/build/srcfs"
)

// tree makes a source folder beside a folder outside it, with the files
// and symlinks the cases read.
func tree(t *testing.T) (src string) {
	t.Helper()
	top := t.TempDir()
	src = filepath.Join(top, "runbooks")
	write := func(name string, data []byte) {
		p := filepath.Join(top, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(top, filepath.FromSlash(name))); err != nil {
			t.Skipf("no symlinks here: %v", err)
		}
	}
	write("runbooks/index.md", []byte("# Runbooks\n"))
	write("runbooks/team/service/db/page.md", []byte("# Deep\n"))
	write("runbooks/empty.md", nil)
	write("runbooks/big.md", bytes.Repeat([]byte("0123456789abcdef"), 1<<14))
	write("secret.md", []byte("outside\n"))
	link("team/service/db/page.md", "runbooks/alias.md")
	link("../secret.md", "runbooks/escape.md")
	link(filepath.Join(top, "runbooks", "index.md"), "runbooks/absolute.md")
	link("team", "runbooks/teamlink")
	return src
}

func TestReadFile(t *testing.T) {
	src := tree(t)
	root, err := os.OpenRoot(src)
	if err != nil {
		t.Fatal(err)
	}
	fsys := srcfs.New(root)
	defer fsys.Close()
	for _, tc := range []struct {
		name string
		want string // file under src whose bytes ReadFile gives, or "" for an error
	}{
		{"index.md", "index.md"},
		{"team/service/db/page.md", "team/service/db/page.md"},
		{"empty.md", "empty.md"},
		{"big.md", "big.md"},
		{"alias.md", "team/service/db/page.md"}, // a symlink inside the folder
		{"teamlink/service/db/page.md", "team/service/db/page.md"},
		{"escape.md", ""},   // a symlink out of the folder
		{"absolute.md", ""}, // os.Root refuses absolute links, even inward
		{"../secret.md", ""},
		{"/etc/hostname", ""},
		{"team/../index.md", ""}, // not a valid fs path
		{"missing.md", ""},
		{"team", ""}, // a folder
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fsys.ReadFile(tc.name)
			// The answer must be os.Root's, fast path or not.
			rootGot, rootErr := fs.ReadFile(root.FS(), tc.name)
			if (err == nil) != (rootErr == nil) || !bytes.Equal(got, rootGot) {
				t.Errorf("ReadFile(%q) = %d bytes, %v; os.Root gives %d bytes, %v", tc.name, len(got), err, len(rootGot), rootErr)
			}
			if tc.want == "" {
				if err == nil {
					t.Errorf("ReadFile(%q) read %q, want an error", tc.name, got)
				}
				return
			}
			want, rerr := os.ReadFile(filepath.Join(src, filepath.FromSlash(tc.want)))
			if rerr != nil {
				t.Fatal(rerr)
			}
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("ReadFile(%q) = %d bytes, %v; want the %d bytes of %s", tc.name, len(got), err, len(want), tc.want)
			}
		})
	}
	if _, err := fsys.ReadFile("missing.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile of a missing file: %v, want fs.ErrNotExist", err)
	}
}

// The other methods are os.Root's: a symlink is a symlink to Lstat.
func TestLstat(t *testing.T) {
	root, err := os.OpenRoot(tree(t))
	if err != nil {
		t.Fatal(err)
	}
	fsys := srcfs.New(root)
	defer fsys.Close()
	fi, err := fs.Lstat(fsys, "alias.md")
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat(alias.md) = %v, %v; want a symlink", fi, err)
	}
	if target, err := fs.ReadLink(fsys, "alias.md"); err != nil || target != "team/service/db/page.md" {
		t.Errorf("ReadLink(alias.md) = %q, %v", target, err)
	}
}

// ReadDir lists what os.Root lists, in the same order and with the same
// types, and an entry's Info is the file's.
func TestReadDir(t *testing.T) {
	root, err := os.OpenRoot(tree(t))
	if err != nil {
		t.Fatal(err)
	}
	fsys := srcfs.New(root)
	defer fsys.Close()
	for _, name := range []string{".", "team", "team/service/db", "teamlink", "teamlink/service", "index.md", "missing", "..", "/etc"} {
		t.Run(name, func(t *testing.T) {
			got, err := fsys.ReadDir(name)
			want, wantErr := fs.ReadDir(root.FS(), name)
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("ReadDir(%q) error %v; os.Root's %v", name, err, wantErr)
			}
			if len(got) != len(want) {
				t.Fatalf("ReadDir(%q) = %d entries; os.Root lists %d", name, len(got), len(want))
			}
			for i := range got {
				g, w := got[i], want[i]
				if g.Name() != w.Name() || g.Type() != w.Type() || g.IsDir() != w.IsDir() {
					t.Errorf("entry %d: %s %v; os.Root's %s %v", i, g.Name(), g.Type(), w.Name(), w.Type())
				}
				gi, gerr := g.Info()
				wi, werr := w.Info()
				if gerr != nil || werr != nil || gi.Size() != wi.Size() || gi.Mode() != wi.Mode() {
					t.Errorf("entry %s: Info %v, %v; os.Root's %v, %v", g.Name(), gi, gerr, wi, werr)
				}
			}
		})
	}
}
