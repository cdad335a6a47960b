package cache

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// block returns the HTML of a made-up block i of size bytes.
func block(i, size int) string {
	head := fmt.Sprintf("<span class=\"k\">block %d</span>", i)
	return head + strings.Repeat("x", max(size-len(head), 0))
}

func blockKey(i int) Key { return KeyOf([]byte("bash"), fmt.Appendf(nil, "echo %d", i)) }

// TestBlocksServeTheNextBuild: every block one build stores is served to
// the next, byte for byte, and again to the one after that, which added
// none.
func TestBlocksServeTheNextBuild(t *testing.T) {
	dir := t.TempDir()
	const n = 500
	s := OpenBlocks(dir, "", "site")
	for i := range n {
		if _, ok := s.Get(blockKey(i)); ok {
			t.Fatal("a new store has a block")
		}
		s.Put(blockKey(i), block(i, 100+i*37%3000))
	}
	// Blocks put this build are served by it too, before and after the
	// buffer reaches the file.
	for _, i := range []int{0, n / 2, n - 1} {
		if got, ok := s.Get(blockKey(i)); !ok || got != block(i, 100+i*37%3000) {
			t.Fatalf("block %d put by this build: got %d bytes, %v", i, len(got), ok)
		}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	for build := 2; build <= 3; build++ {
		s = OpenBlocks(dir, "", "site")
		for i := range n {
			got, ok := s.Get(blockKey(i))
			if !ok || got != block(i, 100+i*37%3000) {
				t.Fatalf("build %d: block %d: got %d bytes, %v", build, i, len(got), ok)
			}
			s.Use(blockKey(i))
		}
		if build == 2 {
			s.Put(blockKey(n), block(n, 10)) // the file is written again
		}
		if err := s.Save(); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	hidden, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(files) != 1 || len(hidden) != 0 {
		t.Errorf("cache folder holds %v %v, want one file", files, hidden)
	}
}

// TestBlocksKeepWhatTheBuildUsedFirst: past MaxBlocksBytes, the blocks the
// last build did not use are the ones dropped.
func TestBlocksKeepWhatTheBuildUsedFirst(t *testing.T) {
	dir := t.TempDir()
	const size, limit = 4 << 10, 64 << 10
	count := limit/size + 8
	open := func() *Blocks {
		s := OpenBlocks(dir, "", "site")
		s.limit = limit
		return s
	}
	s := open()
	for i := range count {
		s.Put(blockKey(i), block(i, size))
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s = open()
	s.Put(blockKey(count), block(count, size)) // a new block, the file is saved again
	for i := count - 4; i < count; i++ {       // the last four are used
		if _, ok := s.Get(blockKey(i)); !ok {
			t.Fatalf("block %d was not kept", i)
		}
		s.Use(blockKey(i))
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s = open()
	defer s.Close()
	kept := 0
	for i := range count + 1 {
		if _, ok := s.Get(blockKey(i)); ok {
			kept++
		} else if i >= count-4 {
			t.Errorf("block %d, used by the last build, was dropped", i)
		}
	}
	if max := limit / size; kept > max {
		t.Errorf("kept %d blocks of %d bytes, want at most %d", kept, size, max)
	}
}

// TestBlocksMemoryDoesNotGrow: the blocks a build puts go to disk, so the
// heap does not grow with the HTML stored: after putting 48 MiB of
// blocks, and reading them all back, the live heap has grown by far less.
func TestBlocksMemoryDoesNotGrow(t *testing.T) {
	dir := t.TempDir()
	const n, size = 768, 64 << 10
	s := OpenBlocks(dir, "", "site")
	defer s.Close()
	before := liveHeap()
	for i := range n {
		s.Put(blockKey(i), block(i, size))
	}
	afterPut := liveHeap()
	for i := range n {
		if _, ok := s.Get(blockKey(i)); !ok {
			t.Fatalf("block %d was not stored", i)
		}
	}
	afterGet := liveHeap()
	for name, after := range map[string]uint64{"putting": afterPut, "reading back": afterGet} {
		grew := int64(after) - int64(before)
		t.Logf("live heap grew by %d KiB %s %d KiB of blocks", grew>>10, name, n*size>>10)
		if grew > n*size/16 {
			t.Errorf("live heap grew by %d KiB %s %d KiB of blocks: the store keeps the HTML", grew>>10, name, n*size>>10)
		}
	}
}

// liveHeap returns the bytes of live heap objects after a collection.
func liveHeap() uint64 {
	runtime.GC()
	m := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(m)
	return m[0].Value.Uint64()
}

// TestBlocksKilledBuildKeepsTheStore: a build that stores blocks and ends
// without Save (killed, or failed) leaves the last build's file as it was
// and no file of its own.
func TestBlocksKilledBuildKeepsTheStore(t *testing.T) {
	dir := t.TempDir()
	s := OpenBlocks(dir, "", "site")
	s.Put(blockKey(1), block(1, 100))
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	saved, _ := os.ReadFile(s.path)

	for _, end := range []string{"killed", "closed"} {
		s = OpenBlocks(dir, "", "site")
		s.Get(blockKey(1))
		for i := 2; i < 200; i++ {
			s.Put(blockKey(i), block(i, 5000))
		}
		if end == "closed" {
			s.Close()
			if err := s.Save(); err != nil {
				t.Errorf("Save after Close: %v", err)
			}
		}
		if now, _ := os.ReadFile(s.path); string(now) != string(saved) {
			t.Errorf("%s: the last build's file changed", end)
		}
		next := OpenBlocks(dir, "", "site")
		if got, ok := next.Get(blockKey(1)); !ok || got != block(1, 100) {
			t.Errorf("%s: the last build's block is gone", end)
		}
		if _, ok := next.Get(blockKey(2)); ok {
			t.Errorf("%s: a block of a build that did not save was served", end)
		}
		next.Close()
	}
	tmp, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(tmp) != 1 { // the killed build's
		t.Errorf("temporary files %v, want only the killed build's", tmp)
	}
}

// TestCorruptBlocksAreIgnored: a damaged file is read as an empty store,
// or a damaged block as a missing one, and replaced on Save.
func TestCorruptBlocksAreIgnored(t *testing.T) {
	dir := t.TempDir()
	s := OpenBlocks(dir, "", "x")
	s.Put(blockKey(1), block(1, 300))
	s.Put(blockKey(2), block(2, 300))
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(s.path)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) string {
		b := []byte(string(good))
		b[i] ^= 0x20
		return string(b)
	}
	for _, c := range []struct {
		name, data string
		served     bool // block 2 is served
	}{
		{"empty", "", false},
		{"not a store", "hello", false},
		{"the last format", "RBHL2\n" + strings.Repeat("k", 32) + "\x03abc", false},
		{"truncated", string(good[:len(good)-10]), false},
		{"cut before the index", string(good[:400]), false},
		{"a bit flipped in the index", flip(len(good) - footerLen - 20), false},
		{"a bit flipped in the footer", flip(len(good) - footerLen + 2), false},
		{"a huge count", string(good[:len(good)-footerLen+8]) + "\xff\xff\xff\xff\xff\xff\xff\x7f" + string(good[len(good)-footerLen+16:]), false},
		{"a bit flipped in block 1", flip(len(blocksMagic) + 100), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(s.path, []byte(c.data), 0o644); err != nil {
				t.Fatal(err)
			}
			s := OpenBlocks(dir, "", "x")
			if _, ok := s.Get(blockKey(1)); ok {
				t.Error("a damaged block was served")
			}
			if got, ok := s.Get(blockKey(2)); ok != c.served || ok && got != block(2, 300) {
				t.Errorf("an intact block served: %v, want %v", ok, c.served)
			}
			s.Put(blockKey(1), "html")
			if err := s.Save(); err != nil {
				t.Errorf("a corrupt file is not replaced: %v", err)
			}
			s = OpenBlocks(dir, "", "x")
			if got, ok := s.Get(blockKey(1)); !ok || got != "html" {
				t.Errorf("after Save, the block is %q, %v", got, ok)
			}
			s.Close()
		})
	}
}

// TestSaveRemovesKilledBuildsFiles: Save removes the temporary files that
// builds killed an hour ago or more left beside the store's file, and not
// one that a build may still be writing.
func TestSaveRemovesKilledBuildsFiles(t *testing.T) {
	dir := t.TempDir()
	for _, kind := range []string{"blocks", "pages"} {
		t.Run(kind, func(t *testing.T) {
			s := OpenBlocks(dir, "", "site")
			path := s.path
			save := func() error { s.Put(blockKey(1), "html"); return s.Save() }
			if kind == "pages" {
				c := OpenPages(dir, "", "site")
				path = c.path
				save = func() error { c.Put(PageKey("", "a.md", "a/", nil), &Entry{}, nil); s.Close(); return c.Save() }
			}
			stale := filepath.Join(dir, "."+filepath.Base(path)+"-123.tmp")
			fresh := filepath.Join(dir, "."+filepath.Base(path)+"-456.tmp")
			for _, p := range []string{stale, fresh} {
				if err := os.WriteFile(p, []byte("half a file"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			old := time.Now().Add(-2 * staleAfter)
			if err := os.Chtimes(stale, old, old); err != nil {
				t.Fatal(err)
			}
			if err := save(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(stale); !os.IsNotExist(err) {
				t.Error("a killed build's temporary file was left")
			}
			if _, err := os.Stat(fresh); err != nil {
				t.Errorf("a temporary file that may be in use was removed: %v", err)
			}
		})
	}
}
