package srcfs

import (
	"os"
	"path/filepath"
	"testing"
)

// The fast path reads a file inside the folder itself, and the kernel,
// not the fallback, refuses a symlink that leads out of it.
func TestReadBeneath(t *testing.T) {
	top := t.TempDir()
	src := filepath.Join(top, "src")
	if err := os.MkdirAll(filepath.Join(src, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "a", "b", "page.md"), []byte("# Page\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(top, "secret"), []byte("secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../secret", filepath.Join(src, "out")); err != nil {
		t.Skip(err)
	}
	dir, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	fd := int(dir.Fd())
	data, err := readBeneath(fd, "a/b/page.md")
	if unsupported(err) {
		t.Skipf("openat2 is not available here (%v): every read takes os.Root's path", err)
	}
	if err != nil || string(data) != "# Page\n" {
		t.Errorf("readBeneath(a/b/page.md) = %q, %v", data, err)
	}
	for _, name := range []string{"out", "../secret", filepath.Join(top, "secret"), "a"} {
		if data, err := readBeneath(fd, name); err == nil {
			t.Errorf("readBeneath(%q) read %q, want an error", name, data)
		}
	}
	if entries, err := readDirBeneath(fd, "a"); err != nil || len(entries) != 1 || entries[0].Name() != "b" || !entries[0].IsDir() {
		t.Errorf("readDirBeneath(a) = %v, %v; want the folder b", entries, err)
	}
	if err := os.Symlink("..", filepath.Join(src, "up")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"..", "up", top, "a/b/page.md"} {
		if entries, err := readDirBeneath(fd, name); err == nil {
			t.Errorf("readDirBeneath(%q) listed %v, want an error", name, entries)
		}
	}
}
