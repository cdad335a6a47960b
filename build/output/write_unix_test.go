//go:build unix

package output

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "index.html")
	for _, data := range []string{"<p>first, longer</p>", "<p>2</p>", ""} {
		if err := writeNew(p, []byte(data)); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(p); err != nil || string(got) != data {
			t.Errorf("after writeNew(%q) the file holds %q, %v", data, got, err)
		}
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644&^umask(t) {
		t.Errorf("mode %v, %v; want 0644 less the umask", fi.Mode(), err)
	}
	// A symlink planted where a file goes is not written through.
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.html")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if err := writeNew(link, []byte("evil")); err == nil {
		t.Error("writeNew wrote through a symlink")
	}
	if got, _ := os.ReadFile(target); string(got) != "keep" {
		t.Errorf("the symlink's target holds %q, want it untouched", got)
	}
	if err := writeNew(filepath.Join(dir, "missing", "x.html"), nil); err == nil {
		t.Error("writeNew into a missing folder gave no error")
	}
}

// umask returns the process's file mode creation mask.
func umask(t *testing.T) os.FileMode {
	p := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(p, nil, 0o777); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return 0o777 &^ fi.Mode().Perm()
}
