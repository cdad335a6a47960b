package stamp_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/stamp"
	"github.com/arcaapi/runbooks/internal/fixture"
)

var inputs = [32]byte{1, 2, 3}

// site is the output folder each case starts from.
var site = map[string]string{
	"index.html":          "<h1>Runbooks</h1>",
	"api/down/index.html": "<h1>API down</h1>",
	"api/slow/index.html": "<h1>API slow</h1>",
	"style.css":           "body{}",
}

func TestAStampHoldsUntilTheFolderChanges(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(t *testing.T, dir string) // nil: nothing changes
		inputs [32]byte
		holds  bool
	}{
		{"nothing changed", nil, inputs, true},
		{"other inputs", nil, [32]byte{9}, false},
		{"a file edited, same size, its time set back", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "api/down/index.html")
			fi, _ := os.Stat(p)
			write(t, p, "<h1>API DOWN</h1>")
			os.Chtimes(p, fi.ModTime(), fi.ModTime())
		}, inputs, false},
		{"a file replaced by a copy of itself", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "style.css")
			os.Remove(p)
			write(t, p, "body{}")
		}, inputs, false},
		{"a file added", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "api/notes.txt"), "mine") }, inputs, false},
		{"an empty folder added", func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "empty"), 0o755) }, inputs, false},
		{"a file removed", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "api/slow/index.html")) }, inputs, false},
		{"a folder renamed", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "api/slow"), filepath.Join(dir, "api/slower"))
		}, inputs, false},
		{"a mode changed", func(t *testing.T, dir string) { os.Chmod(filepath.Join(dir, "index.html"), 0o600) }, inputs, false},
		{"a symlink added", func(t *testing.T, dir string) { os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")) }, inputs, false},
		{"the folder replaced by a copy", func(t *testing.T, dir string) {
			os.Rename(dir, dir+".old")
			fixture.Write(t, dir, site)
		}, inputs, false},
		{"the folder removed", func(t *testing.T, dir string) { os.RemoveAll(dir) }, inputs, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := fixture.Tree(t, site)
			s, err := stamp.Take(dir, inputs)
			if err != nil {
				t.Fatal(err)
			}
			if c.change != nil {
				c.change(t, dir)
			}
			if got := s.Holds(dir, c.inputs); got != c.holds {
				t.Errorf("Holds = %v, want %v", got, c.holds)
			}
		})
	}
}

// An edit in the same tick of the file system's clock as the build's own
// write leaves size and times as they were; the content hash of recently
// changed entries is what catches it.
func TestARecentEditWithTheSameMetadataIsCaught(t *testing.T) {
	dir := fixture.Tree(t, site)
	p := filepath.Join(dir, "index.html")
	s, err := stamp.Take(dir, inputs)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	f, err := os.OpenFile(p, os.O_WRONLY, 0) // same inode, same size
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("<h1>RUNBOOKS</h1>"), 0)
	f.Close()
	os.Chtimes(p, fi.ModTime(), fi.ModTime())
	if s.Holds(dir, inputs) {
		t.Error("Holds = true after an edit")
	}
}

func TestOldEntriesAreVouchedForByTheirMetadata(t *testing.T) {
	dir := fixture.Tree(t, site)
	s, err := stamp.Take(dir, inputs)
	if err != nil {
		t.Fatal(err)
	}
	recent := 0
	for _, e := range s.Entries {
		if e.Sum != nil {
			recent++
		}
	}
	if recent != len(s.Entries) {
		t.Errorf("%d of %d entries just written carry a content hash, want all", recent, len(s.Entries))
	}
	// Backdating cannot move a change time, so wait out the racy window
	// on a short one: entries older than it carry no hash.
	if testing.Short() {
		t.Skip("waits for the racy window to pass")
	}
	time.Sleep(stamp.Racy + 100*time.Millisecond)
	s, err = stamp.Take(dir, inputs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range s.Entries {
		if e.Sum != nil {
			t.Errorf("%q carries a content hash, though it last changed before the racy window", e.Name)
		}
	}
	if !s.Holds(dir, inputs) {
		t.Error("Holds = false on an unchanged folder")
	}
}

func TestSavedStampsRoundTripAndCorruptOnesAreRefused(t *testing.T) {
	dir := fixture.Tree(t, site)
	s, err := stamp.Take(dir, inputs)
	if err != nil {
		t.Fatal(err)
	}
	s.Pages, s.Files = 3, 4
	s.Problems = []diag.Problem{diag.Warnf("api/down.md", 5, 1, "review-overdue", "review overdue")}
	file := filepath.Join(t.TempDir(), "cache", "output.bin")
	if err := s.Save(file); err != nil {
		t.Fatal(err)
	}
	got, err := stamp.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if got.Pages != 3 || got.Files != 4 || len(got.Problems) != 1 || got.Problems[0] != s.Problems[0] || !got.Holds(dir, inputs) {
		t.Errorf("loaded stamp = %+v", got)
	}
	data, _ := os.ReadFile(file)
	for name, bad := range map[string][]byte{
		"truncated":     data[:len(data)/2],
		"a bit flipped": func() []byte { b := append([]byte(nil), data...); b[len(b)-3] ^= 1; return b }(),
		"not a stamp":   []byte("hello"),
		"empty":         nil,
	} {
		write(t, file, string(bad))
		if _, err := stamp.Load(file); err == nil {
			t.Errorf("%s: Load accepted it", name)
		}
	}
	if _, err := stamp.Load(filepath.Join(t.TempDir(), "missing.bin")); err == nil {
		t.Error("Load of a missing file gave no error")
	}
}

func write(t *testing.T, p, data string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
