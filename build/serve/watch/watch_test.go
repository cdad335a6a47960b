package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// patience bounds every wait, so that a broken watcher fails the test
// instead of hanging it.
const patience = 20 * time.Second

func TestIgnored(t *testing.T) {
	for name, want := range map[string]bool{
		"pool.md":                   false,
		"diagram.svg":               false,
		"README.md":                 false,
		"4913.md":                   false,
		"2024":                      false,
		"4913":                      true, // vim's probe
		"5036":                      true, // vim's next probe when 4913 exists
		"pool.md~":                  true,
		".pool.md.swp":              true,
		"pool.md.swp":               true,
		".pool.md.swx":              true,
		".#pool.md":                 true,
		"#pool.md#":                 true,
		"pool.md___jb_tmp___":       true,
		"pool.md___jb_old___":       true,
		".goutputstream-XYZ123":     true,
		"upload.tmp":                true,
		".git":                      true,
		".DS_Store":                 true,
		"":                          true,
		"pool.md.orig":              false,
		"notes.txt":                 false,
		"release-notes-4913.md":     false,
		"4913-incident-timeline.md": false,
	} {
		if got := Ignored(name); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestLimitError(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EMFILE} {
		err := limitError("watch /src/db", fmt.Errorf("inotify_add_watch: %w", errno))
		if !errors.Is(err, ErrLimit) {
			t.Errorf("%v: %v does not wrap ErrLimit", errno, err)
		}
	}
	if err := limitError("watch /src/db", syscall.EACCES); errors.Is(err, ErrLimit) {
		t.Errorf("EACCES reported as the watch limit: %v", err)
	}
}

// start watches dir until the test ends.
func start(t *testing.T, opts Options) *Watcher {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w, err := Start(ctx, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		timeout := time.After(patience)
		for {
			select {
			case _, ok := <-w.Batches():
				if !ok {
					return
				}
			case <-timeout:
				t.Error("the watcher did not stop")
				return
			}
		}
	})
	return w
}

// until receives batches until every path in want was seen under root,
// and returns how many batches that took.
func until(t *testing.T, w *Watcher, root string, want ...string) int {
	t.Helper()
	n := 0
	for len(want) > 0 {
		select {
		case b := <-w.Batches():
			n++
			want = slices.DeleteFunc(want, func(p string) bool { return slices.Contains(b.Changed[root], p) })
		case <-time.After(patience):
			t.Fatalf("no batch with %v", want)
		}
	}
	return n
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWatch(t *testing.T) {
	for _, poll := range []time.Duration{0, 20 * time.Millisecond} {
		t.Run(fmt.Sprint("poll=", poll), func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "a.md", "a")
			write(t, dir, "old/b.md", "b")
			write(t, dir, ".git/HEAD", "ref")
			w := start(t, Options{Roots: []string{dir}, Poll: poll})

			write(t, dir, "a.md", "a2")
			until(t, w, dir, "a.md")

			// A new folder is watched as soon as it appears.
			write(t, dir, "new/deeper/c.md", "c")
			until(t, w, dir, "new")
			write(t, dir, "new/deeper/c.md", "c2")
			until(t, w, dir, "new/deeper/c.md")

			// A removed folder is forgotten.
			if err := os.RemoveAll(filepath.Join(dir, "old")); err != nil {
				t.Fatal(err)
			}
			until(t, w, dir, "old")
			if poll == 0 && w.watched[filepath.Join(dir, "old")] {
				t.Error("the removed folder is still watched")
			}

			// .git and editor files are not reported; a later edit comes alone.
			write(t, dir, ".git/index", "x")
			write(t, dir, "4913", "")
			write(t, dir, "a.md~", "backup")
			write(t, dir, "a.md", "a3")
			select {
			case b := <-w.Batches():
				if !slices.Equal(b.Changed[dir], []string{"a.md"}) {
					t.Errorf("batch %v, want a.md alone", b.Changed)
				}
			case <-time.After(patience):
				t.Fatal("no batch")
			}
		})
	}
}

// TestBurstCoalesces writes many files at once: they come in at most two
// batches. The quiet window is longer than the default so that a loaded
// test machine pausing the writer does not split the burst.
func TestBurstCoalesces(t *testing.T) {
	dir := t.TempDir()
	// Generous windows: what is tested is that a burst becomes one batch,
	// and a loaded machine can take seconds to write 300 files.
	w := start(t, Options{Roots: []string{dir}, Quiet: 2 * time.Second, MaxDelay: time.Minute})
	var want []string
	for i := range 300 {
		name := fmt.Sprintf("p%03d.md", i)
		want = append(want, name)
		write(t, dir, name, "x")
	}
	if n := until(t, w, dir, want...); n > 2 {
		t.Errorf("300 files came in %d batches, want at most 2", n)
	}
}

// TestSeveralRoots watches the sources and a theme folder at once.
func TestSeveralRoots(t *testing.T) {
	src, theme := t.TempDir(), t.TempDir()
	w := start(t, Options{Roots: []string{src, theme}})
	write(t, theme, "static/style.css", "x")
	until(t, w, theme, "static")
	write(t, src, "a.md", "x")
	write(t, theme, "static/style.css", "y")
	select {
	case b := <-w.Batches():
		if !slices.Equal(b.Changed[src], []string{"a.md"}) || !slices.Equal(b.Changed[theme], []string{"static/style.css"}) {
			t.Errorf("batch %v", b.Changed)
		}
	case <-time.After(patience):
		t.Fatal("no batch")
	}
}

// TestRootComesBack removes the watched folder and makes it anew, as a
// branch switch or a restore from backup does: the watcher notices it
// is back, and reports later edits in it.
func TestRootComesBack(t *testing.T) {
	for _, poll := range []time.Duration{0, 20 * time.Millisecond} {
		t.Run(fmt.Sprint("poll=", poll), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "runbooks")
			write(t, dir, "a.md", "a")
			write(t, dir, "db/b.md", "b")
			w := start(t, Options{Roots: []string{dir}, Poll: poll})
			// The preview server holds the folder open, so the system
			// does not report it removed until it is closed.
			held, err := os.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer held.Close()

			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			until(t, w, dir, "a.md")
			write(t, dir, "a.md", "a, again")
			write(t, dir, "db/b.md", "b, again")
			if poll == 0 {
				until(t, w, dir, ".")
			} else {
				until(t, w, dir, "a.md")
			}
			// Edits in the new folder, and in a folder below it, come.
			write(t, dir, "a.md", "a, edited")
			until(t, w, dir, "a.md")
			write(t, dir, "db/b.md", "b, edited")
			until(t, w, dir, "db/b.md")
		})
	}
}
