package stamp_test

import (
	"os"
	"path/filepath"
	"slices"
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

// TestAStampHoldsUntilTheFolderChanges also checks RootHolds, the quick
// test a build makes before it hashes its inputs: it must never fail where
// Holds would hold, and must fail where the folder itself is gone or has
// other names at its top. Where the top keeps its names, a change in the
// same tick of the clock may leave it as it was, so either answer is right
// ("").
func TestAStampHoldsUntilTheFolderChanges(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(t *testing.T, dir string) // nil: nothing changes
		inputs [32]byte
		holds  bool
		root   string // what RootHolds says: "holds", "fails" or either
	}{
		{"nothing changed", nil, inputs, true, "holds"},
		{"other inputs", nil, [32]byte{9}, false, "holds"},
		{"a file edited, same size, its time set back", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "api/down/index.html")
			fi, _ := os.Stat(p)
			write(t, p, "<h1>API DOWN</h1>")
			os.Chtimes(p, fi.ModTime(), fi.ModTime())
		}, inputs, false, "holds"},
		{"a file replaced by a copy of itself", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "style.css")
			os.Remove(p)
			write(t, p, "body{}")
		}, inputs, false, ""},
		{"a file added", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "api/notes.txt"), "mine") }, inputs, false, "holds"},
		{"an empty folder added", func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "empty"), 0o755) }, inputs, false, "fails"},
		{"a file removed", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "api/slow/index.html")) }, inputs, false, "holds"},
		{"a folder renamed", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "api/slow"), filepath.Join(dir, "api/slower"))
		}, inputs, false, "holds"},
		{"a mode changed", func(t *testing.T, dir string) { os.Chmod(filepath.Join(dir, "index.html"), 0o600) }, inputs, false, "holds"},
		{"a symlink added", func(t *testing.T, dir string) { os.Symlink("/etc/passwd", filepath.Join(dir, "passwd")) }, inputs, false, "fails"},
		{"the folder replaced by a copy", func(t *testing.T, dir string) {
			os.Rename(dir, dir+".old")
			fixture.Write(t, dir, site)
		}, inputs, false, "fails"},
		{"the folder removed", func(t *testing.T, dir string) { os.RemoveAll(dir) }, inputs, false, "fails"},
	} {
		for _, take := range takers {
			t.Run(take.name+"/"+c.name, func(t *testing.T) {
				dir := fixture.Tree(t, site)
				s, err := take.take(t, dir, stamp.Now(filepath.Dir(dir)))
				if err != nil {
					t.Fatal(err)
				}
				if c.change != nil {
					c.change(t, dir)
				}
				if got := s.Holds(dir, c.inputs); got != c.holds {
					t.Errorf("Holds = %v, want %v", got, c.holds)
				}
				if got := s.RootHolds(dir); c.root != "" && got != (c.root == "holds") {
					t.Errorf("RootHolds = %v, want %s", got, c.root)
				}
			})
		}
	}
}

// takers are the two ways to stamp a folder: listing it, and from the
// names of what it holds.
var takers = []struct {
	name string
	take func(t *testing.T, dir string, since time.Time) (*stamp.Stamp, error)
}{
	{"Take", func(_ *testing.T, dir string, since time.Time) (*stamp.Stamp, error) {
		return stamp.Take(dir, inputs, since)
	}},
	{"TakeNames", func(t *testing.T, dir string, since time.Time) (*stamp.Stamp, error) {
		return stamp.TakeNames(dir, names(t, dir), inputs, since)
	}},
}

