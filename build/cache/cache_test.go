package cache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyNamesEveryField: keys differ when any field does, or when bytes
// move from one field to the next.
func TestKeyNamesEveryField(t *testing.T) {
	base := KeyOf([]byte("ab"), []byte("c"))
	for name, k := range map[string]Key{
		"boundary":    KeyOf([]byte("a"), []byte("bc")),
		"field":       KeyOf([]byte("ab"), []byte("d")),
		"extra field": KeyOf([]byte("ab"), []byte("c"), nil),
		"one field":   KeyOf([]byte("abc")),
	} {
		if k == base {
			t.Errorf("%s: same key", name)
		}
	}
}

// TestIdentity: the test binary has an identity on every system (the
// executable's hash where it has no Go build id), and it is stable.
func TestIdentity(t *testing.T) {
	a, err := Identity()
	if err != nil {
		t.Fatalf("no build identity: %v; the caches would be off", err)
	}
	exe, _ := os.Executable()
	if _, err := elfBuildID(exe); err == nil {
		if b, _ := readIdentity(); b != a {
			t.Errorf("identity %q, then %q", a, b)
		}
	}
	if len(a) != 16 {
		t.Errorf("identity %q, want 16 hex digits", a)
	}
}

// TestFileNamesSettings: files for other settings or sites are other files.
func TestFileNamesSettings(t *testing.T) {
	dir := t.TempDir()
	a, _ := File(dir, "highlight", "tab 4", "site")
	for name, f := range map[string]func() (string, error){
		"settings": func() (string, error) { return File(dir, "highlight", "tab 8", "site") },
		"site":     func() (string, error) { return File(dir, "highlight", "tab 4", "other") },
		"kind":     func() (string, error) { return File(dir, "pages", "tab 4", "site") },
	} {
		b, err := f()
		if err != nil || b == a {
			t.Errorf("other %s: %q, %v; want a file other than %q", name, b, err, a)
		}
	}
	if filepath.Dir(a) != dir || !strings.HasPrefix(filepath.Base(a), "highlight-") {
		t.Errorf("File = %q, want highlight-… in %s", a, dir)
	}
}

// TestDir: one folder for every cache, none when caching is off.
func TestDir(t *testing.T) {
	if d, ok := Dir("/x", false); !ok || d != "/x" {
		t.Errorf("Dir(/x) = %q, %v", d, ok)
	}
	if _, ok := Dir("/x", true); ok {
		t.Error("Dir with caching disabled reports a folder")
	}
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg")
	if d, ok := Dir("", false); !ok || d != filepath.Join("/tmp/xdg", "runbooks") {
		t.Errorf("Dir() = %q, %v; want the runbooks folder of the user cache folder", d, ok)
	}
}