// names lists what dir holds, as slash paths.
func names(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err == nil && p != dir {
			out = append(out, filepath.ToSlash(p[len(dir)+1:]))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A stamp from names is the stamp from a listing, entry for entry; a name
// that is not there, or not within the folder, is an error.
func TestTakeNames(t *testing.T) {
	dir := fixture.Tree(t, site)
	since := stamp.Now(filepath.Dir(dir))
	listed, err := stamp.Take(dir, inputs, since)
	if err != nil {
		t.Fatal(err)
	}
	named, err := stamp.TakeNames(dir, names(t, dir), inputs, since)
	if err != nil {
		t.Fatal(err)
	}
	byName := func(s *stamp.Stamp) map[string]stamp.Entry {
		m := map[string]stamp.Entry{}
		for _, e := range s.Entries {
			e.Sum = nil // hashed only when racy, which the two may see differently
			m[e.Name] = e
		}
		return m
	}
	if named.Entries[0].Name != "" {
		t.Errorf("first entry %q, want the folder itself", named.Entries[0].Name)
	}
	if a, b := byName(listed), byName(named); len(a) != len(b) {
		t.Errorf("Take has %d entries, TakeNames %d", len(a), len(b))
	} else {
		for name, e := range a {
			if f := b[name]; f.Mode != e.Mode || f.Size != e.Size || f.Ino != e.Ino || f.Mtime != e.Mtime || f.Ctime != e.Ctime {
				t.Errorf("%q: TakeNames %+v, Take %+v", name, f, e)
			}
		}
	}
	for _, bad := range [][]string{{"missing.html"}, {"../x"}, {""}, {"/etc/passwd"}} {
		if _, err := stamp.TakeNames(dir, bad, inputs, since); err == nil {
			t.Errorf("TakeNames(%q) gave no error", bad)
		}
	}
}

// An edit in the same tick of the file system's clock as the build's own
// write can leave size and times as they were. A test cannot make one
// (setting times back moves the change time), so it copies the edited
// file's metadata into the stamp: the content hash must still catch it.
func TestAnEditWithTheSameMetadataIsCaughtByTheHash(t *testing.T) {
	dir := fixture.Tree(t, site)
	racy, err := stamp.Take(dir, inputs, time.Unix(0, 0)) // everything is recent
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "index.html"), "<h1>RUNBOOKS</h1>")  // same size
	after, err := stamp.Take(dir, inputs, time.Now().Add(time.Hour)) // nothing is recent
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Entries) != len(racy.Entries) {
		t.Fatalf("%d entries, then %d", len(racy.Entries), len(after.Entries))
	}
	for i, e := range after.Entries {
		if e.Sum != nil {
			t.Errorf("%q carries a hash though it changed before since", e.Name)
		}
		e.Sum = racy.Entries[i].Sum
		racy.Entries[i] = e
	}
	if racy.Holds(dir, inputs) {
		t.Error("Holds = true after an edit that kept the metadata")
	}
	if !after.Holds(dir, inputs) {
		t.Error("Holds = false on the folder as it is now")
	}
}

// Now reads the file system's own clock: entries last changed before it
// carry no hash, and a change made after it is stamped at or after it.
func TestEntriesChangedSinceNowCarryAHash(t *testing.T) {
	dir := fixture.Tree(t, site)
	var newest int64
	for _, e := range mustTake(t, dir, time.Now().Add(time.Hour)).Entries {
		newest = max(newest, e.Ctime)
	}
	// Wait for the file system's clock to tick past the tree's writes.
	parent := filepath.Dir(dir)
	since := stamp.Now(parent)
	for deadline := time.Now().Add(10 * time.Second); since.UnixNano() <= newest; since = stamp.Now(parent) {
		if time.Now().After(deadline) {
			t.Fatalf("the file system's clock stayed at %v", since)
		}
		time.Sleep(5 * time.Millisecond)
	}
	s := mustTake(t, dir, since)
	for _, e := range s.Entries {
		if e.Sum != nil {
			t.Errorf("%q carries a hash, though it last changed before since", e.Name)
		}
	}
	if !s.Holds(dir, inputs) {
		t.Error("Holds = false on an unchanged folder")
	}
	if left, _ := filepath.Glob(filepath.Join(parent, ".runbooks-clock-*")); len(left) > 0 {
		t.Errorf("Now left files behind: %q", left)
	}
	write(t, filepath.Join(dir, "api/notes.txt"), "mine")
	var hashed []string
	for _, e := range mustTake(t, dir, since).Entries {
		if e.Sum != nil {
			hashed = append(hashed, e.Name)
		}
	}
	if want := []string{"api", "api/notes.txt"}; !slices.Equal(hashed, want) {
		t.Errorf("entries with a hash after a later write: %q, want %q", hashed, want)
	}
}

func TestNowWithoutAWritableFolderFallsBackOnRacy(t *testing.T) {
	before := time.Now()
	got := stamp.Now(filepath.Join(t.TempDir(), "missing"))
	if got.After(before.Add(-stamp.Racy + time.Second)) {
		t.Errorf("Now = %v, want about %v", got, before.Add(-stamp.Racy))
	}
}

func mustTake(t *testing.T, dir string, since time.Time) *stamp.Stamp {
	t.Helper()
	s, err := stamp.Take(dir, inputs, since)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSavedStampsRoundTripAndCorruptOnesAreRefused(t *testing.T) {
	dir := fixture.Tree(t, site)
	s, err := stamp.Take(dir, inputs, stamp.Now(filepath.Dir(dir)))
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
